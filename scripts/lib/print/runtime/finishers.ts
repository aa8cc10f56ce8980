import type { PageLayout } from './contract.ts';

/**
 * Work on one finished page, done while the page is still in a document of two or three pages (see
 * finished-pages.ts): measuring then costs no layout of the whole book. A finisher that writes to the page
 * goes last, after those that read it.
 */
export interface PageFinisher {
  name: string;
  finish(page: HTMLElement): void;
  /**
   * For a finisher that writes to the page: what `finish` reads, read now; what it returns writes what
   * `finish` would have written, once called (the page unchanged in between).
   */
  read?(page: HTMLElement): () => void;
}

/** Work once every page is laid out and back in the document: it adds to the layout the build reads. */
export interface DocumentFinisher {
  name: string;
  finish(layout: PageLayout): void;
}

/** Runs the page finishers in their order on each page; the first failure is kept for the layout report. */
export class PageFinishing {
  private failure: { error: unknown } | undefined;

  constructor(private readonly finishers: readonly PageFinisher[]) {}

  finish(page: HTMLElement): void {
    for (const finisher of this.finishers) {
      try {
        finisher.finish(page);
      } catch (error) {
        this.failure ??= { error };
      }
    }
  }

  /**
   * What `finish` does, in two steps: every finisher reads the page now (those that only read are done); the
   * function returned makes the writes, later, while the page is still as it was read.
   */
  read(page: HTMLElement): () => void {
    const writes: (() => void)[] = [];
    for (const finisher of this.finishers) {
      try {
        if (finisher.read) writes.push(finisher.read(page));
        else finisher.finish(page);
      } catch (error) {
        this.failure ??= { error };
      }
    }
    return () => {
      for (const write of writes) {
        try {
          write();
        } catch (error) {
          this.failure ??= { error };
        }
      }
    };
  }

  /** Throws the first failure of any finisher on any page. */
  check(): void {
    if (this.failure) throw this.failure.error;
  }
}
