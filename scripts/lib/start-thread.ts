import { Worker } from 'node:worker_threads';

/**
 * A thread running the module at `url`: the bundled JavaScript beside the commands' chunks (scripts/run.mjs
 * makes each thread's module an entry point). Under tsx (the tests, `npx tsx`) the module is TypeScript, and
 * Node 20 gives a worker none of its parent's module hooks: the thread registers tsx's before it imports it.
 */
export function startThread(url: URL): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true });
}
