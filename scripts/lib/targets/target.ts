import type { Book } from '../book.ts';
import type { BrowserSession } from '../browser.ts';
import type { PrintBuildOptions } from '../cli-args.ts';
import type { Format } from '../formats.ts';
import type { LineBreakMemo } from '../print/line-break-memo.ts';
import type { KeptDocuments } from '../print/kept-documents.ts';
import type { MarkingWorkers } from '../print/marking-workers.ts';
import type { HeldTabs } from '../print/paginate.ts';
import type { Progress } from '../progress.ts';
import type { PageLayout } from '../print/runtime/contract.ts';
import type { BuildOutputs, OutputSummary } from './outputs.ts';

export type { BuildOutputs, OutputSummary } from './outputs.ts';

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
  /** What the targets before this one wrote: those it `needs`, and those it `reads` when they were built. */
  outputs: BuildOutputs;
  /** Print options from the command line (--jobs, --no-cache). */
  print?: PrintBuildOptions;
  /** Line-breaking decisions a watching build keeps from one build to the next. */
  lineBreaks?: LineBreakMemo;
  /** Printed pages marked for the tagged PDF, which a watching build keeps from one build to the next. */
  keptDocuments?: KeptDocuments;
  /** Settles once Node has nothing to do but wait for Chromium to lay out the print edition (its documents are
   * loaded in their tabs), or once the first target is built: what a target begins for later (`whenIdle`)
   * starts then, so that it does not hold up the print edition on its way into Chromium. */
  idle: Promise<void>;
  /** Says that Node now waits on Chromium's layout: a target that lays out pages calls it once its documents are loaded. */
  waitingOnLayout(): void;
  /** The next document, loaded while a watching build waits for a save (print/document-tabs.ts). */
  heldTabs?: HeldTabs;
  /** A watching build's source checks, run beside the layout: rejects with their findings when they found an
   * error. A target awaits it before it keeps anything of its layout (the print cache); asked for before the
   * build is idle, they start at once. */
  sourcesChecked?: () => Promise<void>;
  /** A watching build's files as read are the ones the editor left: resolves once they have been left alone
   * long enough, throws (`BuildAbandoned`) if they changed again. A target awaits it before it gives Chromium
   * what it read (a held tab, once given a document, stands for no other). */
  settled?: () => Promise<void>;
  /** The marking thread a watching build keeps for its saves (marking-workers.ts residentMarkingThreads). */
  markingWorkers?: MarkingWorkers;
  /** The print edition's layout as soon as every page is laid out, before the last documents are printed: the
   * print target gives it (`printLaidOut`), and the EPUB, which reads it for its page list, is packaged while
   * Chromium prints. Never settles in a build that does not make the print edition. */
  printLayout: Promise<PageLayout>;
  printLaidOut(layout: PageLayout): void;
  /** Leaves work until every file is in the output folder: run in order once they are, before the build ends
   * (the print cache written and pruned: not on the way to a save's new PDF). A build that fails first runs none. */
  afterOutput(work: () => Promise<void>): void;
}

/** One output format: what it needs built before it, and how it is made. */
export interface Target {
  format: Format;
  /** Formats built first, whether asked for or not (the press PDF is made from the print PDF). */
  needs: Format[];
  /** Formats whose outputs it uses when they are built in the same run, so they go first (the EPUB's page
   * list reads the print layout; without it, the EPUB lays the pages out itself). */
  reads: Format[];
  /** Checks what this target needs before any target is built (a missing profile, a missing tool), so a
   * build that cannot finish fails before it lays out a page. */
  prepare?(context: TargetContext): Promise<void>;
  /** Begins the part of the work that needs no other target's output, beside the targets built before this
   * one (the EPUB's cover image while the print edition lays out); `build` then waits for it. */
  begin?(context: TargetContext): void;
  build(context: TargetContext): Promise<OutputSummary>;
}

/**
 * Work a target begins for later (in `begin`), started once the build is idle (`TargetContext.idle`): the
 * returned function gives its result, starting it at once if the build is not idle yet when it is asked for.
 */
export function whenIdle<T>(context: TargetContext, work: () => Promise<T>): () => Promise<T> {
  let started: Promise<T> | undefined;
  const start = (): Promise<T> => (started ??= work());
  // Awaited by the target's build; handled here too, should the build stop before.
  void context.idle.then(() => start().catch(() => undefined));
  return start;
}
