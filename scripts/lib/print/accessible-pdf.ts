import type { PDFDocument } from 'pdf-lib';
import type { BookConfig } from '../config/schema.ts';
import { pdfUaFindings } from '../pdf/pdf-ua-conditions.ts';
import { tagPdf, type ContentMarks, type TagResult } from '../pdf/tag-pdf.ts';
import { readTaggedPdf } from '../pdf/tagged-pdf.ts';
import type { DocumentPart } from './document-layout.ts';
import { loadPrinted, type MarkedDocument } from './mark-document.ts';
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
 * are set (pdf-postprocess.ts), which move the content but not what is marked.
 */
export async function makeAccessible(pdf: PDFDocument, structure: DocumentStructure, config: BookConfig, layout: PageLayout, marked?: ContentMarks): Promise<AccessibleResult> {
  const titles: Record<string, string> = {};
  for (const heading of layout.headings) titles[heading.id] ??= heading.text;
  const language = config.language.toLowerCase().split('-')[0] ?? '';
  const tagging = performance.now();
  const result = await tagPdf(pdf, structure, { noteLabel: NOTE_LABELS[language] ?? 'Note', titles }, marked);
  const checking = stageDone('tagged', tagging);
  const findings = pdfUaFindings(readTaggedPdf(pdf, { content: false }));
  stageDone('structure checked', checking);
  // The catalog's metadata, title and language are written after this (pdf-postprocess.ts): they are the
  // postprocess's to get right, and the check reads them in the finished file.
  const structural = findings.filter((f) => !['pdfua/metadata', 'pdfua/display-doc-title', 'pdfua/lang'].includes(f.rule));
  return { ...result, conforms: structural.length === 0 };
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
  const marked = workers.mark({ bytes, parts: parts.map((part) => ({ pages: part.pages, structure: part.layout.structure })) }, document);
  // Each is awaited by the build; handled here too, should the other fail first.
  marked.catch(() => undefined);
  document.catch(() => undefined);
  return { document, marked };
}
