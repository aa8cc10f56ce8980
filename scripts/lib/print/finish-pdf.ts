import path from 'node:path';
import type { PDFDocument } from 'pdf-lib';
import type { Book } from '../book.ts';
import { outputBaseName, writeFileAtomic } from '../output.ts';
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
  makeAccessible: typeof import('./accessible-pdf.ts').makeAccessible;
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
    ([{ postprocessDocument }, { padDocument }, { mergeUnits, copyEarlierDocuments }, { makeAccessible, markDocument }, { loadPrinted, markPart }, { sharePdfNumbers, writePdfsInBulk, writePdfsInOnePass }]) => {
      // One PDFNumber per value, streams and dictionaries written without copies, files in one pass from here
      // on: the same bytes, less made (pdf-lib-patches.ts).
      sharePdfNumbers();
      writePdfsInBulk();
      writePdfsInOnePass();
      return { postprocessDocument, padDocument, mergeUnits, copyEarlierDocuments, makeAccessible, markDocument, loadPrinted, markPart };
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
 * Every print path ends here: the content marked and the structure tree written (before the page boxes,
 * which move the content but not what is marked), metadata, XMP, outline and page boxes, blank pages to the
 * signature, one save (no object streams: a printer's RIP may be older than PDF 1.5), written atomically as
 * `<slug>.pdf`.
 */
export async function finishPdf(pdf: PDFDocument, options: FinishOptions): Promise<FinishedPdf> {
  const { book, layout } = options;
  const { postprocessDocument, padDocument, makeAccessible } = await pdfFinishing();
  const tagging = performance.now();
  const tagged = options.tag === false ? { sequences: 0, elements: 0, artifacts: 0, conforms: false } : await makeAccessible(pdf, options.structure, book.config, layout, options.marks);
  const taggedMs = performance.now() - tagging;
  let clock = performance.now();
  postprocessDocument(pdf, { config: book.config, layout, date: options.date, producer: options.producer, pdfUa: tagged.conforms });
  padDocument(pdf, book.config.print);
  clock = stageDone('post-processed', clock);
  const pages = pdf.getPageCount();
  const finished = await pdf.save({ useObjectStreams: false, objectsPerTick: Infinity });
  clock = stageDone('saved', clock);
  const file = path.join(options.writeDir, `${outputBaseName(book)}.pdf`);
  await writeFileAtomic(file, finished);
  stageDone('written', clock);
  return { result: { file, pages, bytes: finished.byteLength, layout }, tagged, taggedMs };
}
