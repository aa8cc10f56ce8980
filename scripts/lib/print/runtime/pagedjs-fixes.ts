/**
 * Where Paged.js 0.4.3 falls short of what a book needs, mended from outside, each fix on its own:
 * `tests/pagedjs-fixes.test.ts` lays out the same small documents with Paged.js as it is and with each fix,
 * and shows the difference the fix exists for. The runtime installs them all (index.ts); each says what it
 * changes and why.
 */
import { pagedHandler, type Chunker, type HandlerClass, type PagedNamespace } from './paged.ts';

const SHY = '\u00ad';

/**
 * Paged.js gives every element without a data-ref a random UUID, and a footnote's ref becomes its PDF named
 * destination (`note-<ref>`), so two builds of the same sources differed. Every element gets a stable ref
 * before Paged.js parses the content: a note keeps its own id (`note-<chapter>-fn-3`), others count up.
 */
export function stableRefs(): HandlerClass {
  return class StableRefs extends pagedHandler() {
    beforeParsed(content: DocumentFragment): void {
      const taken = new Set(Array.from(content.querySelectorAll('[id]'), (el) => el.id));
      let next = 0;
      for (const el of content.querySelectorAll('*')) {
        if (el.hasAttribute('data-ref')) continue;
        let ref = el.matches('[data-note]') && el.id ? el.id : '';
        while (!ref || (taken.has(ref) && !el.matches(`[id="${ref}"]`))) ref = `ref-${next++}`;
        taken.add(ref);
        el.setAttribute('data-ref', ref);
      }
    }
  };
}

/**
 * Paged.js stores running-head strings without their closing quote (`"Title`), which only works when
 * string() is the last thing in `content`. The quote is closed, so a folio may follow the head.
 */
export function closeStringSetQuotes(): HandlerClass {
  return class CloseStringSetQuotes extends pagedHandler() {
    afterPageLayout(fragment: HTMLElement): void {
      for (const name of Array.from(fragment.style)) {
        if (!name.startsWith('--pagedjs-string-')) continue;
        const value = fragment.style.getPropertyValue(name);
        if (value.startsWith('"') && !/[^\\]"$/.test(value)) fragment.style.setProperty(name, `${value}"`);
      }
    }
  };
}

/**
 * When a page ends inside a hyphenated word, Paged.js picks the split letter by measuring single letters,
 * which miscounts soft hyphens and splits at a place the patterns never allowed ("bureauc-ratie"). The
 * split moves back to the last soft hyphen (or space) before it, so pages break where lines may break.
 */
export function breakWordsAtSoftHyphens(): HandlerClass {
  return class BreakWordsAtSoftHyphens extends pagedHandler() {
    onOverflow(overflow: Range | undefined): Range | undefined {
      if (!overflow || overflow.startContainer.nodeType !== Node.TEXT_NODE) return undefined;
      const text = (overflow.startContainer as Text).data;
      const at = overflow.startOffset;
      const isLetter = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{M}\u00ad]/u.test(ch);
      if (at <= 0 || at >= text.length || !isLetter(text[at - 1]) || !isLetter(text[at])) return undefined;
      let back = at;
      while (back > 0 && text[back - 1] !== SHY && isLetter(text[back - 1])) back--;
      if (back === 0 || back === at) return undefined;
      const moved = overflow.cloneRange();
      moved.setStart(overflow.startContainer, back);
      return moved;
    }
  };
}

/**
 * Paged.js lays out one page per animation frame (its queue ticks on requestAnimationFrame), so a page that
 * takes 20 ms waits for the next frame, and a hidden tab (the build minimizes its window) gets no frames at
 * all. A message on a MessageChannel is a task of its own, so the event loop still turns between pages
 * (observers, fonts), without the wait.
 */
export function layOutWithoutFrameWaits(): HandlerClass {
  return class LayOutWithoutFrameWaits extends pagedHandler() {
    constructor(chunker: Chunker, polisher: unknown, caller: unknown) {
      super(chunker, polisher, caller);
      const channel = new MessageChannel();
      const waiting: (() => void)[] = [];
      channel.port1.onmessage = () => (waiting.shift() as () => void)();
      if (chunker && chunker.q) {
        chunker.q.tick = (callback) => {
          waiting.push(callback);
          channel.port2.postMessage(null);
        };
      }
    }
  };
}

/**
 * Paged.js's call for a note copies only the note's classes. It also gets the number the note prints
 * (`data-note-number`, written by the build into the manuscript's HTML), so neither the call nor the note
 * needs a CSS counter: a counter would walk the whole document at every call, and would not see the pages
 * set aside (finished-pages.ts).
 */
export function numberNoteCalls(Paged: PagedNamespace): void {
  const Footnotes = Paged.registeredHandlers.find((H) => H.prototype && typeof (H.prototype as { createFootnoteCall?: unknown }).createFootnoteCall === 'function');
  if (!Footnotes) return;
  const prototype = Footnotes.prototype as { createFootnoteCall(node: HTMLElement): HTMLElement; numberedNoteCalls?: true };
  if (prototype.numberedNoteCalls) return;
  const createFootnoteCall = prototype.createFootnoteCall;
  prototype.createFootnoteCall = function (this: unknown, node: HTMLElement): HTMLElement {
    const call = createFootnoteCall.call(this, node);
    if (node.dataset.noteNumber) call.dataset.noteNumber = node.dataset.noteNumber;
    // The call is set in its series' style (letters for the editor's notes).
    if (node.dataset.noteSeries) call.dataset.noteSeries = node.dataset.noteSeries;
    return call;
  };
  prototype.numberedNoteCalls = true;
}

interface FootnotesPrototype {
  moveFootnote(node: HTMLElement, pageArea: Element | null, needsNoteCall: boolean): void;
  orderedNoteSeries?: true;
}

/**
 * Paged.js appends each note to the page's note area in the order of the calls, so an editor's note called
 * before an author's note would stand above it. A book sets the author's notes first, then each further
 * series (`data-note-rank`, 0 for the author's): a note goes in before the first note of a later series. It
 * is put there before Paged.js measures the area, so the height it measures is the height printed.
 */
export function orderNoteSeries(Paged: PagedNamespace): void {
  const Footnotes = Paged.registeredHandlers.find((H) => H.prototype && typeof (H.prototype as Partial<FootnotesPrototype>).moveFootnote === 'function');
  if (!Footnotes) return;
  const prototype = Footnotes.prototype as FootnotesPrototype;
  if (prototype.orderedNoteSeries) return;
  const moveFootnote = prototype.moveFootnote;
  prototype.moveFootnote = function (this: unknown, node: HTMLElement, pageArea: Element | null, needsNoteCall: boolean): void {
    const inner = pageArea?.querySelector('.pagedjs_footnote_inner_content');
    const rank = Number(node?.dataset?.noteRank || 0);
    const later = inner && Array.from(inner.children).find((n) => Number((n as HTMLElement).dataset.noteRank || 0) > rank);
    if (!inner || !later) return moveFootnote.call(this, node, pageArea, needsNoteCall);
    Object.defineProperty(inner, 'appendChild', { configurable: true, value: (child: Node) => inner.insertBefore(child, later) });
    try {
      return moveFootnote.call(this, node, pageArea, needsNoteCall);
    } finally {
      delete (inner as { appendChild?: unknown }).appendChild;
    }
  };
  prototype.orderedNoteSeries = true;
}

/**
 * When a block fits on no page (an image taller than the page area), Paged.js only says so on the console
 * ("Unable to layout item") and may stop laying out the rest of its document. The message is caught (and
 * still printed), and the block and the page it was meant for are handed to `found`.
 */
export function reportUnplaceableBlocks(found: (block: Element, page: number) => void): void {
  const warn = console.warn;
  console.warn = function (...args: unknown[]) {
    if (typeof args[0] === 'string' && args[0].startsWith('Unable to layout item') && args[1] instanceof Node) {
      const node = args[1].nodeType === Node.ELEMENT_NODE ? (args[1] as Element) : args[1].parentElement;
      // The page being laid out is the last one in the document (those before it may be set aside).
      const current = document.querySelector<HTMLElement>('.pagedjs_pages > .pagedjs_page:last-child');
      if (node) found(node, current ? Number(current.dataset.pageNumber) : 0);
    }
    return warn.apply(console, args);
  };
}
