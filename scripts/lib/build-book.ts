import { readBook } from './book.ts';
import { launchBrowser, type BrowserSession } from './browser.ts';
import { runChecks, sourceChecks } from './checks/run-checks.ts';
import type { CommonArgs } from './cli-args.ts';
import { BuildError, formatDiagnostic, hasErrors, type Diagnostic } from './diagnostics.ts';
import { FORMATS } from './formats.ts';
import { buildDate } from './output.ts';
import { projectVersion } from './paths.ts';
import { createProgress } from './progress.ts';
import { TARGETS } from './targets/index.ts';
import type { BuildOutputs, OutputSummary } from './targets/target.ts';
import type { Book } from './book.ts';

export interface BuildResult {
  book: Book;
  outputs: BuildOutputs;
  summaries: OutputSummary[];
  /** Findings of the source checks that did not stop the build (warnings, infos). */
  diagnostics: Diagnostic[];
  seconds: number;
}

export interface BuildOptions extends CommonArgs {
  /** Also write the press PDF (PDF/X), as book.yaml print.press.enabled does. */
  press?: boolean;
}

/**
 * Reads the manuscript, runs the source checks (errors stop here), then builds each requested format in
 * order with one shared Chromium. Throws BuildError with diagnostics when it cannot.
 */
export async function buildBook(args: BuildOptions): Promise<BuildResult> {
  const progress = createProgress(!args.quiet);
  progress.step(`reading ${args.manuscriptDir}`);
  const book = await readBook({ manuscriptDir: args.manuscriptDir });
  const diagnostics = await runChecks(book, {}, args.outDir, sourceChecks());
  if (hasErrors(diagnostics)) throw new BuildError(diagnostics);
  for (const d of diagnostics) if (!args.quiet) process.stderr.write(`${formatDiagnostic(d)}\n`);
  progress.step(`${book.chapters.length} chapter(s), ${book.chapters.reduce((n, c) => n + c.notes.length, 0)} notes`);

  let session: BrowserSession | undefined;
  const outputs: BuildOutputs = {};
  const summaries: OutputSummary[] = [];
  try {
    for (const format of FORMATS.filter((f) => args.formats.includes(f))) {
      summaries.push(
        ...[await TARGETS[format].build({
          book,
          outDir: args.outDir,
          progress,
          version: book.config.version ?? projectVersion(),
          date: buildDate(),
          outputs,
          press: Boolean(args.press) || book.config.print.press.enabled,
          print: args.print,
          async browser() {
            if (!session) {
              progress.step('starting Chromium');
              session = await launchBrowser();
            }
            return session;
          },
        })].flat(),
      );
    }
  } finally {
    await session?.close();
  }
  return { book, outputs, summaries, diagnostics, seconds: progress.elapsed() / 1000 };
}
