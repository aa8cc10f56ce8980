import { Worker } from 'node:worker_threads';

/** What scripts/run.mjs sets, when it runs a command's script, to start a thread from a script and code cache. */
const THREAD_STARTER = Symbol.for('book.startThread');
/** What a thread started so sets while it still wants to send its code cache (scripts/run.mjs runThreadScript). */
const THREAD_WORKED = Symbol.for('book.threadWorked');

type ThreadStarter = (url: URL) => Worker | undefined;

/**
 * A thread running the module at `url`: the bundled JavaScript beside the commands' chunks (scripts/run.mjs
 * makes each thread's module an entry point), or, when the command runs as a script, that module's own script
 * from its code cache (run.mjs threadStarter). Under tsx (the tests, `npx tsx`) the module is TypeScript, and
 * Node 20 gives a worker none of its parent's module hooks: the thread registers tsx's before it imports it.
 */
export function startThread(url: URL): Worker {
  if (!url.pathname.endsWith('.ts')) {
    const starter = (globalThis as { [THREAD_STARTER]?: ThreadStarter })[THREAD_STARTER];
    return starter?.(url) ?? new Worker(url);
  }
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true });
}

/** Called by a thread when a job is done well, before it answers: a thread run from a script without a code
 * cache then makes one, with the code that job compiled, and sends it first. Nothing otherwise. */
export function threadWorked(): void {
  (globalThis as { [THREAD_WORKED]?: () => void })[THREAD_WORKED]?.();
}
