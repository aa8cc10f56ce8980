import type { LostBlock } from './contract.ts';
import { pagedHandler, type HandlerClass } from './paged.ts';

/** A manuscript block as parsed, before any page is laid out. */
interface SourceBlock {
  ref: string;
  unit: string;
  file: string;
  line: number;
  /** Its letters and digits, its notes' left out (they go to the page's foot). */
  letters: number;
  /** A note (set at the foot of a page, and split over pages when it is long). */
  note?: true;
}

const NOTE = '[data-note], .footnote';
const LETTER = /[\p{L}\p{N}]/u;

/** The letters and digits (Unicode's L and N) of a text: each code point tested as `/[\p{L}\p{N}]/gu` matches
 * them, the ASCII ones without a regular expression (a chapter's text is read twice a layout). */
function lettersIn(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 128) {
      if ((code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122)) count++;
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      if (LETTER.test(text.slice(i, i + 2))) count++;
      i++;
    } else if (LETTER.test(text[i] as string)) count++;
  }
  return count;
}

/** A note, not inside another (notes/nested refuses those before any layout). */
function isNote(element: Element): boolean {
  return element.matches(NOTE) && !element.parentElement?.closest(NOTE);
}

/** The letters and digits of an element's text outside its notes: spaces, hyphens and breaks Paged.js or the
 * runtime add or settle are not counted, so a block's fragments on its pages add up to the block as written.
 * Its text less that of each note in it (the outermost: a note's notes are in its text). */
function lettersOf(element: Element): number {
  let count = lettersIn(element.textContent ?? '');
  for (const note of element.querySelectorAll(NOTE)) {
    const outer = note.parentElement?.closest(NOTE);
    if (!outer || outer === element || !element.contains(outer)) count -= lettersIn(note.textContent ?? '');
  }
  return count;
}

/** The unit a block belongs to: its section's id (a chapter, the endnotes, the sources), or `front`. */
function unitOf(element: Element): string {
  const section = element.closest('section.chapter[id]');
  if (section) return section.id;
  return element.closest('[data-front]') ? 'front' : '';
}

/**
 * Whether every block of the manuscript reached a page. Paged.js 0.4.3 can stop laying out a document without
 * an error (a note taller than the page area, a block it cannot place): what follows is then missing from
 * the book, and the pages look finished. Every manuscript block (`[data-line]`) and every note is recorded as
 * Paged.js parses the document, after stableRefs gave each its `data-ref`, with the letters it holds (a
 * block's without its notes'); once all pages are laid out (and back in the document), a block or note with
 * no fragment on any page, or whose fragments hold fewer letters than it did (its end was never laid out: Paged.js marks a split only once the next
 * fragment is placed), was lost. The build refuses such a layout at the first lost block's line
 * (document-layout.ts).
 */
export class LostText {
  private blocks: SourceBlock[] = [];

  /** Registered after stableRefs, whose refs it reads. */
  handler(): HandlerClass {
    const record = (content: DocumentFragment): void => {
      this.blocks = [];
      for (const el of content.querySelectorAll<HTMLElement>('[data-line][data-ref]')) {
        const note = isNote(el);
        if (!note && el.closest(NOTE)) continue;
        const file = el.closest<HTMLElement>('[data-file]')?.dataset.file ?? '';
        this.blocks.push({ ref: el.dataset.ref as string, unit: unitOf(el), file, line: Number(el.dataset.line), letters: lettersOf(el), ...(note ? { note } : {}) });
      }
    };
    return class RecordSourceBlocks extends pagedHandler() {
      beforeParsed(content: DocumentFragment): void {
        record(content);
      }
    };
  }

  /** The blocks that did not reach a page, whole or in part, in the order of the manuscript. */
  lost(): LostBlock[] {
    const placed = new Map<string, { letters: number; page: number }>();
    for (const el of document.querySelectorAll<HTMLElement>('.pagedjs_pages .pagedjs_page [data-line][data-ref]')) {
      if (!isNote(el) && el.closest(NOTE)) continue;
      const ref = el.dataset.ref as string;
      const seen = placed.get(ref) ?? { letters: 0, page: 0 };
      seen.letters += lettersOf(el);
      seen.page = Math.max(seen.page, Number(el.closest<HTMLElement>('.pagedjs_page')?.dataset.pageNumber ?? 0));
      placed.set(ref, seen);
    }
    const lost: LostBlock[] = [];
    for (const block of this.blocks) {
      const { unit, file, line } = block;
      const seen = placed.get(block.ref);
      const note = block.note ? { note: block.note } : {};
      if (!seen) lost.push({ unit, file, line, ...note });
      else if (seen.letters < block.letters) lost.push({ unit, file, line, page: seen.page, part: true, ...note });
    }
    return lost;
  }
}
