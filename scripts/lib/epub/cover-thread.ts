import type { Worker } from 'node:worker_threads';
import type { BookConfig } from '../config/schema.ts';
import { startThread } from '../start-thread.ts';

/** What the cover thread is given: the build's Chromium and the book's configuration, all the cover reads. */
export interface CoverRequest {
  endpoint: string;
  config: BookConfig;
}

/** The cover image, or why the thread did not render it. */
export type CoverReply = { png: Uint8Array } | { failed: string };

const COVER_WORKER = new URL(import.meta.url.endsWith('.ts') ? './cover-worker.ts' : './cover-worker.js', import.meta.url);

export interface CoverThread {
  /** The PNG, or undefined when the thread could not render it: the build then renders it on the main thread,
   * which reports why (a cover that asks for what the build does not serve) as it always did. */
  image: Promise<Uint8Array | undefined>;
  /** Gives the thread book.yaml: it renders the cover as soon as it has it and Chromium listens. */
  render(config: BookConfig): void;
  /** Ends the thread, done or not (the build failed, or is over). */
  stop(): void;
}

/**
 * The EPUB's cover image rendered on a thread of its own while the main thread loads its modules and reads the
 * manuscript (cover-worker.ts). The cover needs only book.yaml and Chromium, both there early in the reading,
 * but each step of rendering it is a DevTools round trip answered in the event loop of whoever asked, which the
 * reading holds for hundreds of milliseconds at a time: asked from the main thread, the cover was drawn once
 * the reading was over, beside the print edition's page load and layout, on the core they would otherwise
 * have had. The thread has a connection and an event loop of its own, and the core the reading leaves idle; it
 * starts once Chromium listens (its own start then done), and loads puppeteer while the main thread still
 * loads the pipeline.
 */
export function coverOnThread(endpoint: Promise<string>): CoverThread {
  let stopped = false;
  let settle!: (image: Uint8Array | undefined) => void;
  const image = new Promise<Uint8Array | undefined>((resolve) => (settle = resolve));
  let giveConfig!: (config: BookConfig) => void;
  const config = new Promise<BookConfig>((resolve) => (giveConfig = resolve));
  const started: Promise<Worker | undefined> = endpoint.then(
    (address) => {
      if (stopped) return undefined;
      const worker = startThread(COVER_WORKER);
      // Not what keeps a process alive: the build's Chromium and its connection do, until the build is over.
      worker.unref();
      worker.once('message', (reply: CoverReply) => settle('png' in reply ? reply.png : undefined));
      worker.once('error', () => settle(undefined));
      worker.once('exit', () => settle(undefined));
      void config.then((book) => worker.postMessage({ endpoint: address, config: book } satisfies CoverRequest));
      return worker;
    },
    () => {
      settle(undefined);
      return undefined;
    },
  );
  const end = (): void => void started.then((worker) => worker?.terminate());
  void image.then(end);
  return {
    image,
    render: giveConfig,
    stop() {
      stopped = true;
      settle(undefined);
      end();
    },
  };
}
