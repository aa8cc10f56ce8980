import type { FolioIncrement } from './runtime/contract.ts';

/**
 * The book's page numbers from the units' page counts, as pure functions: every unit (front matter, each
 * chapter, the sources) opens on a recto, so where a unit starts depends only on how many pages the units
 * before it have. The print build numbers the units it laid out apart with these, the EPUB's page list
 * reads its pages through them, and the preview numbers its frames with them (the module is bundled into
 * the preview's page too, so it imports nothing but types).
 *
 * Numbers that are printed outside the text area (folios, the contents page; later the index and
 * cross-references, which are resolved from anchors the same way) are set after pagination, so a unit's
 * layout never depends on another's.
 */

/** The first page after a unit of `pages` pages that began on `first`: the next recto. */
export function nextRecto(first: number, pages: number): number {
  return first + pages + (pages % 2);
}

/** The printed page each unit starts on, from the units' page counts in reading order. */
export function firstPages(pageCounts: readonly number[]): number[] {
  const firsts: number[] = [];
  let first = 1;
  for (const pages of pageCounts) {
    firsts.push(first);
    first = nextRecto(first, pages);
  }
  return firsts;
}

/** The page a unit after units of these page counts starts on. */
export function firstPageAfter(pageCounts: readonly number[]): number {
  return pageCounts.reduce(nextRecto, 1);
}

/** The book's page count: every unit's pages and the blank verso after each that ends on a recto, but the last. */
export function bookPageCount(pageCounts: readonly number[]): number {
  if (pageCounts.length === 0) return 0;
  const firsts = firstPages(pageCounts);
  return (firsts[firsts.length - 1] as number) + (pageCounts[pageCounts.length - 1] as number) - 1;
}

/** Where a page of a unit is printed: page `local` (1-based) of the unit that starts on `first`. */
export function printedPage(first: number, local: number): number {
  return first + local - 1;
}

/** Anchors of a unit (id -> page in the unit) as printed pages: what the contents, an index entry or a
 * cross-reference prints for them. */
export function printedAnchors<T extends { page: number }>(anchors: Record<string, T>, first: number): Record<string, T> {
  return Object.fromEntries(Object.entries(anchors).map(([id, at]) => [id, { ...at, page: printedPage(first, at.page) }]));
}

/** The contents page's numbers: each unit but the first (the front matter, which holds the contents) by id. */
export function contentsNumbers(ids: readonly string[], firsts: readonly number[]): Record<string, number> {
  const contents: Record<string, number> = {};
  ids.forEach((id, i) => {
    if (i > 0) contents[id] = firsts[i] as number;
  });
  return contents;
}

/**
 * The numbers printed into a unit that do not move its layout: its first folio and, for the unit that holds
 * the contents page, the contents' numbers. A unit laid out before is printed again only when they change.
 */
export interface PrintedNumbers {
  first: number;
  contents?: Record<string, number>;
}

/** The printed numbers of unit `index`; `pageCounts` holds the counts of the units before it, and of every
 * unit when it has the contents page. */
export function printedNumbers(index: number, hasContents: boolean, ids: readonly string[], pageCounts: readonly number[]): PrintedNumbers {
  const first = firstPageAfter(pageCounts.slice(0, index));
  return hasContents ? { first, contents: contentsNumbers(ids, firstPages(pageCounts)) } : { first };
}

/**
 * The counter changes that make a document's folios the book's. The document holds units laid out in a row
 * (each from its `pages[0]` to `pages[1]` in the document, a blank verso Paged.js added between them left
 * out) that start on the printed pages `firsts`. Paged.js counts the document's pages from 1, blanks
 * included: a unit whose printed first page is not the count it would reach gets an increment.
 */
export function folioIncrements(parts: readonly { pages: readonly [number, number] }[], firsts: readonly number[]): FolioIncrement[] {
  const increments: FolioIncrement[] = [];
  parts.forEach((part, k) => {
    const start = part.pages[0];
    const first = firsts[k] as number;
    // The counter the document would reach on this page: one past the page before it.
    const reached = k === 0 ? start : (firsts[k - 1] as number) + (start - 1 - (parts[k - 1] as { pages: readonly [number, number] }).pages[0]) + 1;
    if (first !== reached) increments.push({ page: start, increment: first - reached + 1 });
  });
  return increments;
}
