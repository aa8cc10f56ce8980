import { pagedHandler, type HandlerClass } from './paged.ts';
import { reusableRange } from './ranges.ts';

const pieceRange = reusableRange();
const letterRange = reusableRange();
const beforeRange = reusableRange();
const afterRange = reusableRange();

interface LineBox {
  top: number;
  bottom: number;
}

/** Every line box of the block's own text in a range, in order (a note still inline is not the block's). */
function lineTops(range: Range): LineBox[] {
  const tops: LineBox[] = [];
  const rects: DOMRect[] = [];
  const common = range.commonAncestorContainer;
  const root = common.nodeType === Node.ELEMENT_NODE ? common : (common.parentElement as Node);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const piece = pieceRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!range.intersectsNode(node) || (node.parentElement as Element).closest('.footnote, [data-note], .pagedjs_footnote_area')) continue;
    piece.selectNodeContents(node);
    if (node === range.startContainer) piece.setStart(node, range.startOffset);
    if (node === range.endContainer) piece.setEnd(node, range.endOffset);
    rects.push(...piece.getClientRects());
  }
  for (const r of rects) {
    if (r.width < 0.5 || r.height < 0.5) continue;
    if (!tops.some((t) => Math.abs(t.bottom - r.bottom) < r.height / 2)) tops.push({ top: r.top, bottom: r.bottom });
  }
  return tops.sort((a, b) => a.top - b.top);
}

/** The first text position of the line whose box is `line`, within block. */
function startOfLine(block: Element, line: LineBox): { node: Text; offset: number } | null {
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
  const range = letterRange();
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    for (let i = 0; i < node.data.length; i++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const r = range.getClientRects()[0];
      if (r && r.width > 0 && Math.abs(r.bottom - line.bottom) < r.height / 2) return { node, offset: i };
    }
  }
  return null;
}

/**
 * Paged.js 0.4.3 ignores `widows` and `orphans`: it cuts a paragraph wherever the page is full. This
 * handler moves the cut so at least `orphans` lines of a paragraph stay at the foot of a page and at least
 * `widows` go to the head of the next, or the whole paragraph moves (lines are fixed before pagination by
 * the line breaker, so moving the cut moves whole lines).
 */
export function keepLines(): HandlerClass {
  return class KeepLines extends pagedHandler() {
    onOverflow(overflow: Range | undefined): Range | undefined {
      if (!overflow) return undefined;
      const start = overflow.startContainer;
      const el = start.nodeType === Node.ELEMENT_NODE ? (start as Element) : start.parentElement;
      const block = el && el.closest<HTMLElement>('p, li, dd');
      if (!block || block.closest('.pagedjs_footnote_area')) return undefined;
      const before = beforeRange();
      before.selectNodeContents(block);
      before.setEnd(overflow.startContainer, overflow.startOffset);
      const after = afterRange();
      after.selectNodeContents(block);
      after.setStart(overflow.startContainer, overflow.startOffset);
      const linesBefore = lineTops(before);
      const linesAfter = lineTops(after).filter((l) => !linesBefore.some((b) => Math.abs(b.bottom - l.bottom) < 2));
      if (linesBefore.length === 0 || linesAfter.length === 0) return undefined;
      const style = getComputedStyle(block);
      const orphans = parseInt(style.orphans, 10) || 1;
      const widows = parseInt(style.widows, 10) || 1;
      const movable = !block.dataset.splitFrom && !!block.previousElementSibling;
      const moveWhole = (): Range => {
        // The heading the paragraph opens goes with it, or it would be left as the last thing on the page.
        let first: Element = block;
        while (first.previousElementSibling && /^H[1-6]$/.test(first.previousElementSibling.tagName) && first.previousElementSibling.previousElementSibling) {
          first = first.previousElementSibling;
        }
        const moved = document.createRange();
        moved.setStartBefore(first);
        moved.setEnd(overflow.endContainer, overflow.endOffset);
        return moved;
      };
      if (linesBefore.length < orphans) return movable ? moveWhole() : undefined;
      if (linesAfter.length < widows) {
        const back = widows - linesAfter.length;
        if (linesBefore.length - back >= orphans) {
          const at = startOfLine(block, linesBefore[linesBefore.length - back] as LineBox);
          if (!at) return undefined;
          const moved = document.createRange();
          moved.setStart(at.node, at.offset);
          moved.setEnd(overflow.endContainer, overflow.endOffset);
          return moved;
        }
        return movable ? moveWhole() : undefined;
      }
      return undefined;
    }
  };
}
