/**
 * Tables as a book sets them: one too wide for the measure is set in smaller type or, if that is not enough,
 * turned on a page of its own; a table that breaks across pages repeats its header row, which Paged.js 0.4.3
 * does not do, and keeps at least two of its rows on each side of a page break.
 */
import { pagedHandler, type HandlerClass } from './paged.ts';

/** The table's width over the width it has: more than 1 when it runs out of the measure. */
function excess(table: HTMLTableElement): number {
  const room = (table.parentElement as HTMLElement).getBoundingClientRect().width;
  return room > 0 ? table.getBoundingClientRect().width / room : 1;
}

/**
 * While tables are measured their words stay whole: a table fits the measure only if it does so without
 * breaking a word at a soft hyphen. Broken there, any table of short cells "fits" a column a syllable wide
 * (the kitchen sink's twelve columns of `Column-1-heading` were set `Col-umn-1-head-ing`, four lines a head).
 */
const WHOLE_WORDS = '.chapter table, .chapter table * { hyphens: none !important; }';

/**
 * Before pagination, with the body at the measure (index.ts runs it before the line breaker): a table wider
 * than the measure is condensed (smaller type, tighter cells); one still too wide is turned a quarter, on a
 * page of its own, where the page's height is its measure. One that does not fit even so is left for the
 * layout check. The tables are measured in the faces they are set in, once those are in: a face still loading
 * measures as its fallback, and a table that fits in the fallback was left unturned (the runtime starts every
 * face loading as it loads, so `document.fonts.ready` waits for them all).
 */
export async function fitTables(): Promise<void> {
  const tables = document.querySelectorAll<HTMLTableElement>('.chapter table');
  if (tables.length === 0) return;
  await document.fonts.ready;
  const body = document.body;
  const previous = body.style.width;
  body.style.width = 'var(--text-width)';
  const wholeWords = document.createElement('style');
  wholeWords.textContent = WHOLE_WORDS;
  document.head.appendChild(wholeWords);
  try {
    for (const table of tables) {
      if (excess(table) <= 1.001) continue;
      table.classList.add('table-condensed');
      if (excess(table) <= 1.001) continue;
      const turned = document.createElement('div');
      turned.className = 'table-turned';
      // The block keeps the table's place in the manuscript for the layout report and the EPUB page list.
      if (table.dataset.line) turned.dataset.line = table.dataset.line;
      table.replaceWith(turned);
      turned.appendChild(table);
    }
  } finally {
    wholeWords.remove();
    body.style.width = previous;
  }
}

/**
 * Repeats a split table's header at the top of each page it continues on. The header goes in as the first
 * row of the page is placed (renderNode), before Paged.js measures what fits, so the rows it displaces go to
 * the next page; added after the page is laid out it would push the last rows off the page.
 */
export function repeatTableHeaders(): HandlerClass {
  return class RepeatTableHeaders extends pagedHandler() {
    renderNode(clone: Node, node: Node): void {
      const placed = clone.nodeType === Node.ELEMENT_NODE ? (clone as Element) : clone.parentElement;
      const inBody = placed && placed.closest('tbody');
      const table = inBody && (inBody.parentElement as HTMLElement | null);
      if (!inBody || !table || table.tagName !== 'TABLE' || !table.dataset.splitFrom || table.querySelector(':scope > thead')) return;
      const original = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
      const source = original && original.closest('table');
      const head = source && source.querySelector(':scope > thead');
      if (!head) return;
      const repeated = head.cloneNode(true) as HTMLElement;
      repeated.dataset.repeated = 'true';
      // Paged.js knows every element by its ref: the copy must not stand for the header it copies.
      for (const el of [repeated, ...repeated.querySelectorAll('*')]) {
        el.removeAttribute('data-ref');
        el.removeAttribute('data-line');
        el.removeAttribute('id');
      }
      table.insertBefore(repeated, inBody);
    }
  };
}

/** Fewest rows of a table's body at the foot of a page, and at the head of the next. */
const KEEP_ROWS = 2;

/**
 * Where a page ends inside a table, at least two of its rows stay on the page (not a caption and a header
 * alone, nor one row) and at least two go over; a table that cannot keep two moves whole to the next page,
 * with a heading just before it.
 */
export function keepTableRows(): HandlerClass {
  return class KeepTableRows extends pagedHandler() {
    onOverflow(overflow: Range | undefined): Range | undefined {
      if (!overflow) return undefined;
      const start = overflow.startContainer;
      const el = start.nodeType === Node.ELEMENT_NODE ? (start as Element) : start.parentElement;
      const table = el && el.closest<HTMLElement>('table');
      if (!table || table.closest('.pagedjs_footnote_area')) return undefined;
      const rows = Array.from(table.querySelectorAll<HTMLElement>(':scope > tbody > tr'));
      const before = rows.filter((row) => overflow.comparePoint(row, row.childNodes.length) < 0).length;
      const after = rows.length - before;
      const moved = document.createRange();
      moved.setEnd(overflow.endContainer, overflow.endOffset);
      if (before < KEEP_ROWS && !table.dataset.splitFrom && table.previousElementSibling) {
        let first: Element = table;
        while (first.previousElementSibling && /^H[1-6]$/.test(first.previousElementSibling.tagName) && first.previousElementSibling.previousElementSibling) {
          first = first.previousElementSibling;
        }
        moved.setStartBefore(first);
        return moved;
      }
      // Rows not laid out yet are only in the source: count the rows from the first that goes over.
      const firstOver = rows[before];
      const source = this.chunker.source;
      const sourceRow = firstOver && firstOver.dataset.ref && source ? source.querySelector(`[data-ref="${firstOver.dataset.ref}"]`) : null;
      let remaining = after;
      if (sourceRow) {
        remaining = 1;
        for (let next = sourceRow.nextElementSibling; next && remaining < KEEP_ROWS; next = next.nextElementSibling) remaining++;
      }
      if (remaining < KEEP_ROWS && before - (KEEP_ROWS - remaining) >= KEEP_ROWS) {
        moved.setStartBefore(rows[before - (KEEP_ROWS - remaining)] as HTMLElement);
        return moved;
      }
      return undefined;
    }
  };
}
