/** A promise with its resolve and reject at hand; its rejection is never left unhandled. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
  readonly settled: boolean;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  let settled = false;
  return {
    promise,
    get settled() {
      return settled;
    },
    resolve(value) {
      settled = true;
      resolve(value);
    },
    reject(error) {
      settled = true;
      reject(error);
    },
  };
}

/**
 * `workers` workers that take items in the order they were added and run `work` on each, one at a time per
 * worker. Items may be added until `close()`; `done` settles once every item added has been worked on, or
 * rejects with the first failure (no item is started after it; those under way are waited for).
 */
export class WorkerPool<T> {
  private readonly queue: T[] = [];
  private readonly finished = deferred<void>();
  private failure: { error: unknown } | undefined;
  private closed = false;
  private busy = 0;

  constructor(
    private readonly workers: number,
    private readonly work: (item: T) => Promise<void>,
  ) {}

  /** Settles when the pool is closed and idle, or rejects with its first failure. */
  get done(): Promise<void> {
    return this.finished.promise;
  }

  add(...items: T[]): void {
    if (this.closed) throw new Error('the pool is closed');
    this.queue.push(...items);
    this.pump();
  }

  /** No more items will be added. */
  close(): void {
    this.closed = true;
    this.pump();
  }

  /** Stops the pool: no item is started after this, and `done` rejects with `error` once the running ones end. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.queue.length = 0;
    this.pump();
  }

  private pump(): void {
    while (!this.failure && this.busy < Math.max(1, this.workers) && this.queue.length > 0) {
      const item = this.queue.shift() as T;
      this.busy++;
      this.work(item)
        .catch((error: unknown) => this.fail(error))
        .finally(() => {
          this.busy--;
          this.pump();
        });
    }
    if (this.busy > 0 || this.finished.settled) return;
    if (this.failure) this.finished.reject(this.failure.error);
    else if (this.closed && this.queue.length === 0) this.finished.resolve();
  }
}

/** At most `size` holders at once; the others wait in order. */
export class Semaphore {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async acquire(): Promise<void> {
    if (this.held < this.size) {
      this.held++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held--;
  }
}
