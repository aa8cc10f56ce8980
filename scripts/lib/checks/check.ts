import type { Book } from '../book.ts';
import type { BrowserSession } from '../browser.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { Format } from '../formats.ts';
import type { BuildOutputs } from '../targets/outputs.ts';

export interface CheckContext {
  book: Book;
  /** What the build wrote, for checks on outputs (a check lists the formats it needs). Checks only read it. */
  outputs: BuildOutputs;
  outDir: string;
  /** The build's Chromium, for a check that looks at an output in a browser (started on first use). */
  browser(): Promise<BrowserSession>;
}

/** One job: find one family of problems and report them as diagnostics. */
export interface Check {
  name: string;
  /** Formats that must be built before this check can run; none means it reads the manuscript only, and
   * then the build runs it too, before any target. */
  needs: Format[];
  run(context: CheckContext): Promise<Diagnostic[]>;
}

/** One check's findings, with book.yaml's rule settings applied. */
export interface CheckFindings {
  check: Check;
  diagnostics: Diagnostic[];
}
