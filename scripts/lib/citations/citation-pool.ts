import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { CitationsConfig } from '../config/schema.ts';
import { digest } from '../disk-memo.ts';
import { startThread } from '../start-thread.ts';
import type { CslItem } from './bibliography.ts';
import type { CitationRequest, RenderedCitation } from './csl.ts';

/**
 * Renders chapters' citations on worker threads (citation-worker.ts), each with a CSL engine of its own.
 * Chapters are independent (a fresh citeproc state each: csl.ts renderCitations), so they render side by
 * side, and a worker compiles the style while the main thread still reads the sources and the chapters.
 * One job per worker at a time; the rest wait here, in order. A worker that fails rejects its job and every
 * job after it (the caller renders those in line): nothing waits for a thread that is gone.
 */

/** What a worker loads the style from: what the main thread's `loadStyle` is called with. */
export interface CitationSetup {
  config: CitationsConfig;
  manuscriptDir: string;
  language: string;
}

export type PoolRequest =
  | { kind: 'setup'; key: string; setup: CitationSetup }
  | { kind: 'sources'; key: string; items: [string, CslItem][] }
  | { kind: 'citations'; job: number; requests: CitationRequest[] }
  | { kind: 'bibliography'; job: number; ids: string[] };

export type PoolReply = { job: number; ok: true; value: RenderedCitation[] | string } | { job: number; ok: false; error: { message: string; stack?: string } };

type SetupMessage = Extract<PoolRequest, { kind: 'setup' }>;
type SourcesMessage = Extract<PoolRequest, { kind: 'sources' }>;
type JobMessage = Extract<PoolRequest, { kind: 'citations' | 'bibliography' }>;

interface Job {
  message: JobMessage;
  /** Its citations: what it costs to render, roughly. */
  weight: number;
  /** The style and sources the job was asked for: a worker is given them first if it has others. */
  setup: SetupMessage;
  sources?: SourcesMessage;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface PoolWorker {
  thread: Worker;
  job?: Job;
  setupKey?: string;
  sourcesKey?: string;
}

/** The worker's module: beside this one under tsx; from the commands' bundle, an entry of its own in the
 * bundle's folder, where this module's chunk is too (scripts/run.mjs). */
export const CITATION_WORKER = new URL(import.meta.url.endsWith('.ts') ? './citation-worker.ts' : './citation-worker.js', import.meta.url);

export class CitationPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Job[] = [];
  private setupMessage?: SetupMessage;
  private sourcesMessage?: SourcesMessage;
  private nextJob = 0;
  private idleTimer?: NodeJS.Timeout;
  /** Set once a worker failed: every job is refused from then on (and rendered in line by the caller). */
  private failure?: Error;

  private readonly workerUrl: URL;
  private readonly idleMs: number;
  private readonly spawnAt: number;

  constructor(
    /** Threads at most. */
    readonly size: number,
    options: {
      workerUrl?: URL;
      /** Idle threads end after this long (a watching build keeps them between saves). */
      idleMs?: number;
      /**
       * Another thread starts when this many citations wait for one. A thread's start, its compile of the
       * style and its first, unoptimised renders cost about what rendering ~60 citations on a warm thread
       * costs: a small book's few citations are not worth a second.
       */
      spawnAt?: number;
    } = {},
  ) {
    this.workerUrl = options.workerUrl ?? CITATION_WORKER;
    this.idleMs = options.idleMs ?? 30_000;
    this.spawnAt = options.spawnAt ?? 60;
  }

  /** The threads running. */
  get threads(): number {
    return this.workers.length;
  }

  /** Whether jobs go to threads (false once one failed). */
  get usable(): boolean {
    return !this.failure;
  }

  /** Gives the threads the style to compile, starting one if none runs; the jobs after this use it. */
  start(setup: CitationSetup): void {
    if (this.failure) return;
    const key = digest(['setup', JSON.stringify(setup)]);
    if (this.setupMessage?.key !== key) {
      this.setupMessage = { kind: 'setup', key, setup };
      this.sourcesMessage = undefined;
    }
    for (const worker of this.workers) if (!worker.job) this.bring(worker, this.setupMessage);
    if (this.workers.length === 0 && this.size > 0) this.spawn();
    this.idle();
  }

  /** The sources the jobs after this render from. */
  sources(items: [string, CslItem][]): void {
    if (this.failure || !this.setupMessage) return;
    const key = digest(['sources', JSON.stringify(items)]);
    if (this.sourcesMessage?.key !== key) this.sourcesMessage = { kind: 'sources', key, items };
    for (const worker of this.workers) if (!worker.job) this.bring(worker, this.setupMessage, this.sourcesMessage);
  }

  renderCitations(requests: CitationRequest[]): Promise<RenderedCitation[]> {
    return this.submit({ kind: 'citations', job: this.nextJob++, requests }, requests.length) as Promise<RenderedCitation[]>;
  }

  renderBibliography(ids: string[]): Promise<string> {
    return this.submit({ kind: 'bibliography', job: this.nextJob++, ids }, 0) as Promise<string>;
  }

  /** Ends the threads; jobs still waiting are refused. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const workers = this.workers.splice(0);
    for (const job of this.queue.splice(0)) job.reject(new Error('the citation pool was closed'));
    await Promise.all(workers.map(async (worker) => {
      worker.job?.reject(new Error('the citation pool was closed'));
      worker.job = undefined;
      await worker.thread.terminate();
    }));
  }

  private submit(message: JobMessage, weight: number): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.setupMessage) return Promise.reject(new Error('the citation pool has no style (start() first)'));
    const setup = this.setupMessage;
    const sources = this.sourcesMessage;
    return new Promise((resolve, reject) => {
      this.queue.push({ message, weight, setup, ...(sources ? { sources } : {}), resolve, reject });
      clearTimeout(this.idleTimer);
      if (this.workers.length === 0) this.spawn();
      this.pump();
      const waiting = this.queue.reduce((sum, job) => sum + job.weight, 0);
      if (waiting >= this.spawnAt && this.workers.length < this.size && !this.failure) {
        this.spawn();
        this.pump();
      }
    });
  }

  private spawn(): void {
    let thread: Worker;
    try {
      thread = startThread(this.workerUrl);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const worker: PoolWorker = { thread };
    // A thread with no job keeps no process alive (a one-off `check`, a test file).
    thread.unref();
    thread.on('message', (reply: PoolReply) => this.answer(worker, reply));
    thread.on('error', (error) => this.fail(error, worker));
    thread.on('exit', (code) => {
      if (this.workers.includes(worker)) this.fail(new Error(`a citation worker stopped (exit code ${code})`), worker);
    });
    this.workers.push(worker);
    if (this.setupMessage) this.bring(worker, this.setupMessage, this.sourcesMessage);
  }

  /** Gives a worker the style and sources it lacks. */
  private bring(worker: PoolWorker, setup: SetupMessage, sources?: SourcesMessage): void {
    if (worker.setupKey !== setup.key) {
      worker.thread.postMessage(setup);
      worker.setupKey = setup.key;
      worker.sourcesKey = undefined;
    }
    if (sources && worker.sourcesKey !== sources.key) {
      worker.thread.postMessage(sources);
      worker.sourcesKey = sources.key;
    }
  }

  private pump(): void {
    for (const worker of this.workers) {
      if (worker.job) continue;
      const job = this.queue.shift();
      if (!job) break;
      this.bring(worker, job.setup, job.sources);
      worker.job = job;
      worker.thread.ref();
      worker.thread.postMessage(job.message);
    }
  }

  private answer(worker: PoolWorker, reply: PoolReply): void {
    const job = worker.job;
    if (!job || job.message.job !== reply.job) return;
    worker.job = undefined;
    worker.thread.unref();
    if (reply.ok) job.resolve(reply.value);
    else job.reject(Object.assign(new Error(`citation worker: ${reply.error.message}`), reply.error.stack ? { stack: reply.error.stack } : {}));
    this.pump();
    this.idle();
  }

  private fail(error: Error, worker?: PoolWorker): void {
    this.failure ??= error;
    const failed = worker ? [worker] : [];
    // Every thread goes: the jobs waiting are refused, and refused from now on, rather than wait for one.
    for (const other of this.workers.splice(0)) {
      if (!failed.includes(other)) failed.push(other);
    }
    for (const each of failed) {
      each.job?.reject(error);
      each.job = undefined;
      void each.thread.terminate().catch(() => undefined);
    }
    for (const job of this.queue.splice(0)) job.reject(error);
  }

  /** Ends the threads once none has had a job for `idleMs`. */
  private idle(): void {
    clearTimeout(this.idleTimer);
    if (this.queue.length > 0 || this.workers.some((w) => w.job)) return;
    this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
    this.idleTimer.unref();
  }
}

let shared: CitationPool | undefined;

/**
 * The process's pool, started when a book of chapters with citations is read: a thread for every core but
 * one, at least one. V8 compiles hot code and collects garbage on threads of its own, which the main thread's
 * citeproc kept busy on the other core: on two cores two citation threads took ~1.8× the processor time of
 * rendering in line and longer, one took the same time (docs/performance.md). `BOOK_CITATION_THREADS` sets
 * the most (internal, to measure against: 0 renders every citation in line).
 */
export function citationPool(): CitationPool | undefined {
  const set = process.env.BOOK_CITATION_THREADS;
  const size = set === undefined || set === '' ? Math.max(1, availableParallelism() - 1) : Math.max(0, Math.floor(Number(set)) || 0);
  if (size === 0) return undefined;
  if (!shared?.usable || shared.size !== size) {
    void shared?.close();
    shared = new CitationPool(size);
  }
  return shared;
}

/** Ends the process's threads (a one-off build, once the book is read); the next read starts new ones. */
export function releaseCitationPool(): void {
  void shared?.close();
}
