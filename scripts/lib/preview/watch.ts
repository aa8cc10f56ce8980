import path from 'node:path';
import { watch } from 'chokidar';

export interface Watcher {
  close(): Promise<void>;
}

/**
 * Calls `onChange` once per burst of changes under the folders (editors write a file in several steps),
 * and never twice at the same time: changes that arrive while it runs trigger one more run afterwards.
 */
export async function watchFolders(
  folders: string[],
  onChange: (paths: string[]) => Promise<void>,
  debounceMs = 30,
  /** Folders inside the watched ones that are not watched (a build's own output folder). */
  skip: string[] = [],
): Promise<Watcher> {
  const skipped = skip.map((dir) => path.resolve(dir));
  const inSkipped = (file: string): boolean => skipped.some((dir) => file === dir || file.startsWith(`${dir}${path.sep}`));
  const watcher = watch(folders, { ignoreInitial: true, ignored: (p) => /(^|[/\\])\.[^/\\]*\.tmp$|~$/.test(p) || inSkipped(path.resolve(p)) });
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const flush = async (): Promise<void> => {
    timer = undefined;
    if (running || closed) return;
    const paths = pending;
    pending = [];
    running = onChange(paths).finally(() => {
      running = undefined;
      if (pending.length > 0 && !closed) schedule();
    });
    await running;
  };
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void flush(), debounceMs);
  };
  watcher.on('all', (_event, file) => {
    pending.push(file);
    if (!running) schedule();
  });
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await watcher.close();
      await running;
    },
  };
}
