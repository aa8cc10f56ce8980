import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findChromium } from '../browser.ts';
import { diagnostic, type Diagnostic } from '../diagnostics.ts';
import { logRun } from '../run-log.ts';
import { packageDir } from '../paths.ts';

/** One finding of Ace by DAISY, as its report.json states it (EARL). */
export interface AceFinding {
  /** The content document, inside the EPUB (`/OEBPS/titelpagina.xhtml`), or the package. */
  document: string;
  rule: string;
  impact: string;
  title: string;
  description: string;
  /** CSS selectors of the elements it is about. */
  where: string[];
}

interface AceAssertion {
  'earl:testSubject'?: { url?: string };
  'earl:test'?: { 'dct:title'?: string; 'earl:impact'?: string; help?: { 'dct:title'?: string } };
  'earl:result'?: { 'earl:outcome'?: string; 'dct:description'?: string; 'earl:pointer'?: { css?: string[] } };
  assertions?: AceAssertion[];
}

/** The failed assertions of an Ace report, one per rule and document. */
export function aceFindings(report: { assertions?: AceAssertion[] }): AceFinding[] {
  const found: AceFinding[] = [];
  for (const documentAssertion of report.assertions ?? []) {
    const document = documentAssertion['earl:testSubject']?.url ?? '';
    for (const assertion of documentAssertion.assertions ?? []) {
      const result = assertion['earl:result'];
      if (result?.['earl:outcome'] !== 'fail') continue;
      const test = assertion['earl:test'] ?? {};
      found.push({
        document,
        rule: test['dct:title'] ?? 'unknown',
        impact: test['earl:impact'] ?? 'unknown',
        title: test.help?.['dct:title'] ?? '',
        description: (result['dct:description'] ?? '').split('\n')[0] ?? '',
        where: result['earl:pointer']?.css ?? [],
      });
    }
  }
  return found;
}

/**
 * Runs Ace by DAISY (`@daisy/ace-cli`, the accessibility checker EPUB shops and libraries use) on an EPUB,
 * with the system's Chromium (its own puppeteer downloads none here), and returns its findings.
 */
export async function runAce(epubFile: string, timeoutMs = 300_000): Promise<AceFinding[]> {
  logRun('ace');
  const work = await mkdtemp(path.join(tmpdir(), 'book-ace-'));
  try {
    const bin = path.join(packageDir('@daisy/ace-cli'), 'bin', 'ace.js');
    const out = path.join(work, 'report');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, '--silent', '--force', '--outdir', out, '--tempdir', path.join(work, 'temp'), epubFile], {
        env: { ...process.env, PUPPETEER_EXECUTABLE_PATH: findChromium(), PUPPETEER_SKIP_DOWNLOAD: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (exit) => {
        clearTimeout(timer);
        resolve({ code: exit, output });
      });
    });
    let report: { assertions?: AceAssertion[] };
    try {
      report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as { assertions?: AceAssertion[] };
    } catch {
      throw new Error(`Ace wrote no report (exit ${code}): ${output.trim().split('\n').slice(-3).join(' ')}`);
    }
    return aceFindings(report);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export function aceDiagnostics(findings: readonly AceFinding[], displayFile: string): Diagnostic[] {
  return findings.map((f) =>
    diagnostic(
      'epub/ace',
      { file: `${displayFile}!${f.document.startsWith('/') ? f.document : `/${f.document}`}` },
      `${f.rule} (${f.impact}): ${f.description || f.title}${f.where.length ? `; at ${f.where.slice(0, 3).join(', ')}` : ''}`,
    ),
  );
}
