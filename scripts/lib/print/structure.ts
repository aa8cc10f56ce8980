import type { PageRect } from '../pdf/mark-content.ts';

/**
 * The logical structure of a laid-out book, as runtime/measure-structure.ts measures it in the page: the tagged
 * PDF's structure elements in reading order, and the leaves they hold (text, generated numbers, images),
 * each with where on its page it was drawn. Pages are numbered from the described document's first page.
 */
export interface DocumentStructure {
  elements: StructureElement[];
  leaves: StructureLeaf[];
  /** Keys of the elements at the top (the front matter's sections, the chapters). */
  roots: string[];
}

export interface StructureElement {
  /** Unique in the structure (the element's data-ref, `call:` for a note's call). */
  key: string;
  /** PDF structure type (ISO 32000-1, 14.8.4): P, H1, L, LI, Table, Note, Link, Figure, … */
  role: string;
  /** The element it is in; null for a root and for a note (placed after the block that calls it). */
  parent: string | null;
  /** Element keys and leaf indices, in reading order. */
  kids: (string | number)[];
  /** The page it starts on. */
  page: number;
  alt?: string;
  lang?: string;
  /** A table header cell's Scope. */
  scope?: 'Row' | 'Column';
  /** A list's ListNumbering. */
  numbering?: string;
  /** A note's ID, and the key of its call. */
  id?: string;
  call?: string;
  /** The number a note or a note's call prints (a Link with a number is a call). */
  number?: string;
  /** A link's target, and where it was drawn: [page, left, top, right, bottom] in CSS px. */
  href?: string;
  rects?: [number, ...PageRect][];
}

export interface StructureLeaf {
  owner: string;
  kind: 'text' | 'generated' | 'image';
  page: number;
  rects: PageRect[];
  /** Indices of `rects` whose line ends in a hyphen the line break put there. */
  hyphenated?: number[];
}

/** The part of a document's structure on pages `from`–`to`, its pages counted from `from` and its keys
 * made unique in the book by `prefix` (documents laid out apart count their refs alike). */
export function sliceStructure(structure: DocumentStructure, from: number, to: number, prefix: string): DocumentStructure {
  const inside = (page: number): boolean => page >= from && page <= to;
  const keep = new Set(structure.elements.filter((e) => inside(e.page)).map((e) => e.key));
  const leafIndex = new Map<number, number>();
  const leaves: StructureLeaf[] = [];
  structure.leaves.forEach((leaf, i) => {
    if (!inside(leaf.page) || !keep.has(leaf.owner)) return;
    leafIndex.set(i, leaves.length);
    leaves.push({ ...leaf, owner: `${prefix}${leaf.owner}`, page: leaf.page - from + 1 });
  });
  const key = (k: string): string => `${prefix}${k}`;
  const elements = structure.elements
    .filter((e) => keep.has(e.key))
    .map((e) => ({
      ...e,
      key: key(e.key),
      parent: e.parent !== null && keep.has(e.parent) ? key(e.parent) : null,
      page: e.page - from + 1,
      ...(e.call ? { call: key(e.call) } : {}),
      kids: e.kids.flatMap((kid): (string | number)[] => (typeof kid === 'number' ? (leafIndex.has(kid) ? [leafIndex.get(kid) as number] : []) : keep.has(kid) ? [key(kid)] : [])),
      ...(e.rects ? { rects: e.rects.filter((r) => inside(r[0])).map(([page, ...rect]) => [page - from + 1, ...rect] as [number, ...PageRect]) } : {}),
    }));
  return { elements, leaves, roots: structure.roots.filter((r) => keep.has(r)).map(key) };
}

/** Appends a part's structure to the book's, its pages moved on by `offset`. */
export function appendStructure(book: DocumentStructure, part: DocumentStructure, offset: number): void {
  const base = book.leaves.length;
  for (const leaf of part.leaves) book.leaves.push({ ...leaf, page: leaf.page + offset });
  for (const e of part.elements) {
    book.elements.push({
      ...e,
      page: e.page + offset,
      kids: e.kids.map((kid) => (typeof kid === 'number' ? kid + base : kid)),
      ...(e.rects ? { rects: e.rects.map(([page, ...rect]) => [page + offset, ...rect] as [number, ...PageRect]) } : {}),
    });
  }
  book.roots.push(...part.roots);
}

export function emptyStructure(): DocumentStructure {
  return { elements: [], leaves: [], roots: [] };
}
