import { rm } from 'node:fs/promises';
import { readBook, type RenderedChapter } from './book.ts';
import { bookCacheDir } from './disk-memo.ts';
import { launchBrowser, type BrowserSession } from './browser.ts';
import { prepareSpareTabs } from './print/tabs.ts';
import { printScripts } from './print/paginate.ts';
import { defaultJobs } from './print/print-options.ts';
import type { LineBreakMemo } from './print/line-break-memo.ts';
import type { KeptDocuments } from './print/kept-documents.ts';
import type { DocumentTabs } from './print/document-tabs.ts';
import type { MarkingWorkers } from './print/marking-workers.ts';
import type { Check, CheckFindings } from './checks/check.ts';
import { checkSources, runChecks } from './checks/run-checks.ts';
import { releaseCitationEngine } from './citations/csl.ts';
import { releaseCitationPool } from './citations/citation-pool.ts';
import { collectGarbage } from './memory.ts';
import type { PageLayout } from './print/runtime/contract.ts';
import type { CommonArgs } from './cli-args.ts';
import { BuildError, formatDiagnostic, hasErrors, type Diagnostic } from './diagnostics.ts';
import type { Format } from './formats.ts';
import { buildDate } from './output.ts';
import { openStaging, type Staging } from './output-folder.ts';
import { projectVersion } from './paths.ts';
import { createProgress } from './progress.ts';
import { TARGETS } from './targets/index.ts';
import { planTargets } from './targets/plan.ts';
import type { BuildOutputs, OutputSummary, TargetContext } from './targets/target.ts';
import { logRun } from './run-log.ts';
import { reportStages, stageDone } from './stage-times.ts';
import type { Book } from './book.ts';

export interface BuildResult {
  book: Book;
  outputs: BuildOutputs;
  summaries: OutputSummary[];
  /** Findings of the source checks that did not stop the build (warnings, infos). */
  diagnostics: Diagnostic[];
  /** Findings of the output checks the build was asked to run (`checks`), check by check. */
  checks: CheckFindings[];
  seconds: number;
}

export interface BuildOptions extends CommonArgs {
  /** Also write the press PDF (PDF/X) when the print PDF is built, as book.yaml print.press.enabled does
   * (`--press`, the same as `--format pdf,press`). */
  press?: boolean;
  /** Checks on the outputs, run once every format is in the output folder, with the build's Chromium. */
  checks?: Check[];
  /** Chromium, already starting (the build command starts it before it loads the pipeline); the build
   * closes it. Otherwise the build starts one when it needs it. */
  browser?: Promise<BrowserSession>;
  /** The process exits once the build is done: its Chromium is closed as by `close({ exiting: true })`. */
  exiting?: boolean;
  /** A watching build begun at a change, before the editor may have finished writing (preview/watch.ts
   * `eager`): true once the files are known to be as read; false, and the build is abandoned
   * (BuildAbandoned) before anything it read is used. */
  settled?: () => Promise<boolean>;
}

/** A watching build left because its files changed again while it read them; the watcher begins another. */
export class BuildAbandoned extends Error {
  constructor() {
    super('the manuscript changed again while it was read');
  }
}

/**
 * What a long-running build (`--watch`) keeps between builds: one Chromium, the chapters as they were
 * rendered (keyed by their source and everything that shapes them), the line breaker's decisions and the
 * printed pages' content as marked for the tagged PDF. A
 * one-off build has none, and lets the citation engine go once it has read the book.
 */
export interface ResidentBuild {
  renderedChapters: Map<string, RenderedChapter>;
  lineBreaks: LineBreakMemo;
  /** The units' pages as marked for the tagged PDF, by printed document. */
  keptDocuments: KeptDocuments;
  /** The next document, loaded while the build waits for a save. */
  documentTabs: DocumentTabs;
  /** The thread that marks a save's printed document for the tagged PDF (made after the first build). */
  markingWorkers?: MarkingWorkers;
  browser?: Promise<BrowserSession>;
}

/** The resident Chromium, started again if it quit or never started. */
async function residentBrowser(resident: ResidentBuild): Promise<BrowserSession> {
  const running = await resident.browser?.catch(() => undefined);
  if (running?.browser.connected) return running;
  resident.browser = launchBrowser();
  return resident.browser;
}

/** The formats a build makes: those asked for, and the press PDF with the print PDF when asked for so. */
export function requestedFormats(formats: readonly Format[], press: boolean): Format[] {
  return press && formats.includes('pdf') && !formats.includes('press') ? [...formats, 'press'] : [...formats];
}

/**
 * Reads the manuscript, runs the source checks (errors stop here), then builds the requested formats and
 * what they need, each after the formats it needs or reads, with one shared Chromium; then runs the output
 * checks asked for. Throws BuildError with diagnostics when it cannot.
 */
export async function buildBook(args: BuildOptions, resident?: ResidentBuild): Promise<BuildResult> {
  logRun('build', { manuscript: args.manuscriptDir, formats: args.formats, checks: (args.checks ?? []).map((c) => c.name) });
  const progress = createProgress(!args.quiet);
  // Chromium starts while the manuscript is read: its start-up and the Markdown stage run side by side.
  const pdf = args.formats.includes('pdf') || args.formats.includes('press');
  // A watching build's later saves use the Chromium of its first build (started again only if it died).
  const chromiumRunning = Boolean(resident?.browser);
  const launching = resident ? (pdf ? residentBrowser(resident) : undefined) : (args.browser ?? (pdf ? launchBrowser() : undefined));
  launching?.catch(() => undefined);
  // And the tabs of the documents laid out first are made then too, while the reading goes on: one for each
  // document laid out at once if the reading is still going on once Chromium is up, one only if it is done. A
  // book read before Chromium has started is small, likely one document, and a second tab made then takes a
  // third of a second of processor time from Chromium's start and the first document's tab and page; the
  // layout makes a tab for each further document it waits for (print-book.ts).
  const jobs = args.print?.jobs ?? defaultJobs();
  let manuscriptRead = false;
  // Not in a test run's shared Chromium, which is up already: there nothing overlaps, and the processor time a
  // spare tab costs is lost when the book is laid out as one document or the build fails on its input.
  if (!resident && jobs > 1) launching?.then(({ browser, shared }) => shared || prepareSpareTabs(browser, manuscriptRead ? 1 : jobs), () => undefined);
  // The print document's scripts are read and their sources' digests checked while the manuscript is read, not
  // between the reading and the first page.
  if (pdf) printScripts().catch(() => undefined);
  let session: BrowserSession | undefined;
  let staging: Staging | undefined;
  /** Throws BuildAbandoned when the files changed again after they were read. */
  let settledRead: (() => Promise<void>) | undefined;
  try {
    progress.step(`reading ${args.manuscriptDir}`);
    let clock = performance.now();
    if (args.print?.cache === false) await rm(bookCacheDir(args.outDir), { recursive: true, force: true });
    // A file caught half-written fails as written last, not as read.
    const book = await readBook({
      manuscriptDir: args.manuscriptDir,
      cacheDir: args.print?.cache === false ? undefined : bookCacheDir(args.outDir),
      renderedChapters: resident?.renderedChapters,
    }).catch(async (error: unknown) => {
      if (args.settled && !(await args.settled())) throw new BuildAbandoned();
      throw error;
    });
    manuscriptRead = true;
    if (!resident) {
      releaseCitationEngine();
      releaseCitationPool();
    }
    clock = stageDone('read', clock);
    // The wait for the editor's last write (a watching build's) runs on beside what comes before the first
    // page: the print edition waits for it before Chromium is given the chapter (`TargetContext.settled`),
    // and every build before its files go into the output folder or its failure is reported.
    const settling = args.settled?.();
    settling?.catch(() => undefined);
    if (settling) {
      settledRead = async () => {
        if (!(await settling)) throw new BuildAbandoned();
      };
    }
    const checkNow = async (): Promise<Diagnostic[]> => {
      const checking = performance.now();
      const found = await checkSources(book, args.outDir, { yieldBetween: Boolean(resident) });
      stageDone('source checks', checking);
      return found;
    };
    // A one-off build checks the sources before it builds anything. A watching build checks them beside the
    // layout, once Node only waits on Chromium (`idle`): a save's checks (~0.1 s of Node, over the whole book)
    // are then off its way to the new PDF, and a broken save stops before its layout is merged or cached, and
    // before anything reaches the output folder, with the same findings.
    let diagnostics: Diagnostic[] = [];
    if (!resident) {
      diagnostics = await checkNow();
      if (hasErrors(diagnostics)) throw new BuildError(diagnostics);
      for (const d of diagnostics) if (!args.quiet) process.stderr.write(`${formatDiagnostic(d)}\n`);
    }
    clock = performance.now();
    progress.step(`${book.chapters.length} chapter(s), ${book.chapters.reduce((n, c) => n + c.notes.length, 0)} notes`);

    const outputs: BuildOutputs = {};
    const summaries: OutputSummary[] = [];
    // One start, however many targets ask for Chromium at once (the print edition and the EPUB's cover do).
    let starting: Promise<BrowserSession> | undefined;
    const browser = (): Promise<BrowserSession> => {
      if (!starting) {
        if (!chromiumRunning) progress.step('starting Chromium');
        starting = (launching ?? (resident ? residentBrowser(resident) : launchBrowser())).then((started) => (session = started));
      }
      return starting;
    };
    const targets = await planTargets(requestedFormats(args.formats, Boolean(args.press) || book.config.print.press.enabled), (format) => TARGETS[format]());
    // Every format is written to staging and moved into the output folder only when all have succeeded.
    staging = await openStaging(args.outDir);
    let idleNow!: () => void;
    const idle = new Promise<void>((resolve) => (idleNow = resolve));
    let collected = Boolean(resident);
    const waitingOnLayout = (): void => {
      idleNow();
      // What reading left behind (Markdown's working data, the chapters' HTML as read) is collected while
      // Chromium lays out, not on the way there; a heap under 64 MB in all (the 1× and 20× books' at this
      // point, not the 100× book's) is left to V8.
      if (!collected) setImmediate(() => collectGarbage(64 * 2 ** 20));
      collected = true;
    };
    const checkedBeside = resident ? idle.then(checkNow) : undefined;
    const sourcesChecked = checkedBeside?.then((found) => {
      if (hasErrors(found)) throw new BuildError(found);
    });
    // Awaited below (and by the print target); handled here too, should a target fail first.
    sourcesChecked?.catch(() => undefined);
    let printLaidOut!: (layout: PageLayout) => void;
    const printLayout = new Promise<PageLayout>((resolve) => (printLaidOut = resolve));
    const afterOutput: (() => Promise<void>)[] = [];
    const context: TargetContext = {
      book,
      outDir: args.outDir,
      writeDir: staging.dir,
      progress,
      version: book.config.version ?? projectVersion(),
      date: buildDate(),
      outputs,
      print: args.print,
      lineBreaks: resident?.lineBreaks,
      keptDocuments: resident?.keptDocuments,
      heldTabs: resident?.documentTabs,
      ...(resident?.markingWorkers && !resident.markingWorkers.ended ? { markingWorkers: resident.markingWorkers } : {}),
      browser,
      idle,
      waitingOnLayout,
      printLayout,
      printLaidOut,
      afterOutput: (work) => void afterOutput.push(work),
      ...(settledRead ? { settled: settledRead } : {}),
      // Asked for by a target that laid nothing out, the checks start at once (nothing else would start them).
      ...(sourcesChecked ? { sourcesChecked: () => (idleNow(), sourcesChecked) } : {}),
    };
    // What a target can know is missing fails the build before any target has laid out a page.
    try {
      for (const target of targets) await target.prepare?.(context);
      for (const target of targets) target.begin?.(context);
      for (const target of targets) {
        summaries.push(await target.build(context));
        idleNow();
      }
    } catch (error) {
      // A target that failed on a broken manuscript is reported by what the checks found in it, as a one-off
      // build reports it.
      idleNow();
      await sourcesChecked;
      throw error;
    }
    if (checkedBeside) {
      await sourcesChecked;
      diagnostics = await checkedBeside;
      for (const d of diagnostics) if (!args.quiet) process.stderr.write(`${formatDiagnostic(d)}\n`);
    }
    await settledRead?.();
    clock = performance.now();
    const finalPath = await staging.commit();
    relocateOutputs(outputs, summaries, finalPath);
    book.citations?.memo?.save();
    clock = stageDone('into the output folder', clock);
    for (const work of afterOutput) await work();
    clock = performance.now();
    const checks = args.checks ? await runChecks(book, args.checks, { outputs, outDir: args.outDir, browser }) : [];
    stageDone('output checks', clock);
    reportStages();
    return { book, outputs, summaries, diagnostics, checks, seconds: progress.elapsed() / 1000 };
  } catch (error) {
    // What failed may have read a file caught half-written: then the build is made again, not reported.
    if (settledRead && !(error instanceof BuildAbandoned)) await settledRead();
    throw error;
  } finally {
    await staging?.discard();
    // A browser started early but never asked for is closed too; a resident one stays for the next build.
    if (!resident) await (session ?? (await launching?.catch(() => undefined)))?.close({ exiting: args.exiting });
  }
}

/** Gives the files the targets named in staging their place in the output folder, where they now are. */
function relocateOutputs(outputs: BuildOutputs, summaries: OutputSummary[], finalPath: (file: string) => string): void {
  for (const result of Object.values(outputs) as Record<string, unknown>[]) {
    for (const [key, value] of Object.entries(result)) if (typeof value === 'string') result[key] = finalPath(value);
  }
  for (const summary of summaries) summary.file = finalPath(summary.file);
}
