import { romanNumeral } from '../roman.ts';
import type { FolioIncrement } from './runtime/contract.ts';

/**
 * The book's page numbers from the units' page counts, as pure functions: every unit (front matter, each
 * chapter, the sources) opens on a recto, so where a unit starts depends only on how many pages the units
 * before it have. The print build numbers the units it laid out apart with these, the EPUB's page list
 * reads its pages through them, and the preview numbers its frames with them (the module is bundled into
 * the preview's page too, so it imports nothing but types and roman.ts).
 *
 * Pages are counted through the book (a page's number is its place, what links and the layout check use);
 * what is printed on it is its folio. With `numbering.frontMatter: roman` the first units (the front matter
 * and a preface or foreword after it) are folioed i, ii, iii… and the main text from 1 on the recto after
 * them; their pages are the book's first `romanPages`.
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

/** Pages numbered in roman: those of the first `frontUnits` units and the blank verso after them. */
export function romanPageCount(pageCounts: readonly number[], frontUnits: number): number {
  return frontUnits > 0 ? firstPageAfter(pageCounts.slice(0, frontUnits)) - 1 : 0;
}

/** What is printed on page `page` of the book: "iii" in the roman front matter, "1" on the page after it. */
export function folioLabel(page: number, romanPages: number): string {
  return page <= romanPages ? romanNumeral(page).toLowerCase() : String(page - romanPages);
}

/** The contents page's numbers: each unit but the first (the front matter, which holds the contents) by id. */
export function contentsNumbers(ids: readonly string[], firsts: readonly number[], romanPages = 0): Record<string, string> {
  const contents: Record<string, string> = {};
  ids.forEach((id, i) => {
    if (i > 0) contents[id] = folioLabel(firsts[i] as number, romanPages);
  });
  return contents;
}

/**
 * The numbers printed into a unit that do not move its layout: its first folio (the page counter's value,
 * `roman` when it is printed so) and, for the unit that holds the contents page, the contents' numbers. A
 * unit laid out before is printed again only when they change.
 */
export interface PrintedNumbers {
  first: number;
  roman?: true;
  contents?: Record<string, string>;
  /** The folios its cross-references print, by target id. */
  references?: Record<string, string>;
}

/** The printed numbers of unit `index`, the first `frontUnits` units being folioed in roman; `pageCounts`
 * holds the counts of the units before it, and of every unit when it has the contents page. */
export function printedNumbers(index: number, hasContents: boolean, ids: readonly string[], pageCounts: readonly number[], frontUnits = 0): PrintedNumbers {
  const page = firstPageAfter(pageCounts.slice(0, index));
  const roman = index < frontUnits;
  const first = roman ? page : page - romanPageCount(pageCounts, frontUnits);
  const numbers: PrintedNumbers = roman ? { first, roman } : { first };
  return hasContents ? { ...numbers, contents: contentsNumbers(ids, firstPages(pageCounts), romanPageCount(pageCounts, frontUnits)) } : numbers;
}

/**
 * The folios of the pages the ids `ids` are on: each looked for in the units' anchors (pages counted from each
 * unit's first page, the units in reading order, `firsts` their first pages). An id not found is left out.
 */
export function referencePages(ids: readonly string[], anchors: readonly Record<string, { page: number }>[], firsts: readonly number[], romanPages: number): Record<string, string> {
  const pages: Record<string, string> = {};
  for (const id of ids) {
    const unit = anchors.findIndex((a) => a[id] !== undefined);
    if (unit >= 0) pages[id] = folioLabel(printedPage(firsts[unit] as number, (anchors[unit] as Record<string, { page: number }>)[id]!.page), romanPages);
  }
  return pages;
}

/**
 * The counter changes that make a document's folios the book's. The document holds units laid out in a row
 * (each from its `pages[0]` to `pages[1]` in the document, a blank verso Paged.js added between them left
 * out) whose first folios are `firsts` (counter values; `roman[k]` when unit k is folioed in roman). Paged.js
 * counts the document's pages from 1, blanks included: a unit whose first folio is not the count it would
 * reach gets an increment (less than one where the main text starts again from 1), and a unit whose style
 * differs from the one before it (arabic before the first) says so.
 */
export function folioIncrements(parts: readonly { pages: readonly [number, number] }[], firsts: readonly number[], roman: readonly boolean[] = []): FolioIncrement[] {
  const increments: FolioIncrement[] = [];
  parts.forEach((part, k) => {
    const start = part.pages[0];
    const first = firsts[k] as number;
    // The counter the document would reach on this page: one past the page before it.
    const reached = k === 0 ? start : (firsts[k - 1] as number) + (start - 1 - (parts[k - 1] as { pages: readonly [number, number] }).pages[0]) + 1;
    const style = roman[k] ? 'roman' : 'arabic';
    const changed = style !== (k > 0 && roman[k - 1] ? 'roman' : 'arabic');
    if (first !== reached || changed) increments.push({ page: start, increment: first - reached + 1, ...(changed ? { style } : {}) });
  });
  return increments;
}
