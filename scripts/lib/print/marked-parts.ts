import type { ContentMarks, MarkedStream } from '../pdf/tag-pdf.ts';

/** One unit's pages of a printed document marked for the tagged PDF: its marks (pages counted from the
 * unit's first) and its pages' new streams (indexed by page in the document). */
export interface MarkedPart {
  marks: ContentMarks;
  streams: MarkedStream[];
}

/** Each unit's share of a marked document (parts in the order they were marked): its marks, and the streams
 * of its pages. */
export function markedParts(document: { marks: readonly ContentMarks[]; streams: readonly MarkedStream[] }, parts: readonly { pages: readonly [number, number] }[]): MarkedPart[] {
  return parts.map((part, k) => ({
    marks: document.marks[k] as ContentMarks,
    streams: document.streams.filter(({ index }) => index >= part.pages[0] - 1 && index < part.pages[1]),
  }));
}

const keyOf = (document: string, pages: readonly [number, number]): string => `${document} ${pages[0]}-${pages[1]}`;

/**
 * The marked content of the units a watching build used, kept from one build to the next: a save lays out
 * only the edited chapter, and the other units' pages, served by the print cache, were marked before. A
 * printed document in the cache is never rewritten (a new print gets a new id), and the marking reads only
 * its pages and the unit's structure, which the cache keeps with the id: the document's id and the unit's
 * pages in it name the marking.
 */
export class MarkedPartMemo {
  private readonly parts = new Map<string, MarkedPart>();

  get(document: string, pages: readonly [number, number]): MarkedPart | undefined {
    return this.parts.get(keyOf(document, pages));
  }

  set(document: string, pages: readonly [number, number], part: MarkedPart): void {
    this.parts.set(keyOf(document, pages), part);
  }

  /** Forgets every part but those given (the book just built), as the print cache prunes itself. */
  keepOnly(used: readonly { document: string; pages: readonly [number, number] }[]): void {
    const kept = new Set(used.map(({ document, pages }) => keyOf(document, pages)));
    for (const key of this.parts.keys()) if (!kept.has(key)) this.parts.delete(key);
  }

  get size(): number {
    return this.parts.size;
  }
}
