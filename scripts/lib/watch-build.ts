import { buildBook, BuildAbandoned, type BuildOptions, type BuildResult, type ResidentBuild } from './build-book.ts';
import { BuildError, formatDiagnostic } from './diagnostics.ts';
import { stylesDir } from './paths.ts';
import { LineBreakMemo } from './print/line-break-memo.ts';
import { KeptDocuments } from './print/kept-documents.ts';
import { DocumentTabs } from './print/document-tabs.ts';
import { prepareSpareTabs } from './print/tabs.ts';
import { MarkingWorkers, markWorkerFile, residentMarkingThreads } from './print/marking-workers.ts';
import { watchFolders } from './preview/watch.ts';
import { report as reportError } from './run-cli.ts';

export interface WatchedBuild {
  /** Resolves when the watch has stopped (after `stop()`). */
  stopped: Promise<void>;
  stop(): Promise<void>;
}

export interface WatchReport {
  /** A build finished: every requested format was written. */
  built(result: BuildResult): void;
  /** A build failed; the book in the output folder is the last good one. */
  failed(message: string): void;
  /** A change was seen and a build started. */
  changed(paths: string[]): void;
  /** The build started by a change was left: the files changed again while it read them (it starts again). */
  unsettled(paths: string[]): void;
}

/**
 * `npm run build -- --watch`: builds, then builds again whenever the manuscript or a style changes, in one
 * process that keeps Chromium running and the chapters as rendered, so a save costs what it changed (the
 * print cache serves every unchanged chapter). A broken manuscript is reported and watched on; it never
 * replaces the last good book.
 */
export async function watchBuild(args: BuildOptions, report: WatchReport): Promise<WatchedBuild> {
  const resident: ResidentBuild = { renderedChapters: new Map(), lineBreaks: new LineBreakMemo(), keptDocuments: new KeptDocuments(), documentTabs: new DocumentTabs() };
  const buildOnce = async (settled?: () => Promise<boolean>, paths: string[] = []): Promise<void> => {
    try {
      report.built(await buildBook(settled ? { ...args, settled } : args, resident));
      const session = await resident.browser?.catch(() => undefined);
      // The next save's document is loaded meanwhile (its head: Paged.js, the runtime, the styles), unless the
      // build began it at its print; then a spare tab for a save it cannot stand for, made after it so as not
      // to slow its load.
      if (session) {
        const { browser } = session;
        void resident.documentTabs.prepare(browser, resident.lineBreaks).then(() => prepareSpareTabs(browser, 1));
      }
      // And the thread that marks the save's printed document, its modules loaded meanwhile; one that failed is
      // replaced (a failure fails its build, not the ones after).
      const threads = residentMarkingThreads();
      if (threads > 0 && (!resident.markingWorkers || resident.markingWorkers.ended)) {
        resident.markingWorkers = new MarkingWorkers(threads, markWorkerFile(), true);
        resident.markingWorkers.start(threads);
      }
    } catch (error) {
      if (error instanceof BuildAbandoned) report.unsettled(paths);
      else if (error instanceof BuildError) report.failed(error.diagnostics.map(formatDiagnostic).join('\n'));
      else {
        let text = '';
        reportError(error, process.argv.includes('--debug'), (line) => (text += line));
        report.failed(text.trimEnd());
      }
    }
  };
  const watcher = await watchFolders(
    [args.manuscriptDir, stylesDir],
    async (paths, settled) => {
      report.changed(paths);
      await buildOnce(settled, paths);
    },
    // A save's build begins at the first change: the wait for the editor's last write overlaps the reading.
    { skip: [args.outDir], first: () => buildOnce(), eager: true },
  );
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  return {
    stopped,
    async stop() {
      await watcher.close();
      await resident.documentTabs.close();
      await resident.markingWorkers?.close();
      await (await resident.browser?.catch(() => undefined))?.close();
      resolveStopped();
    },
  };
}
