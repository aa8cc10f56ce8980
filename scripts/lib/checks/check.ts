import type { Book } from '../book.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { Format } from '../formats.ts';
import type { BuildOutputs } from '../targets/target.ts';

export interface CheckContext {
  book: Book;
  /** What the build wrote, for checks on outputs (a check lists the formats it needs). */
  outputs: BuildOutputs;
  outDir: string;
}

/** One job: find one family of problems and report them as diagnostics. */
export interface Check {
  name: string;
  /** Formats that must be built before this check can run; none means it reads the manuscript only, and
   * then the build runs it too, before any target. */
  needs: Format[];
  run(context: CheckContext): Promise<Diagnostic[]>;
}
