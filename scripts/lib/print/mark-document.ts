import { PDFDocument, ParseSpeeds } from 'pdf-lib';
import { markStreams, markStreamsInTurn, putMarkedStream, streamMarker, type ContentMarks, type MarkedStream } from '../pdf/tag-pdf.ts';
import type { MarkedPart } from './kept-documents.ts';
import type { DocumentStructure } from './structure.ts';

/** A printed document to mark for the tagged PDF: its bytes, and each unit's pages in it with its structure. */
export interface MarkRequest {
  bytes: Uint8Array;
  parts: { pages: [number, number]; structure: DocumentStructure }[];
  /** The pages shared with other markers of the same document (`markClaimed`): each marker takes the next
   * page from this counter (an Int32Array's one element) until none is left. Without it, every page. */
  claims?: SharedArrayBuffer;
}

/** A printed document's content marked: each unit's marks, aligned with its structure's leaves, and the
 * pages' new streams. */
export interface MarkedDocument {
  marks: ContentMarks[];
  streams: MarkedStream[];
}

/** Reads a printed document as the build reads it to merge it. */
export function loadPrinted(bytes: Uint8Array): Promise<PDFDocument> {
  return PDFDocument.load(bytes, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
}

/** Marks every unit's pages of a printed document: on a marking thread (print/mark-worker.ts) at once, or
 * on this thread (`inTurn`) a page at a time, yielding between pages, each compressed on zlib's thread
 * while the next is marked. The same marks and streams. On this thread it may mark the document as the
 * merge reads it (`read`), not a second reading of it: marking only reads the document, and so does
 * copying its pages. */
export async function markPrinted({ bytes, parts, claims }: MarkRequest, { inTurn = false, read }: { inTurn?: boolean; read?: Promise<PDFDocument> } = {}): Promise<MarkedDocument> {
  const pdf = await (read ?? loadPrinted(bytes));
  if (claims) return markClaimed(pdf, parts, new Int32Array(claims));
  const marks: ContentMarks[] = [];
  const streams: MarkedStream[] = [];
  for (const part of parts) {
    const pages = Array.from({ length: part.pages[1] - part.pages[0] + 1 }, (_, i) => i + 1);
    const marked = inTurn ? await markStreamsInTurn(pdf, part.structure, pages, part.pages[0] - 1) : markStreams(pdf, part.structure, pages, part.pages[0] - 1);
    marks.push(marked.marks);
    streams.push(...marked.streams);
  }
  return { marks, streams };
}

/**
 * The pages of a document that this marker claims, one at a time, from a counter it shares with the other
 * markers of the document (a thread's and this thread's, accessible-pdf.ts `markShared`): every unit's pages
 * in order, numbered from 0 across the units; each marker takes the next number (`Atomics.add`) until none is
 * left. A page is marked by exactly one of them and marking reads only that page and its unit's structure,
 * so whichever marker a page falls to, the joined marks and streams are those of one marker marking all. The
 * markers that are ahead take more pages: none waits for another's share.
 */
export function markClaimed(pdf: PDFDocument, parts: MarkRequest['parts'], counter: Int32Array): MarkedDocument {
  const claimable: [part: number, page: number][] = [];
  const markers = parts.map((part, k) => {
    const pages = Array.from({ length: part.pages[1] - part.pages[0] + 1 }, (_, i) => i + 1);
    for (const page of pages) claimable.push([k, page]);
    return streamMarker(pdf, part.structure, pages, part.pages[0] - 1);
  });
  const streams: MarkedStream[] = [];
  for (let claimed = Atomics.add(counter, 0, 1); claimed < claimable.length; claimed = Atomics.add(counter, 0, 1)) {
    const [k, page] = claimable[claimed] as [number, number];
    const stream = (markers[k] as (typeof markers)[number]).mark(page);
    if (stream) streams.push(stream);
  }
  return { marks: markers.map((marker) => marker.marks), streams };
}

/** One unit's pages of a document read (`loadPrinted`) marked on this thread, a page at a time, as
 * `markPrinted` marks them: the document is only read. */
export function markPart(pdf: PDFDocument, part: MarkRequest['parts'][number]): Promise<MarkedPart> {
  const pages = Array.from({ length: part.pages[1] - part.pages[0] + 1 }, (_, i) => i + 1);
  return markStreamsInTurn(pdf, part.structure, pages, part.pages[0] - 1);
}

/** Puts the marked streams in place in the document as the build read it, in page order: the same objects
 * as marking it in place. */
export function putMarkedStreams(pdf: PDFDocument, streams: readonly MarkedStream[]): void {
  const pages = pdf.getPages();
  for (const { index, bytes } of streams) {
    const page = pages[index];
    if (!page) throw new Error(`a marked stream for page ${index + 1} of a document of ${pages.length} pages`);
    putMarkedStream(pdf, page, bytes);
  }
}
