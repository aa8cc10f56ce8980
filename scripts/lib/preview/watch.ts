import { stat } from 'node:fs/promises';
import path from 'node:path';
import { watch } from 'chokidar';
import { realPathOf } from '../manuscript-files.ts';

export interface Watcher {
  close(): Promise<void>;
}

/** chokidar drops a second `change` of a path within 50 ms of the first (its `_throttle('change', path, 50)`):
 * a save followed at once by a formatter's rewrite, or a quick fix of a broken file, would go unseen. */
const CHOKIDAR_CHANGE_THROTTLE_MS = 50;

/** What identifies one written state of a file; a rewrite changes ctime even when size and mtime match. */
async function fileState(file: string): Promise<string> {
  try {
    const info = await stat(file, { bigint: true });
    return `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
  } catch {
    return 'missing';
  }
}

/**
 * Calls `onChange` once per burst of changes under the folders (editors write a file in several steps),
 * and never twice at the same time: changes that arrive while it runs trigger one more run afterwards.
 * After a run, the files it was called for are looked at again once chokidar's throttle has passed, and
 * one that changed since the run began runs it again, so the last write of a file is never missed.
 *
 * With `eager`, a run begins at the first change instead of once the burst is over, and `onChange` asks
 * `settled()` before it acts on what it read: true once `settleMs` have passed since the last change with
 * no other change seen and the run's files as they were when it began (so as it read them); false if they
 * changed meanwhile, and then the run is made again with their last text. The wait for the burst's end
 * overlaps the reading instead of coming before it.
 */
export async function watchFolders(
  folders: string[],
  onChange: (paths: string[], settled: () => Promise<boolean>) => Promise<void>,
  options: {
    /** How long the files must be left alone before what was read of them counts (the debounce). */
    settleMs?: number;
    /** Begin each run at the first change; `onChange` calls `settled()` before it acts on what it read. */
    eager?: boolean;
    /** Folders inside the watched ones that are not watched (a build's own output folder). */
    skip?: string[];
    /** Run once the folders are watched, before any change: a change while it runs runs `onChange` after
     * it. (Run before watching, a save in the moment before chokidar was ready went unseen.) If it throws,
     * the watch is closed and the error passed on. */
    first?: () => Promise<void>;
  } = {},
): Promise<Watcher> {
  const { settleMs = 30, eager = false, skip = [] } = options;
  // Watched by their real paths: links are not followed below (see there), so a folder named through a
  // link is watched where it really is.
  const skipped = skip.map((dir) => realPathOf(dir).real);
  folders = folders.map((dir) => realPathOf(dir).real);
  const inSkipped = (file: string): boolean => skipped.some((dir) => file === dir || file.startsWith(`${dir}${path.sep}`));
  // Links are not followed: one pointing out of the manuscript folder (to /, say) would have the whole machine watched.
  const watcher = watch(folders, { ignoreInitial: true, followSymlinks: false, ignored: (p) => /(^|[/\\])\.[^/\\]*\.tmp$|~$/.test(p) || inSkipped(path.resolve(p)) });
  let pending: string[] = [];
  /** When chokidar last reported each pending path. */
  const reportedAt = new Map<string, number>();
  /** When chokidar last reported any path. */
  let lastReportAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const recheck = async (states: Map<string, string>, lastReport: number): Promise<void> => {
    // A run due anyway looks at its files itself, and again after it, however soon it begins.
    const wait = lastReport + CHOKIDAR_CHANGE_THROTTLE_MS + 10 - performance.now();
    if (wait > 0 && pending.length === 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (const [file, before] of states) {
      if ((await fileState(file)) !== before) report(file);
    }
  };
  const run = async (paths: string[]): Promise<void> => {
    const lastReport = Math.max(...paths.map((file) => reportedAt.get(file) ?? 0));
    const states = new Map(await Promise.all(paths.map(async (file) => [file, await fileState(file)] as const)));
    const settled = async (): Promise<boolean> => {
      for (let wait = lastReportAt + settleMs - performance.now(); wait > 0; wait = lastReportAt + settleMs - performance.now()) {
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      // A change seen since the run began runs it again anyway; a file written again that chokidar did not
      // report (its throttle) shows in its state.
      if (pending.length > 0) return false;
      let same = true;
      for (const [file, before] of states) {
        if ((await fileState(file)) === before) continue;
        report(file);
        same = false;
      }
      return same;
    };
    try {
      await onChange(paths, settled);
    } finally {
      if (!closed) await recheck(states, lastReport);
    }
  };
  const flush = async (): Promise<void> => {
    timer = undefined;
    if (running || closed) return;
    const paths = [...new Set(pending)];
    pending = [];
    running = run(paths).finally(() => {
      running = undefined;
      if (pending.length > 0 && !closed) schedule();
    });
    await running;
  };
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void flush(), eager ? 0 : settleMs);
  };
  const report = (file: string): void => {
    pending.push(file);
    lastReportAt = performance.now();
    reportedAt.set(file, lastReportAt);
    if (!running) schedule();
  };
  watcher.on('all', (_event, file) => report(file));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  const close = async (): Promise<void> => {
    closed = true;
    if (timer) clearTimeout(timer);
    await watcher.close();
    await running?.catch(() => undefined);
  };
  if (options.first) {
    running = options.first().finally(() => {
      running = undefined;
      if (pending.length > 0 && !closed) schedule();
    });
    try {
      await running;
    } catch (error) {
      await close();
      throw error;
    }
  }
  return { close };
}
