import { folioLabel } from '../print/numbering.ts';
import type { PageLayout } from '../print/runtime/contract.ts';

/** Where a printed page begins in the EPUB: before (or, in a list item, inside) the block it starts with. */
export interface PageBreakPlan {
  /** Pages of the print edition before its first chapter block (half-title, title, colophon). */
  frontPages: number[];
  /** Per chapter file, per source line of a block: the printed pages that begin there. */
  byBlock: Map<string, Map<number, number[]>>;
  /** Pages after the last block start (a last paragraph running on): marked at the end of the last chapter. */
  trailingPages: number[];
  /** Every printed page, in order; each has exactly one marker. */
  pages: number[];
  /** What is printed on a page ("iii" in a front matter folioed in roman): the marker's and the page list's label. */
  folio(page: number): string;
}

/**
 * Maps the print layout onto manuscript blocks. Granularity is the block: a page that begins in the middle
 * of a paragraph gets its marker at the start of the next block that starts on it or later, because the
 * layout reports blocks, not lines. A page on which no block starts (a paragraph runs over the whole page)
 * shares the marker position of the next block, so the page list still names every page. Pages after the last
 * block start are marked at the end of the last chapter's text, as are the pages of the printed endnotes
 * ("Aantekeningen"): their blocks are notes of several chapters, in no chapter's file, and the EPUB keeps each
 * chapter's endnotes in its own document, so a marker at a note would break the page list's reading order
 * (EPUBCheck NAV-011).
 */
export function planPageBreaks(layout: Pick<PageLayout, 'blocks' | 'pageCount' | 'romanPages'>): PageBreakPlan {
  const byBlock = new Map<string, Map<number, number[]>>();
  const seen = new Set<string>();
  let last = 0;
  const first = layout.blocks[0]?.page ?? layout.pageCount + 1;
  const frontPages = range(1, first - 1);
  last = first - 1;
  for (const block of layout.blocks) {
    if (!block.file) continue;
    const key = `${block.file}:${block.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (block.page <= last) continue;
    const lines = byBlock.get(block.file) ?? new Map<number, number[]>();
    byBlock.set(block.file, lines);
    lines.set(block.line, range(last + 1, block.page));
    last = block.page;
  }
  const romanPages = layout.romanPages ?? 0;
  return { frontPages, byBlock, trailingPages: range(last + 1, layout.pageCount), pages: range(1, Math.max(last, layout.pageCount)), folio: (page) => folioLabel(page, romanPages) };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

export function pageBreakId(page: number): string {
  return `pagina-${page}`;
}

/** The marker itself: empty, named by its title (EPUB Accessibility, DPUB-ARIA doc-pagebreak). */
export function pageBreakMarker(page: number, folio: string = String(page)): string {
  return `<span epub:type="pagebreak" role="doc-pagebreak" id="${pageBreakId(page)}" title="${folio}"></span>`;
}
