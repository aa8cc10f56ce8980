import { loadBook } from './book.ts';
import { launchBrowser } from './browser.ts';
import type { BuildArgs } from './cli-args.ts';
import { formatDiagnostic } from './diagnostics.ts';
import { buildDate } from './output.ts';
import { projectVersion } from './paths.ts';
import { buildPrintPdf, type PrintResult } from './print/print-target.ts';
import { createProgress } from './progress.ts';

export interface BuildResult {
  pdf?: PrintResult;
  seconds: number;
}

/** Every requested format of one manuscript. Throws BuildError (with diagnostics) when it cannot. */
export async function buildBook(args: BuildArgs): Promise<BuildResult> {
  const progress = createProgress(!args.quiet);
  progress.step(`reading ${args.manuscriptDir}`);
  const book = await loadBook({ manuscriptDir: args.manuscriptDir });
  for (const d of book.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  progress.step(`${book.chapters.length} chapter(s), ${book.chapters.reduce((n, c) => n + c.notes.length, 0)} notes`);
  const result: BuildResult = { seconds: 0 };
  if (args.formats.includes('pdf')) {
    progress.step('print: starting Chromium');
    const session = await launchBrowser();
    try {
      result.pdf = await buildPrintPdf({
        book,
        outDir: args.outDir,
        session,
        progress,
        version: book.config.version ?? projectVersion(),
        date: buildDate(),
      });
    } finally {
      await session.close();
    }
  }
  result.seconds = progress.elapsed() / 1000;
  return result;
}
