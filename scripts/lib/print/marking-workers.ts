import type { Worker } from 'node:worker_threads';
import type { PDFDocument } from 'pdf-lib';
import type { ContentMarks } from '../pdf/tag-pdf.ts';
import { startThread } from '../start-thread.ts';
import type { MarkedDocument, MarkRequest } from './mark-document.ts';

/** What a marking thread answers a request with: the marks and each page's stream ([page index, length],
 * their bytes one after another in `data`), or why it failed. */
export type MarkReply = { marks: ContentMarks[]; pages: [number, number][]; data: Uint8Array } | { error: { message: string; stack?: string } };

interface Job {
  request: MarkRequest;
  resolve(marked: MarkedDocument): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  job?: Job;
}

/**
 * The marking thread's module: in the bundle of the commands (scripts/run.mjs) its own entry beside the
 * chunks this module is bundled into. Run through tsx (the tests, `npx tsx scripts/build.ts`), the
 * TypeScript, through tsx's loader registered in the thread first: Node 20 gives a worker thread the
 * process's options but does not run its `--import` (tsx) there.
 */
export function markWorkerFile(): URL {
  if (!import.meta.url.endsWith('.ts')) return new URL('./mark-worker.js', import.meta.url);
  const start = [
    `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};`,
    'register();',
    `await import(${JSON.stringify(new URL('./mark-worker.ts', import.meta.url).href)});`,
  ].join('\n');
  return new URL(`data:text/javascript,${encodeURIComponent(start)}`);
}

/**
 * Worker threads that mark printed documents' content for the tagged PDF (print/mark-document.ts), so that
 * the documents Chromium prints at about the same time, at the end of the layout, are marked on every core
 * and not one after the other on the main thread. Threads start when asked for (`start`, as the build
 * plans its documents: a thread's modules load while Chromium lays out) and take one request at a time.
 * A thread that fails or stops fails every request under way or waiting, and every one after it: the build
 * reports the error. `close()` ends every thread.
 */
export class MarkingWorkers {
  private readonly threads: Thread[] = [];
  private readonly queue: Job[] = [];
  private failure: Error | undefined;
  private closed = false;
  private running = 0;

  constructor(
    /** Threads at most; 0: the documents are marked on this thread (BOOK_MARK_THREADS=0). */
    private readonly most: number,
    private readonly file: URL = markWorkerFile(),
    /** Whether a document's pages are shared between a thread and this one (accessible-pdf.ts
     * `markDocument`): a watching build's, whose save prints one document while this thread has nothing
     * else to do but copy it. */
    readonly shareWithThisThread = false,
  ) {}

  /** Whether documents are marked on threads (not on this one alone). */
  get threaded(): boolean {
    return this.most > 0;
  }

  /** A thread failed or they were closed: no request will be answered. */
  get ended(): boolean {
    return this.closed || this.failure !== undefined;
  }

  /** Threads started and not yet ended. */
  get alive(): number {
    return this.running;
  }

  /** Starts threads up to `count` (at most `most`) before they are needed. */
  start(count: number): void {
    while (this.threads.length < Math.min(count, this.most) && !this.failure && !this.closed) this.spawn();
  }

  /** The document's content marked by a thread; with no threads (`most` 0), on this one, in the document as
   * this thread read it (`read`) when given. */
  mark(request: MarkRequest, read?: Promise<PDFDocument>): Promise<MarkedDocument> {
    if (this.most === 0) return import('./mark-document.ts').then(({ markPrinted }) => markPrinted(request, { inTurn: true, ...(read ? { read } : {}) }));
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the marking threads were closed'));
    return new Promise<MarkedDocument>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.threads.some((thread) => !thread.job)) this.start(this.threads.length + 1);
      this.pump();
    });
  }

  /** Ends every thread; a request still under way or waiting fails. */
  async close(): Promise<void> {
    this.closed = true;
    this.rejectAll(new Error('the marking threads were closed'));
    await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
  }

  private pump(): void {
    for (const thread of this.threads) {
      if (thread.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      thread.job = job;
      // Idle, a thread does not keep the process alive; with a request it does, until the answer.
      thread.worker.ref();
      thread.worker.postMessage(job.request);
    }
  }

  private spawn(): void {
    const worker = startThread(this.file);
    this.running++;
    worker.unref();
    const thread: Thread = { worker };
    this.threads.push(thread);
    worker.on('message', (reply: MarkReply) => {
      const job = thread.job;
      thread.job = undefined;
      worker.unref();
      if (!job) return;
      if ('error' in reply) {
        const error = new Error(`marking a printed document's content for the tagged PDF failed: ${reply.error.message}`);
        if (reply.error.stack) error.stack = `${error.message}\n(in the marking thread) ${reply.error.stack}`;
        job.reject(error);
      } else {
        let at = 0;
        const streams = reply.pages.map(([index, length]) => {
          const bytes = reply.data.subarray(at, at + length);
          at += length;
          return { index, bytes };
        });
        job.resolve({ marks: reply.marks, streams });
      }
      this.pump();
    });
    worker.on('error', (error) => this.fail(new Error(`a thread marking the PDF's content for the tagged PDF failed: ${error.message}`, { cause: error })));
    worker.on('messageerror', (error) => this.fail(new Error(`a thread marking the PDF's content for the tagged PDF sent what cannot be read: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => {
      this.running--;
      if (!this.closed) this.fail(new Error(`a thread marking the PDF's content for the tagged PDF stopped (exit code ${code})`));
    });
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.failure ??= error;
    this.rejectAll(this.failure);
    void this.close();
  }

  private rejectAll(error: Error): void {
    for (const thread of this.threads) {
      thread.job?.reject(error);
      thread.job = undefined;
    }
    for (const job of this.queue.splice(0)) job.reject(error);
  }
}

/**
 * The marking threads a watching build keeps for its saves: one (BOOK_MARK_THREADS=N sets it, 0: none). A
 * save prints one document, after Chromium is done with it: half its pages are marked on the core Chromium
 * has left, the other half on this thread once it has read and copied it (the documents from the cache are
 * copied while Chromium prints, merge-pdf.ts `copyEarlierDocuments`). Kept, the
 * thread's modules are loaded once, while the build waits for the first save (not in the first build, where
 * Chromium has both cores).
 */
export function residentMarkingThreads(): number {
  const asked = Number(process.env.BOOK_MARK_THREADS);
  if (process.env.BOOK_MARK_THREADS && Number.isInteger(asked) && asked >= 0) return asked;
  return 1;
}
