import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'puppeteer';
import { findChromium } from '../browser.ts';
import type { Book } from '../book.ts';
import { writeFileAtomic } from '../output.ts';
import { packageVersion } from '../paths.ts';
import { cacheDir, environmentKey, partKey, PrintCache } from './cache.ts';
import { paginateChapters, type BookUnit } from './parallel.ts';
import { bookParts, printDocument, type PrintHtmlOptions } from './print-html.ts';
import { outputBaseName, pdfFinishing, sessionOf, type PrintResult, type PrintTargetOptions } from './print-target.ts';
import { toPoints } from './units.ts';
import { bookFontPackages } from '../fonts/book-fonts.ts';

/**
 * The book as units laid out on their own: the front matter (with the contents page when there is more
 * than one chapter), then each chapter. A chapter's notes follow the notes before it when they run on
 * through the book; their numbers are known from the manuscript and printed in the chapter's HTML (a
 * number's width can move a line), so they are part of its cache key.
 */
export function bookUnits(book: Book, options: PrintHtmlOptions): Omit<BookUnit, 'key'>[] {
  return bookParts(book, options).map((part) => ({ ...part, hasContents: part.id === 'front' && book.chapters.length > 1 }));
}

/** One Paged.js document for a run of units. */
export function unitsDocument(book: Book, units: Pick<BookUnit, 'body'>[]): string {
  return printDocument(book, units.map((u) => u.body).join('\n'));
}

/** The units with their cache keys: each keyed by the document it would be alone (and the environment). */
export async function keyedUnits(book: Book, options: PrintHtmlOptions, browserIdentity: string): Promise<{ units: BookUnit[]; environment: string }> {
  const fontPackages = bookFontPackages(book);
  const environment = await environmentKey({ fontPackages, browserIdentity });
  const units = await Promise.all(
    bookUnits(book, options).map(async (unit) => ({ ...unit, key: await partKey(environment, unitsDocument(book, [unit]), book.manuscriptDir) })),
  );
  return { units, environment };
}

/**
 * The print PDF from chapters paginated in parallel (and the cache), merged and finished into one book.
 * `jobsChosen`: --jobs was given, so even a small book is laid out as that many documents (the tests of
 * parallel equivalence use small books); otherwise a small book stays one document.
 */
export async function buildPrintPdfInParallel(options: PrintTargetOptions & { jobs: number; jobsChosen: boolean }): Promise<PrintResult> {
  const { book, progress } = options;
  const chromium = findChromium();
  const binary = await stat(chromium);
  // The browser's identity without starting it: a build served wholly from the cache needs no Chromium.
  const browserIdentity = `${chromium} ${binary.size} ${binary.mtimeMs}`;
  // One start for all workers: the build's browser() is not safe to call twice at once.
  let started: Promise<Browser> | undefined;
  const browser = (): Promise<Browser> => (started ??= sessionOf(options).then(({ browser: b }) => b));
  const cache = options.cache === false ? undefined : new PrintCache(cacheDir(options.outDir));
  const { units, environment } = await keyedUnits(book, { version: options.version, buildDate: options.date }, browserIdentity);
  options.lineBreaks?.useEnvironment(environment);
  progress.step(`print: paginating with Paged.js: ${units.length} units, ${options.jobs} documents at a time`);
  // The merge's modules load while Node waits on Chromium.
  const finishing = Promise.all([import('./merge-pdf.ts'), pdfFinishing()]);
  finishing.catch(() => undefined);
  const result = await paginateChapters({
    browser,
    units,
    documentFor: (run) => unitsDocument(book, run),
    jobs: options.jobs,
    leastDocumentChars: options.jobsChosen ? 0 : 75_000,
    cache,
    manuscriptDir: book.manuscriptDir,
    fontPackages: bookFontPackages(book),
    timeoutMs: options.timeoutMs ?? 120_000,
    lineBreaks: options.lineBreaks,
  });
  const reused = units.length - result.paginated.length;
  progress.step(`print: ${result.paginated.length} unit(s) paginated in ${result.documents} document(s), ${reused} from the cache; merging`);
  const { print } = book.config;
  const sheetHeight = toPoints(print.trim.height) + 2 * toPoints(print.bleed);
  const [{ mergeUnits }, { postprocessDocument, padDocument, makeAccessible }] = await finishing;
  const merged = await mergeUnits(result.units, { sheetHeight });
  const tagging = performance.now();
  const accessible = await makeAccessible(merged.pdf, merged.structure, book.config, merged.layout);
  const taggedIn = (performance.now() - tagging) / 1000;
  const producer = `Paged.js ${packageVersion('pagedjs')}, Chromium ${result.browserVersion ?? 'unknown'}, pdf-lib`;
  postprocessDocument(merged.pdf, { config: book.config, layout: merged.layout, date: options.date, producer, pdfUa: accessible.conforms });
  padDocument(merged.pdf, book.config.print);
  const pages = merged.pdf.getPageCount();
  const finished = await merged.pdf.save({ useObjectStreams: false, objectsPerTick: Infinity });
  const file = path.join(options.writeDir ?? options.outDir, `${outputBaseName(book)}.pdf`);
  await writeFileAtomic(file, finished);
  await result.commit();
  await cache?.prune(result.units.map((u, i) => ({ key: (units[i] as BookUnit).key, document: u.source.id })));
  progress.step(
    `print: ${pages} pages, ${merged.layout.hyphens} hyphenated line ends; tagged in ${taggedIn.toFixed(2)} s (${accessible.elements} structure elements, ${accessible.sequences} marked sequences, ${accessible.artifacts} artifacts)${accessible.conforms ? ', PDF/UA-1' : ''}`,
  );
  return { file, pages, bytes: finished.byteLength, layout: merged.layout };
}
