import type { Book } from '../book.ts';
import type { EpubResult } from '../epub/epub-target.ts';
import type { BrowserSession } from '../browser.ts';
import type { PrintBuildOptions } from '../cli-args.ts';
import type { Format } from '../formats.ts';
import type { LineBreakMemo } from '../print/line-break-memo.ts';
import type { PrintResult } from '../print/print-target.ts';
import type { PressResult } from '../press/press-pdf.ts';
import type { Progress } from '../progress.ts';
import type { WebResult } from '../web/web-target.ts';

export interface TargetContext {
  book: Book;
  /** The output folder (`--out`): where the build's cache lives. */
  outDir: string;
  /** Where the target writes its files: the build's staging folder, moved into `outDir` only when every
   * requested format has succeeded (output-folder.ts). */
  writeDir: string;
  progress: Progress;
  version: string;
  date: Date;
  /** One Chromium for the whole build, started on first use. */
  browser(): Promise<BrowserSession>;
  /** What earlier targets of this build wrote (the EPUB's page list reads the print layout). */
  outputs: BuildOutputs;
  /** Also write the press PDF (`--press` or book.yaml print.press.enabled). */
  press?: boolean;
  /** Print options from the command line (--jobs, --no-cache). */
  print?: PrintBuildOptions;
  /** Line-breaking decisions a watching build keeps from one build to the next. */
  lineBreaks?: LineBreakMemo;
}

/** What each target wrote; a target adds its own key. */
export interface BuildOutputs {
  pdf?: PrintResult;
  press?: PressResult;
  web?: WebResult;
  epub?: EpubResult;
}

export interface OutputSummary {
  file: string;
  /** One line for the build's summary, e.g. "19 pages". */
  detail: string;
  bytes: number;
}

export interface Target {
  format: Format;
  /** One summary per file written (the print target may write the screen and the press PDF). */
  build(context: TargetContext): Promise<OutputSummary | OutputSummary[]>;
}
