import path from 'node:path';
import type { Book } from '../book.ts';
import type { BrowserSession } from '../browser.ts';
import { writeFileAtomic } from '../output.ts';
import { packageVersion } from '../paths.ts';
import type { Progress } from '../progress.ts';
import type { Target } from '../targets/target.ts';
import { blockedError, openPaginated, type PageLayout } from './paginate.ts';
import { printHtml } from './print-html.ts';
import { buildPrintPdfInParallel } from './parallel-build.ts';
import { defaultJobs } from './print-options.ts';
import { cacheDir, PrintCache } from './cache.ts';
import type { LineBreakMemo } from './line-break-memo.ts';
import { bookFontPackages } from '../fonts/book-fonts.ts';
import type { DocumentStructure } from './structure.ts';

export interface PrintTargetOptions {
  book: Book;
  /** The output folder, for the cache. */
  outDir: string;
  /** Where the PDF is written (the build's staging folder); `outDir` when not given. */
  writeDir?: string;
  session?: BrowserSession;
  /** Starts (or returns) the build's Chromium when the target first needs it; used when `session` is not given. */
  openSession?: () => Promise<BrowserSession>;
  progress: Progress;
  version: string;
  date: Date;
  timeoutMs?: number;
  /** 1: the whole book as one document (the plain sequential build); more: chapters in parallel. */
  jobs?: number;
  /** Use and fill the cache in the output folder (the parallel build only); false clears it. */
  cache?: boolean;
  /** Line-breaking decisions kept between builds (a watching build; the parallel build only). */
  lineBreaks?: LineBreakMemo;
}

export interface PrintResult {
  file: string;
  pages: number;
  bytes: number;
  layout: PageLayout;
}

export function outputBaseName(book: Book): string {
  return book.config.slug ?? book.config.title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Book model -> HTML -> Paged.js in Chromium -> PDF -> metadata, outline and boxes -> the output folder. */
export async function buildPrintPdf(options: PrintTargetOptions): Promise<PrintResult> {
  if (options.cache === false) await PrintCache.clear(cacheDir(options.outDir));
  const jobs = options.jobs ?? defaultJobs();
  if (jobs > 1) return buildPrintPdfInParallel({ ...options, jobs, jobsChosen: options.jobs !== undefined });
  const { book, progress } = options;
  const session = await sessionOf(options);
  const html = printHtml(book, { version: options.version, buildDate: options.date });
  progress.step('print: paginating with Paged.js');
  pdfFinishing().catch(() => undefined);
  const paginated = await openPaginated({
    browser: session.browser,
    html,
    manuscriptDir: book.manuscriptDir,
    fontPackages: bookFontPackages(book),
    timeoutMs: options.timeoutMs ?? 120_000,
  });
  let pdf: Uint8Array;
  let structure: DocumentStructure;
  try {
    throwIfBlocked(paginated.blocked);
    // The contents page's numbers: where each chapter starts (filled in after pagination, as in parallel).
    const { starts } = await paginated.evaluate<{ starts: Record<string, number> }>('window.parallelRuntime.describe()');
    structure = await paginated.evaluate<DocumentStructure>('window.structureRuntime.describe()');
    const contents = Object.fromEntries(Object.entries(starts).filter(([id]) => id !== 'front'));
    await paginated.evaluate(`window.parallelRuntime.fillContents(${JSON.stringify(contents)})`);
    // Printed untagged: the build tags the PDF itself from the structure the page measured (accessible-pdf.ts).
    pdf = await paginated.print({ tagged: false });
  } finally {
    await paginated.close();
  }
  const { layout } = paginated;
  const { paginateMs, settleMs, collectMs } = layout.timings;
  progress.step(
    `print: ${layout.pageCount} pages laid out (in the page ${(paginateMs / 1000).toFixed(1)} s, of which line breaking ${((layout.probes?.lineBreaks?.ms ?? 0) / 1000).toFixed(1)} s; hyphens ${(settleMs / 1000).toFixed(1)} s, ` +
      `layout ${(collectMs / 1000).toFixed(1)} s), ${layout.hyphens} hyphenated line ends; writing PDF`,
  );
  const producer = await producerOf(session);
  // One load and one save for metadata, boxes, outline and signature padding, as the parallel path does.
  const { PDFDocument, ParseSpeeds, postprocessDocument, padDocument, makeAccessible } = await pdfFinishing();
  const document = await PDFDocument.load(pdf, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  const accessible = await makeAccessible(document, structure, book.config, layout);
  postprocessDocument(document, { config: book.config, layout, date: options.date, producer, pdfUa: accessible.conforms });
  padDocument(document, book.config.print);
  const pages = document.getPageCount();
  const finished = await document.save({ useObjectStreams: false, objectsPerTick: Infinity });
  const file = path.join(options.writeDir ?? options.outDir, `${outputBaseName(book)}.pdf`);
  await writeFileAtomic(file, finished);
  return { file, pages, bytes: finished.byteLength, layout };
}

export async function sessionOf(options: Pick<PrintTargetOptions, 'session' | 'openSession'>): Promise<BrowserSession> {
  if (options.session) return options.session;
  if (options.openSession) return options.openSession();
  throw new Error('buildPrintPdf needs a browser session');
}

async function producerOf(session: BrowserSession): Promise<string> {
  return `Paged.js ${packageVersion('pagedjs')}, Chromium ${await session.browser.version()}, pdf-lib`;
}

function throwIfBlocked(blocked: string[]): void {
  if (blocked.length > 0) throw blockedError(blocked);
}

/** What finishes the printed PDF: pdf-lib's loader and the post-processing passes run with it. */
interface PdfFinishing {
  PDFDocument: typeof import('pdf-lib').PDFDocument;
  ParseSpeeds: typeof import('pdf-lib').ParseSpeeds;
  postprocessDocument: typeof import('./pdf-postprocess.ts').postprocessDocument;
  padDocument: typeof import('../layout/pad-pages.ts').padDocument;
  makeAccessible: typeof import('./accessible-pdf.ts').makeAccessible;
}

let finishing: Promise<PdfFinishing> | undefined;

/**
 * Loads what finishes the printed PDF when first asked for rather than at start-up: the build asks as it
 * begins to lay out, while Node waits on Chromium, not while it reads the manuscript.
 */
export function pdfFinishing(): Promise<PdfFinishing> {
  finishing ??= Promise.all([import('pdf-lib'), import('./pdf-postprocess.ts'), import('../layout/pad-pages.ts'), import('./accessible-pdf.ts')]).then(
    ([{ PDFDocument, ParseSpeeds }, { postprocessDocument }, { padDocument }, { makeAccessible }]) => ({ PDFDocument, ParseSpeeds, postprocessDocument, padDocument, makeAccessible }),
  );
  return finishing;
}

export const printTarget: Target = {
  format: 'pdf',
  async build(context) {
    // The press stage (Ghostscript, pdf-lib) is loaded only for a build that makes the press PDF.
    const pressStage = context.press ? await import('../press/press-pdf.ts') : undefined;
    if (pressStage) pressStage.resolveProfile(context.book);
    const result = await buildPrintPdf({
      book: context.book,
      outDir: context.outDir,
      writeDir: context.writeDir,
      openSession: () => context.browser(),
      progress: context.progress,
      version: context.version,
      date: context.date,
      jobs: context.print?.jobs,
      cache: context.print?.cache,
      lineBreaks: context.lineBreaks,
    });
    context.outputs.pdf = result;
    const summary = { file: result.file, detail: `${result.pages} pages`, bytes: result.bytes };
    if (!pressStage) return summary;
    const press = await pressStage.buildPressPdf({ book: context.book, screenPdf: result.file, outDir: context.writeDir, date: context.date, progress: context.progress });
    context.outputs.press = press;
    const { PDFX_VERSION } = await import('../press/ghostscript.ts');
    return [summary, { file: press.file, detail: `${press.pages} pages, ${PDFX_VERSION}`, bytes: press.bytes }];
  },
};
