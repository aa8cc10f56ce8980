import type { PageFinisher } from './finishers.ts';
import { reusableRange } from './ranges.ts';

const SHY = '\u00ad';

/**
 * Chromium writes every soft hyphen into the PDF's text layer, which breaks search and copy. Once a page
 * is laid out, a soft hyphen that ends a line becomes a real hyphen (same glyph, same width) and every other
 * one is removed; neither changes where lines break. Returns the hyphens it made.
 */
const letterRange = reusableRange();

export function settleSoftHyphens(root: Node): number {
  return softHyphenSettling(root)();
}

/** Where `root`'s soft hyphens end lines, read now; the function returned settles them and returns the hyphens it made. */
function softHyphenSettling(root: Node): () => number {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const edits: [Text, string, Set<number>][] = [];
  const range = letterRange();
  const rectOf = (node: Text, start: number, end: number): DOMRect | null => {
    range.setStart(node, start);
    range.setEnd(node, end);
    const rects = range.getClientRects();
    return rects.length ? (rects[rects.length - 1] as DOMRect) : null;
  };
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    const text = node.data;
    if (!text.includes(SHY)) continue;
    const lineEnds = new Set<number>();
    for (let i = text.indexOf(SHY); i >= 0; i = text.indexOf(SHY, i + 1)) {
      if (i === 0 || i === text.length - 1) continue;
      const before = rectOf(node, i - 1, i);
      const after = rectOf(node, i + 1, i + 2);
      if (before && after && after.top >= before.bottom - 1) lineEnds.add(i);
    }
    edits.push([node, text, lineEnds]);
  }
  return () => {
    let hyphens = 0;
    for (const [node, text, lineEnds] of edits) {
      let out = '';
      for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (ch !== SHY) out += ch;
        else if (lineEnds.has(i)) {
          out += '-';
          hyphens++;
        }
      }
      node.data = out;
    }
    return hyphens;
  };
}

/** Settles each finished page's soft hyphens; it writes, so it runs after the finishers that read the page. */
export class HyphenSettling implements PageFinisher {
  readonly name = 'settle soft hyphens';
  hyphens = 0;
  ms = 0;

  finish(page: HTMLElement): void {
    this.read(page)();
  }

  read(page: HTMLElement): () => void {
    const started = performance.now();
    const settle = softHyphenSettling(page);
    this.ms += performance.now() - started;
    return () => {
      const writing = performance.now();
      this.hyphens += settle();
      this.ms += performance.now() - writing;
    };
  }
}
