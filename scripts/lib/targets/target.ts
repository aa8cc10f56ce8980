import type { Book } from '../book.ts';
import type { BrowserSession } from '../browser.ts';
import type { PrintBuildOptions } from '../cli-args.ts';
import type { Format } from '../formats.ts';
import type { PrintResult } from '../print/print-target.ts';
import type { Progress } from '../progress.ts';

export interface TargetContext {
  book: Book;
  outDir: string;
  progress: Progress;
  version: string;
  date: Date;
  /** One Chromium for the whole build, started on first use. */
  browser(): Promise<BrowserSession>;
  /** What earlier targets of this build wrote (the EPUB's page list reads the print layout). */
  outputs: BuildOutputs;
  /** Print options from the command line (--jobs, --no-cache). */
  print?: PrintBuildOptions;
}

/** What each target wrote; a target adds its own key. */
export interface BuildOutputs {
  pdf?: PrintResult;
}

export interface OutputSummary {
  file: string;
  /** One line for the build's summary, e.g. "19 pages". */
  detail: string;
  bytes: number;
}

export interface Target {
  format: Format;
  build(context: TargetContext): Promise<OutputSummary>;
}
