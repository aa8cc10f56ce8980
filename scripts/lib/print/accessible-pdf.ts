import type { PDFDocument } from 'pdf-lib';
import type { BookConfig } from '../config/schema.ts';
import { pdfUaFindings } from '../pdf/pdf-ua-conditions.ts';
import { tagPdf, type ContentMarks, type TagResult } from '../pdf/tag-pdf.ts';
import { readTaggedPdf } from '../pdf/tagged-pdf.ts';
import type { DocumentPart } from './document-layout.ts';
import { loadPrinted, markClaimed, type MarkedDocument } from './mark-document.ts';
import type { MarkingWorkers } from './marking-workers.ts';
import type { PageLayout } from './runtime/contract.ts';
import type { DocumentStructure } from './structure.ts';
import { stageDone } from '../stage-times.ts';

/** What a note's call is announced as, by the book's language (the link's Contents: “Noot 3”). */
const NOTE_LABELS: Record<string, string> = { nl: 'Noot', en: 'Note', de: 'Anmerkung', fr: 'Note', es: 'Nota', it: 'Nota', pt: 'Nota', sv: 'Not', da: 'Note', no: 'Note', nb: 'Note', pl: 'Przypis' };

export interface AccessibleResult extends TagResult {
  /** The structure passes every PDF/UA condition the build can decide on the file it is writing: the file
   * may claim PDF/UA-1 in its XMP (the content is marked whole by construction; `npm run check` reads it all). */
  conforms: boolean;
}

/**
 * The screen PDF as a tagged PDF for PDF/UA-1: its content marked and its structure tree written from the
 * structure the page measured (pdf/tag-pdf.ts). Runs on the printed or merged PDF before its page boxes
 * are set (pdf-postprocess.ts), which move the content but not what is marked; `structureConforms` checks it.
 */
export async function tagAccessible(pdf: PDFDocument, structure: DocumentStructure, config: BookConfig, layout: PageLayout, marked?: ContentMarks): Promise<TagResult> {
  const titles: Record<string, string> = {};
  for (const heading of layout.headings) titles[heading.id] ??= heading.text;
  const language = config.language.toLowerCase().split('-')[0] ?? '';
  const tagging = performance.now();
  const result = await tagPdf(pdf, structure, { noteLabel: NOTE_LABELS[language] ?? 'Note', titles }, marked);
  stageDone('tagged', tagging);
  return result;
}

/**
 * Whether the tagged PDF's structure passes every PDF/UA condition the build can decide on the file it is
 * writing. The catalog's metadata, title and language are post-processing's to get right (pdf-postprocess.ts),
 * and `npm run check` reads them in the finished file; nothing else post-processing adds (page boxes, the outline,
 * page labels, blank pages to the signature) changes what this reads: the answer is the same before and after.
 */
export function structureConforms(pdf: PDFDocument): boolean {
  const checking = performance.now();
  const findings = pdfUaFindings(readTaggedPdf(pdf, { content: false }));
  stageDone('structure checked', checking);
  return findings.every((f) => ['pdfua/metadata', 'pdfua/display-doc-title', 'pdfua/lang'].includes(f.rule));
}

/**
 * A printed document of the parallel build read, and its units' pages marked for the tagged PDF, as soon as
 * it is printed: by a marking thread, while this thread reads the document for the merge (and copies its
 * pages, mergeUnits) and Chromium prints or lays out the other documents, so after the merge only the
 * structure tree is left to write. The marked streams are put in place of the printed ones in the merged
 * PDF (the same objects as marking the document in place). Each unit's marks are aligned with its
 * structure's leaves.
 */
export function markDocument(workers: MarkingWorkers, bytes: Uint8Array, parts: readonly DocumentPart[]): { document: Promise<PDFDocument>; marked: Promise<MarkedDocument> } {
  const document = loadPrinted(bytes);
  const marked =
    workers.shareWithThisThread && workers.threaded
      ? markShared(workers, bytes, parts, document)
      : workers.mark({ bytes, parts: parts.map((part) => ({ pages: part.pages, structure: part.layout.structure })) }, document);
  // Each is awaited by the build; handled here too, should the other fail first.
  marked.catch(() => undefined);
  document.catch(() => undefined);
  return { document, marked };
}

/**
 * A printed document marked by a thread and this thread together: its pages taken one at a time by whichever
 * of the two is free (`markClaimed`), the thread as soon as it has read the document, this thread once it has
 * read it for the merge. A page's marking reads only that page and its unit's structure, and each leaf is on
 * one page: the two markings' marks joined and their streams in page order are what marking the whole on one
 * thread makes. Neither waits for a share of the other's: a thread slow to read the document (its code
 * compiled again after a collection) leaves its pages to this one.
 */
async function markShared(workers: MarkingWorkers, bytes: Uint8Array, parts: readonly DocumentPart[], document: Promise<PDFDocument>): Promise<MarkedDocument> {
  const request = parts.map((part) => ({ pages: part.pages, structure: part.layout.structure }));
  const claims = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const theirs = workers.mark({ bytes, parts: request, claims });
  // Handled here too, should this thread's marking fail first.
  theirs.catch(() => undefined);
  const mine = markClaimed(await document, request, new Int32Array(claims));
  const thread = await theirs;
  return {
    marks: thread.marks.map((marks, k) => joinMarks(marks, mine.marks[k] as ContentMarks)),
    streams: [...thread.streams, ...mine.streams].sort((a, b) => a.index - b.index),
  };
}

/** Two markings of one unit's structure, of different pages, as one (its pages in order). */
function joinMarks(a: ContentMarks, b: ContentMarks): ContentMarks {
  return {
    leaves: a.leaves.map((marks, i) => [...marks, ...(b.leaves[i] ?? [])]),
    pages: [...a.pages, ...b.pages].sort((x, y) => x - y),
    sequences: a.sequences + b.sequences,
    artifacts: a.artifacts + b.artifacts,
  };
}
