import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildBook, type BuildOptions } from '../build-book.ts';
import { formatJson, formatText, summarize, writeLayoutProof, type Summary } from '../checks/report.ts';
import { findingsOf, outputChecks } from '../checks/run-checks.ts';
import { BuildError, hasErrors, type Diagnostic } from '../diagnostics.ts';
import { FORMATS } from '../formats.ts';
import { markWritten } from '../output-folder.ts';
import { projectVersion } from '../paths.ts';
import { outputBaseName } from '../output.ts';

export interface Release {
  dir: string;
  /** Relative path -> SHA-256 (hex), as in SHA256SUMS. */
  sums: Map<string, string>;
  summary: Summary;
  version: string;
}

export const REPORT_TEXT = 'check-report.txt';
export const REPORT_JSON = 'check-report.json';
export const SUMS_FILE = 'SHA256SUMS';

/**
 * Builds every format and the press PDF, runs every check, and when none reports an error writes
 * `<out>/release/<slug>-<version>/`: the files, the check report (text and JSON) and SHA256SUMS over them.
 * The folder appears whole or not at all. Throws BuildError with the findings when a check fails.
 */
export async function makeRelease(options: Omit<BuildOptions, 'formats'>): Promise<Release> {
  const { book, outputs, summaries, diagnostics: found, checks } = await buildBook({ ...options, formats: [...FORMATS], checks: outputChecks(FORMATS) });
  const diagnostics: Diagnostic[] = [...found, ...findingsOf(checks)];
  await writeLayoutProof(outputs, checks);
  if (hasErrors(diagnostics)) throw new BuildError(diagnostics);

  const version = book.config.version ?? projectVersion();
  const releases = path.join(options.outDir, 'release');
  const dir = path.join(releases, `${outputBaseName(book)}-${version}`);
  const temp = path.join(releases, `.${path.basename(dir)}.${randomBytes(4).toString('hex')}.tmp`);
  await mkdir(temp, { recursive: true });
  try {
    for (const { file } of summaries) await cp(file, path.join(temp, path.basename(file)), { recursive: true });
    await writeFile(path.join(temp, REPORT_TEXT), formatText(diagnostics));
    await writeFile(path.join(temp, REPORT_JSON), formatJson(diagnostics));
    const sums = await hashTree(temp);
    await writeFile(path.join(temp, SUMS_FILE), formatSums(sums));
    await rm(dir, { recursive: true, force: true });
    await rename(temp, dir);
    await markWritten(options.outDir, 'release');
    return { dir, sums, summary: summarize(diagnostics), version };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** SHA-256 of every file under a folder, by path relative to it (with `/`), sorted; the build's cache
 * (`.cache/`) is not part of the book and is left out. */
export async function hashTree(root: string): Promise<Map<string, string>> {
  const sums = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.cache' || dir !== root) await walk(full);
      }
      else if ((await stat(full)).isFile()) {
        sums.set(path.relative(root, full).split(path.sep).join('/'), createHash('sha256').update(await readFile(full)).digest('hex'));
      }
    }
  };
  await walk(root);
  return sums;
}

/** The format `sha256sum -c` reads: hash, two spaces, path. */
export function formatSums(sums: ReadonlyMap<string, string>): string {
  return [...sums].map(([file, hash]) => `${hash}  ${file}\n`).join('');
}
