import type { PDFDocument } from 'pdf-lib';
import type { ContentMarks, MarkedStream } from '../pdf/tag-pdf.ts';
import type { CacheEntry, KeptEntries } from './cache.ts';

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
 * What a watching build keeps of the printed documents its units are in, from one build to the next: each
 * document as read, and each unit's pages as marked. A save lays out only the edited chapter; the other units
 * come from the print cache, and their documents were read and marked before. A printed document in the cache
 * is never rewritten (a new print gets a new id), the merge only reads a document (pages copied, not changed;
 * marked streams put in place of the copies'), and the marking reads only its pages and the unit's structure,
 * which the cache keeps with the id: the document's id, and the unit's pages in it, name what is kept.
 */
export class KeptDocuments implements KeptEntries {
  private readonly parts = new Map<string, MarkedPart>();
  private readonly documents = new Map<string, Promise<PDFDocument>>();
  /** The print cache's entries as parsed, by file (PrintCache.get): the units' layouts and structures, which a
   * save would otherwise read again for every unit it takes from the cache (the 20× book's 22: 1.6 MB of JSON). */
  private readonly entries = new Map<string, { identity: string; entry: CacheEntry }>();

  /** The document as read before, or read now with `read` and kept. */
  read(document: string, read: () => Promise<PDFDocument>): Promise<PDFDocument> {
    let kept = this.documents.get(document);
    if (!kept) {
      kept = read();
      this.documents.set(document, kept);
      // A document that could not be read is read again next time.
      kept.catch(() => this.documents.get(document) === kept && this.documents.delete(document));
    }
    return kept;
  }

  marked(document: string, pages: readonly [number, number]): MarkedPart | undefined {
    return this.parts.get(keyOf(document, pages));
  }

  keepMarked(document: string, pages: readonly [number, number], part: MarkedPart): void {
    this.parts.set(keyOf(document, pages), part);
  }

  entry(file: string, identity: string): CacheEntry | undefined {
    const kept = this.entries.get(file);
    return kept?.identity === identity ? kept.entry : undefined;
  }

  keepEntry(file: string, identity: string, entry: CacheEntry): void {
    this.entries.set(file, { identity, entry });
  }

  /** Forgets every document, part and entry but those given (the book just built), as the print cache prunes itself. */
  keepOnly(used: readonly { document: string; pages: readonly [number, number] }[]): void {
    const parts = new Set(used.map(({ document, pages }) => keyOf(document, pages)));
    const documents = new Set(used.map(({ document }) => document));
    for (const key of this.parts.keys()) if (!parts.has(key)) this.parts.delete(key);
    for (const key of this.documents.keys()) if (!documents.has(key)) this.documents.delete(key);
    for (const [file, { entry }] of this.entries) if (!parts.has(keyOf(entry.document, entry.pages))) this.entries.delete(file);
  }
}
