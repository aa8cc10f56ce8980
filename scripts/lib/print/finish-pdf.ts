import path from 'node:path';
import type { PDFDocument } from 'pdf-lib';
import type { Book } from '../book.ts';
import { outputBaseName, writeFileAtomic, writeFileAtomicBeside } from '../output.ts';
import type { PrintResult } from '../targets/outputs.ts';
import type { ContentMarks } from '../pdf/tag-pdf.ts';
import type { AccessibleResult } from './accessible-pdf.ts';
import type { PageLayout } from './runtime/contract.ts';
import type { DocumentStructure } from './structure.ts';
import { stageDone } from '../stage-times.ts';

/** What finishes the printed PDF: pdf-lib and the post-processing passes run with it. */
interface PdfFinishing {
  postprocessDocument: typeof import('./pdf-postprocess.ts').postprocessDocument;
  padDocument: typeof import('./pad-pages.ts').padDocument;
  mergeUnits: typeof import('./merge-pdf.ts').mergeUnits;
  copyEarlierDocuments: typeof import('./merge-pdf.ts').copyEarlierDocuments;
  tagAccessible: typeof import('./accessible-pdf.ts').tagAccessible;
  structureConforms: typeof import('./accessible-pdf.ts').structureConforms;
  claimPdfUa: typeof import('./pdf-postprocess.ts').claimPdfUa;
  markDocument: typeof import('./accessible-pdf.ts').markDocument;
  loadPrinted: typeof import('./mark-document.ts').loadPrinted;
  markPart: typeof import('./mark-document.ts').markPart;
}

let finishing: Promise<PdfFinishing> | undefined;

/**
 * Loads what finishes the printed PDF when first asked for rather than at start-up: the build asks as it
 * begins to lay out, while Node waits on Chromium, not while it reads the manuscript.
 */
export function pdfFinishing(): Promise<PdfFinishing> {
  // pdf-lib comes with these modules, which import it by name: bundled into the commands (scripts/run.mjs), a
  // CommonJS package imported as a whole module here would not give its names.
  finishing ??= Promise.all([import('./pdf-postprocess.ts'), import('./pad-pages.ts'), import('./merge-pdf.ts'), import('./accessible-pdf.ts'), import('./mark-document.ts'), import('../pdf/pdf-lib-patches.ts')]).then(
    ([{ postprocessDocument, claimPdfUa }, { padDocument }, { mergeUnits, copyEarlierDocuments }, { tagAccessible, structureConforms, markDocument }, { loadPrinted, markPart }, { sharePdfNumbers, writePdfsInBulk, writePdfsInOnePass }]) => {
      // One PDFNumber per value, streams and dictionaries written without copies, files in one pass from here
      // on: the same bytes, less made (pdf-lib-patches.ts).
      sharePdfNumbers();
      writePdfsInBulk();
      writePdfsInOnePass();
      return { postprocessDocument, claimPdfUa, padDocument, mergeUnits, copyEarlierDocuments, tagAccessible, structureConforms, markDocument, loadPrinted, markPart };
    },
  );
  return finishing;
}

export interface FinishOptions {
  book: Book;
  /** Where the PDF is written (the build's staging folder). */
  writeDir: string;
  /** The whole book's layout, pages numbered as printed. */
  layout: PageLayout;
  /** The book's logical structure, pages numbered as printed: the PDF is tagged from it. */
  structure: DocumentStructure;
  /** Pages whose content is marked already (each document of the parallel build as it was printed). */
  marks?: ContentMarks;
  /** False: the PDF is left untagged (BOOK_UNTAGGED=1, to measure what tagging costs). */
  tag?: boolean;
  date: Date;
  /** The PDF's Producer: Paged.js's, Chromium's and pdf-lib's versions. */
  producer: string;
}

export interface FinishedPdf {
  result: PrintResult;
  /** What tagging made of the structure, and whether the file claims PDF/UA-1. */
  tagged: AccessibleResult;
  taggedMs: number;
}

/**
 * Whether each book's last PDF finished in this process passed the structure's check, by the file it was written
 * as: a watching build's next save writes its file with that answer while it checks, and writes it again in the
 * rare save whose answer differs (`finishPdf`). A one-off build finishes one PDF and checks before it writes.
 */
const lastConformance = new Map<string, boolean>();

/**
 * Every print path ends here: the content marked and the structure tree written (before the page boxes,
 * which move the content but not what is marked), metadata, XMP, outline and page boxes, blank pages to the
 * signature, one save (no object streams: a printer's RIP may be older than PDF 1.5), written atomically as
 * `<slug>.pdf`. Once this process has finished the same book's PDF before (a watching build's saves), the
 * structure is checked while the file is written (the check is ~20-30 ms of this thread, the write as long on
 * libuv's), the XMP claiming PDF/UA-1 as the last check found; should this check find otherwise, the XMP is made
 * again in its object and the file saved and written again: the same file as checking first.
 */
export async function finishPdf(pdf: PDFDocument, options: FinishOptions): Promise<FinishedPdf> {
  const { book, layout } = options;
  const { postprocessDocument, claimPdfUa, padDocument, tagAccessible, structureConforms } = await pdfFinishing();
  const file = path.join(options.writeDir, `${outputBaseName(book)}.pdf`);
  const bookKey = path.join(book.manuscriptDir, outputBaseName(book));
  const tag = options.tag !== false;
  const expected = tag ? lastConformance.get(bookKey) : undefined;
  const tagging = performance.now();
  const tagResult = tag ? await tagAccessible(pdf, options.structure, book.config, layout, options.marks) : { sequences: 0, elements: 0, artifacts: 0 };
  let conforms = tag && expected === undefined ? structureConforms(pdf) : false;
  const taggedMs = performance.now() - tagging;
  let clock = performance.now();
  const post = { config: book.config, layout, date: options.date, producer: options.producer };
  postprocessDocument(pdf, { ...post, pdfUa: expected ?? conforms });
  padDocument(pdf, book.config.print);
  clock = stageDone('post-processed', clock);
  const pages = pdf.getPageCount();
  let finished = await pdf.save({ useObjectStreams: false, objectsPerTick: Infinity });
  clock = stageDone('saved', clock);
  if (expected === undefined) await writeFileAtomic(file, finished);
  else conforms = await writeFileAtomicBeside(file, finished, () => structureConforms(pdf));
  if (expected !== undefined && conforms !== expected) {
    claimPdfUa(pdf, post, conforms);
    finished = await pdf.save({ useObjectStreams: false, objectsPerTick: Infinity });
    await writeFileAtomic(file, finished);
  }
  stageDone('written', clock);
  if (tag) lastConformance.set(bookKey, conforms);
  return { result: { file, pages, bytes: finished.byteLength, layout }, tagged: { ...tagResult, conforms }, taggedMs };
}
