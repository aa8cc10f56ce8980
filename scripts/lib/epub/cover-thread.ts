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
  /** Ends the thread, done or not (the build failed, or is over). */
  stop(): void;
}

/**
 * The EPUB's cover image rendered on a thread of its own while the main thread reads the manuscript
 * (cover-worker.ts). The cover needs only book.yaml and Chromium, both there early in the reading, but each
 * step of rendering it is a DevTools round trip answered in the event loop of whoever asked, which the reading
 * holds for hundreds of milliseconds at a time: asked from the main thread, the cover was drawn once the reading
 * was over, beside the print edition's page load and layout, on the core they would otherwise have had. The
 * thread has its own connection and event loop, and the core the reading leaves idle.
 */
export function coverOnThread(endpoint: Promise<string>, config: Promise<BookConfig>): CoverThread {
  let stopped = false;
  const worker = startThread(COVER_WORKER);
  const image = new Promise<Uint8Array | undefined>((resolve) => {
    worker.once('message', (reply: CoverReply) => resolve('png' in reply ? reply.png : undefined));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  void Promise.all([endpoint, config]).then(
    ([address, book]) => {
      if (!stopped) worker.postMessage({ endpoint: address, config: book } satisfies CoverRequest);
    },
    () => undefined,
  );
  void image.then(() => worker.terminate());
  return {
    image,
    stop() {
      stopped = true;
      void worker.terminate();
    },
  };
}
