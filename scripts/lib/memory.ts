import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * A full garbage collection now. After reading, a long book's build holds ~150 MB it will never touch
 * again (the compiled citation style, Markdown's working data); while Chromium lays out, Node sits idle and
 * V8 has no reason to collect, so that memory would count against the build's peak for the whole layout.
 * `unlessBelow`: not while the heap holds fewer bytes than that in all: a collection that would free little
 * only takes its time from the layout beside it.
 */
export function collectGarbage(unlessBelow = 0): void {
  if (getHeapStatistics().used_heap_size < unlessBelow) return;
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}
