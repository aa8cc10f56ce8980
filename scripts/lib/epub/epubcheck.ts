import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { $ } from 'zx';
import { diagnostic, type Diagnostic } from '../diagnostics.ts';
import { SHORT_RUN_JVM_OPTIONS } from '../java-options.ts';
import { logRun } from '../run-log.ts';
import type { RuleId } from '../rules.ts';

export const EPUBCHECK_JAR = process.env.EPUBCHECK_JAR ?? '/usr/share/java/epubcheck.jar';

/** One message of EPUBCheck's `--json` report. */
interface EpubcheckMessage {
  ID: string;
  severity: 'FATAL' | 'ERROR' | 'WARNING' | 'USAGE' | 'INFO' | 'SUPPRESSED';
  message: string;
  locations: { path: string; line: number; column: number }[];
}

export interface EpubcheckReport {
  version: string;
  messages: EpubcheckMessage[];
}

/** Runs EPUBCheck on a file and returns its JSON report (the exit code only says "errors or not"). */
export async function runEpubcheck(epubFile: string, timeoutMs = 180_000): Promise<EpubcheckReport> {
  logRun('epubcheck');
  if (!existsSync(EPUBCHECK_JAR)) throw new Error(`EPUBCheck not found at ${EPUBCHECK_JAR}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'epubcheck-'));
  const json = path.join(dir, 'report.json');
  try {
    await $({ nothrow: true, quiet: true, timeout: timeoutMs })`java ${SHORT_RUN_JVM_OPTIONS} -jar ${EPUBCHECK_JAR} ${epubFile} --json ${json}`;
    if (!existsSync(json)) throw new Error('EPUBCheck wrote no report (is a Java runtime installed?)');
    const report = JSON.parse(await readFile(json, 'utf8')) as { checker?: { checkerVersion?: string }; messages?: EpubcheckMessage[] };
    return { version: report.checker?.checkerVersion ?? 'unknown', messages: report.messages ?? [] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const RULE_OF: Partial<Record<EpubcheckMessage['severity'], RuleId>> = {
  FATAL: 'epub/epubcheck-fatal',
  ERROR: 'epub/epubcheck-error',
  WARNING: 'epub/epubcheck-warning',
};

/** One diagnostic per message and place; `book.epub!/OEBPS/ch1.xhtml:12:5` names the file inside the EPUB. */
export function epubcheckDiagnostics(report: EpubcheckReport, displayFile: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const m of report.messages) {
    const rule = RULE_OF[m.severity];
    if (!rule) continue;
    const places = m.locations.length > 0 ? m.locations : [{ path: '', line: 0, column: 0 }];
    for (const place of places) {
      const file = place.path ? `${displayFile}!/${place.path}` : displayFile;
      found.push(diagnostic(rule, { file, line: Math.max(place.line, 0), column: Math.max(place.column, 0), source: 'epubcheck' }, `${m.ID}: ${m.message}`));
    }
  }
  return found;
}
