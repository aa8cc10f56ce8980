import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { PDFDocument } from 'pdf-lib';
import type { Browser } from 'puppeteer';
import { findChromium } from '../browser.ts';
import type { Book } from '../book.ts';
import { packageVersion } from '../paths.ts';
import type { Progress } from '../progress.ts';
import { batchUnits } from './batches.ts';
import { cacheDir, PrintCache, type CacheEntry } from './cache.ts';
import { combineLayouts, combineMarks, combineStructures, splitDocument, type DocumentPart, type LaidOutUnit, type PrintedUnit, type UnitLayout, type UnitSource } from './document-layout.ts';
import type { PrintResult } from '../targets/outputs.ts';
import { finishPdf, pdfFinishing } from './finish-pdf.ts';
import type { MergeCopies } from './merge-pdf.ts';
import { toPoints } from './lengths.ts';
import { LineBreakMemo } from './line-break-memo.ts';
import { bookPageCount, firstPages, folioIncrements, printedAnchors, printedNumbers, referencePages, romanPageCount } from './numbering.ts';
import { blockedError, paginate, type HeldTabs, type LaidOutDocument } from './paginate.ts';
import { prepareSpareTabs } from './tabs.ts';
import { MarkingWorkers } from './marking-workers.ts';
import { markedParts, KeptDocuments, type MarkedPart } from './kept-documents.ts';
import { defaultJobs } from './print-options.ts';
import type { PageLayout } from './runtime/contract.ts';
import type { DocumentStructure } from './structure.ts';
import type { ContentMarks } from '../pdf/tag-pdf.ts';
import { bookFontPackages } from '../fonts/book-fonts.ts';
import { deferred, Semaphore, WorkerPool, type Deferred } from './scheduler.ts';
import { stageDone } from '../stage-times.ts';
import { bookUnits, keyedUnits, romanUnitCount, unitsDocument, type KeyedUnit, type PrintUnit } from './units.ts';

export interface LayOutOptions {
  book: Book;
  units: readonly (PrintUnit | KeyedUnit)[];
  /** Chromium, started on first need: a build whose units all come from the cache never starts it. */
  browser(): Promise<Browser>;
  /** Documents laid out at once. 1: the whole book as one document, printed as it is. */
  jobs: number;
  /** Print each document with its final folios (the PDF), or only lay it out (the EPUB's page list). */
  print: boolean;
  /** Units laid out before (keyed units only). */
  cache?: PrintCache;
  timeoutMs?: number;
  /** The size documents aim at, in characters of HTML (a document may come out up to half again as large):
   * bounds the browser's memory on a long book. */
  documentChars?: number;
  /** Smallest document worth its set-up (tab, page load, fonts, Paged.js reading the styles: most of a
   * second): a smaller book is laid out as fewer documents than jobs. 0 keeps at least `jobs` documents. */
  leastDocumentChars?: number;
  /** Line-breaking decisions kept between builds by a watching build. */
  lineBreaks?: LineBreakMemo;
  /** The threads that mark each printed document's content for the tagged PDF as soon as it is printed
   * (more than one job); none: the PDF is not tagged, or tagged whole after the merge. */
  marking?: MarkingWorkers;
  /** The printed documents as read and their units' pages as marked in earlier builds (a watching build
   * keeps them; with `marking` only): a cached unit is marked only if it is not in here, and a document is
   * read once; what is read and marked goes in. */
  keptDocuments?: KeptDocuments;
  /** Called once, when the documents opened first are loaded in their tabs: Node then only waits on
   * Chromium's layout. */
  loaded?: () => void;
  /** The next document, loaded while a watching build waits for a save (print/document-tabs.ts). */
  heldTabs?: HeldTabs;
  /** Called once with the book's layout as soon as every unit is laid out (or taken from the cache) and its
   * pages counted, before the last documents are printed: the layout LaidOutBook then has, the same object. */
  layoutKnown?: (layout: PageLayout) => void;
  /** Called with the units the build takes from the cache (in book order; not called when it takes none, or
   * lays the book out as one document), while the others may still lay out or print: the merge copies their
   * documents meanwhile (merge-pdf.ts `copyEarlierDocuments`). Called first, once the first document is
   * loaded, with every unit the cache holds, and again only if the build's decisions differ from that (a
   * unit's numbers moved), the last call's units being the ones used. */
  cachedUnits?: (units: { source: UnitSource; pages: [number, number] }[]) => void;
}

export interface LaidOutBook {
  units: LaidOutUnit[];
  /** The whole book's layout, pages numbered as printed. */
  layout: PageLayout;
  /** The book's logical structure, pages numbered as printed (for the tagged PDF). */
  structure: DocumentStructure;
  /** The one document that held the whole book (`jobs` 1), printed: the book as it is. */
  whole?: Uint8Array;
  /** Units laid out by Paged.js in this run (the rest came from the cache). */
  paginated: string[];
  /** Paged.js documents opened. */
  documents: number;
  /** Of them, laid out in a tab loaded before the build (print/document-tabs.ts). */
  loadedAhead: number;
  /** Of those, begun at the last print of the build before (not once that build had ended). */
  loadedAheadFromPrint: number;
  /** Of those, laid out in the renderer of a document printed before. */
  rendererReused: number;
  /** Of those, laid out with the line breaks the build remembered given with the tab, looked up in the page. */
  rememberedInPage: number;
  /** Settles once every printed document's content is marked and each unit's `marks` is set: the merge
   * copies the documents' pages meanwhile (mergeUnits puts the marked streams in place). */
  marked: Promise<void>;
  /** Units from the cache whose pages were marked in an earlier build (`keptDocuments`). */
  markedBefore: number;
  /** Chromium's version: of the browser used, or as recorded in the cache. */
  browserVersion?: string;
  /** Writes what was laid out into the cache: the caller calls it once the book is written, so a failed
   * build leaves the cache as it was and a successful one does not wait for the cache to write. */
  commit(): Promise<void>;
}

const isKeyed = (unit: PrintUnit | KeyedUnit): unit is KeyedUnit => 'key' in unit;

/**
 * Lays out the book's units, several documents at once (the scheduler's workers), and prints each document
 * with its final folios as soon as the page counts of the units before its own are known (the contents
 * page: of all units), so later documents go on laying out meanwhile. A unit whose key and printed numbers
 * are in the cache is not laid out again. With one job the whole book is one document, used as it is.
 */
export async function layOutBook(options: LayOutOptions): Promise<LaidOutBook> {
  const { book, units, cache } = options;
  // The unit laid out once all others are (the index): it cannot share their document.
  const last = units.findIndex((u) => u.build);
  const whole = options.jobs === 1 && last < 0;
  const bodies = units.map((u) => u.body);
  const ids = units.map((u) => u.id);
  const frontUnits = romanUnitCount(units);
  const counts: Deferred<number>[] = units.map(() => deferred<number>());
  // Where each unit's ids are (pages counted from its first): what cross-references print.
  const anchorSets: Deferred<Record<string, { page: number }>>[] = units.map(() => deferred<Record<string, { page: number }>>());
  const results: (Omit<LaidOutUnit, 'firstPage'> | undefined)[] = units.map(() => undefined);
  // Each unit's layout, as laid out or from the cache: with every page count, the book's layout (`layoutKnown`).
  const unitLayouts: Deferred<UnitLayout>[] = units.map(() => deferred<UnitLayout>());
  const paginated: string[] = [];
  const open = new Set<LaidOutDocument>();
  const prints: Promise<void>[] = [];
  // Documents being marked for the tagged PDF while the others lay out or print, and the merge copies them.
  const markings: Promise<{ batch: number[]; marks: ContentMarks[] }>[] = [];
  const closing: Promise<void>[] = [];
  const writes: (() => Promise<void>)[] = [];
  // Documents open at once (laying out, waiting to be printed, printing), each a renderer of 150-250 MB on a
  // long book: no more than the jobs, so the next document opens only once one before it is printed and closed.
  const tabs = new Semaphore(Math.max(1, options.jobs));
  let documents = 0;
  let waitingForTabs = 0;
  let loadedAhead = 0;
  let loadedAheadFromPrint = 0;
  let rendererReused = 0;
  let rememberedInPage = 0;
  let markedBefore = 0;
  let browserVersion: string | undefined;
  // The documents printed in this build come after every document the cache holds (UnitSource.printed).
  let printedNow = 1;
  let wholeLayout: PageLayout | undefined;
  let wholeStructure: DocumentStructure | undefined;
  let wholePdf: Uint8Array | undefined;
  let failure: { error: unknown } | undefined;
  let loading = 0;
  let loadedBefore = false;
  let guessCached: (() => void) | undefined;
  const documentLoaded = (): void => {
    if (--loading > 0 || loadedBefore) return;
    loadedBefore = true;
    options.loaded?.();
    guessCached?.();
  };

  const fail = (error: unknown): void => {
    failure ??= { error };
    for (const count of [...counts, ...anchorSets]) if (!count.settled) count.reject(error);
    pool.fail(error);
  };
  /** Whether a unit's numbers wait for every unit: the contents page, cross-references' pages. */
  const waitsForAll = (index: number): boolean => (units[index] as PrintUnit).hasContents || ((units[index] as PrintUnit).references?.length ?? 0) > 0;
  /** A unit's printed numbers, once the page counts (and anchors) they depend on are known. */
  const numbersOf = async (index: number) => {
    const unit = units[index] as PrintUnit;
    const pageCounts = await Promise.all((waitsForAll(index) ? counts : counts.slice(0, index)).map((c) => c.promise));
    const numbers = printedNumbers(index, unit.hasContents, ids, pageCounts, frontUnits);
    if (!unit.references?.length) return numbers;
    const anchors = await Promise.all(anchorSets.map((a) => a.promise));
    return { ...numbers, references: referencePages(unit.references, anchors, firstPages(pageCounts), romanPageCount(pageCounts, frontUnits)) };
  };
  // A document waiting for every unit gives up its place among the open tabs: were all places held by such
  // documents, the units they wait for could not be laid out.
  const released = new Set<LaidOutDocument>();
  const closeDocument = (document: LaidOutDocument): void => {
    open.delete(document);
    // Closing a tab and its context takes ~60 ms: the book is merged meanwhile (commit() waits for it).
    closing.push(document.close().finally(() => (released.has(document) ? undefined : tabs.release())));
  };

  /** Prints a laid-out document once its units' numbers are known, and records where its units are. */
  const finishDocument = async (batch: number[], document: LaidOutDocument, parts: DocumentPart[]): Promise<void> => {
    try {
      if (!options.print) {
        batch.forEach((index, k) => (results[index] = { id: ids[index] as string, ...(parts[k] as DocumentPart) }));
        return;
      }
      if (batch.some(waitsForAll)) {
        released.add(document);
        tabs.release();
      }
      let numbered = false;
      const numbering = Promise.all(batch.map(numbersOf)).finally(() => (numbered = true));
      numbering.catch(() => undefined);
      await new Promise((resolve) => setImmediate(resolve));
      // A document that waits for the page counts before it (the other documents still laying out) has Chromium
      // lay it out for the print meanwhile, its renderer otherwise idle; one whose numbers are known prints now.
      const preparing = numbered ? undefined : document.layOutForPrint();
      preparing?.catch(() => undefined);
      const numbers = await numbering;
      await preparing;
      if (failure) return;
      const increments = folioIncrements(parts, numbers.map((n) => n.first), numbers.map((n) => n.roman === true));
      if (increments.length > 0) await document.setFolios(increments);
      const contents = numbers.find((n) => n.contents)?.contents;
      if (contents) await document.fillContents(contents);
      const references = Object.assign({}, ...numbers.map((n) => n.references ?? {})) as Record<string, string>;
      if (Object.keys(references).length > 0) await document.fillPageReferences(references);
      const printing = performance.now();
      const pdf = await document.print();
      stageDone('document printed', printing);
      if (whole) wholePdf = pdf;
      const id = randomBytes(8).toString('hex');
      const workers = whole ? undefined : options.marking;
      const marking = workers ? pdfFinishing().then(({ markDocument }) => markDocument(workers, pdf, parts)) : undefined;
      const kept = options.keptDocuments;
      const read = async (): Promise<PDFDocument> => (await (marking as NonNullable<typeof marking>)).document;
      const source: UnitSource = {
        id,
        printed: printedNow,
        load: async () => pdf,
        ...(marking ? { document: () => (kept ? kept.read(id, read) : read()), marked: async () => (await (await marking).marked).streams } : {}),
      };
      batch.forEach((index, k) => (results[index] = { id: ids[index] as string, ...(parts[k] as DocumentPart), source }));
      if (marking) {
        if (kept) void marking.then(async (m) => markedParts(await m.marked, parts).forEach((part, k) => kept.keepMarked(id, (parts[k] as DocumentPart).pages, part)), () => undefined);
        const marked = marking.then(async (m) => ({ batch, marks: (await m.marked).marks }));
        // A marking that fails while the others lay out stops the build at once.
        marked.catch(fail);
        markings.push(marked);
      }
      // Its paragraphs' line breaks are in the memo already (paginate stored the new ones).
      const lines = document.lineBreaks;
      if (lines) options.lineBreaks?.holdsDocument(id);
      // Written only once every document succeeded: a failed build leaves the cache as it was.
      if (cache) {
        writes.push(async () => {
          await cache.putDocument(id, pdf);
          if (lines) await cache.putLines(id, lines);
          for (const [k, index] of batch.entries()) {
            if (index === last) continue;
            const unit = units[index] as KeyedUnit;
            const part = parts[k] as DocumentPart;
            await cache.put({ key: unit.key, printState: JSON.stringify(numbers[k]), layout: part.layout, document: id, pages: part.pages, printed: printedNow, browserVersion: browserVersion ?? '' });
          }
        });
      }
    } catch (error) {
      fail(error);
    } finally {
      closeDocument(document);
    }
  };

  /** One document: its units laid out together, cut apart, their page counts made known. */
  const layOutBatch = async (batch: number[]): Promise<void> => {
    // Its tab is made while it waits for a place (the documents before it lay out or print): a browser context
    // and its renderer take 0.2-0.5 s to start, which a document opened on demand waited for. One spare for
    // each document waiting: two that wait at once would otherwise share one and the second wait all the same.
    if (!whole) {
      const browser = await options.browser();
      waitingForTabs++;
      if (!failure) prepareSpareTabs(browser, waitingForTabs);
    }
    await tabs.acquire();
    if (!whole) waitingForTabs--;
    if (failure) {
      tabs.release();
      return;
    }
    let document: LaidOutDocument;
    const opening = performance.now();
    try {
      documents++;
      const browser = await options.browser();
      browserVersion ??= await browser.version();
      loading++;
      document = await paginate({
        browser,
        html: unitsDocument(book, batch.map((i) => ({ body: bodies[i] as string }))),
        manuscriptDir: book.manuscriptDir,
        fontPackages: bookFontPackages(book),
        timeoutMs: options.timeoutMs ?? 120_000,
        isolated: !whole,
        lineBreaks: options.lineBreaks,
        loaded: documentLoaded,
        heldTabs: options.print ? options.heldTabs : undefined,
      });
      if (document.loadedAhead) loadedAhead++;
      if (document.loadedAheadFromPrint) loadedAheadFromPrint++;
      if (document.rendererReused) rendererReused++;
      if (document.linesRememberedInPage) rememberedInPage++;
    } catch (error) {
      tabs.release();
      throw error;
    }
    let clock = stageDone('document laid out', opening);
    open.add(document);
    paginated.push(...batch.map((i) => ids[i] as string));
    let parts: DocumentPart[];
    try {
      // A document that asked for what the build does not serve stops it before anything is cached.
      if (document.blocked.length > 0) throw blockedError(document.blocked);
      const description = await document.describe();
      parts = splitDocument(document.layout, description, batch.map((i) => ids[i] as string));
      if (whole) wholeStructure = description.structure;
      clock = stageDone('document described', clock);
    } catch (error) {
      closeDocument(document);
      throw error;
    }
    if (whole) wholeLayout = document.layout;
    parts.forEach((part, k) => {
      const count = counts[batch[k] as number] as Deferred<number>;
      if (!count.settled) count.resolve(part.pages[1] - part.pages[0] + 1);
      const anchors = anchorSets[batch[k] as number] as Deferred<Record<string, { page: number }>>;
      if (!anchors.settled) anchors.resolve(part.layout.anchors);
      const known = unitLayouts[batch[k] as number] as Deferred<UnitLayout>;
      if (!known.settled) known.resolve(part.layout);
    });
    prints.push(finishDocument(batch, document, parts));
  };

  const pool = new WorkerPool<number[]>(options.jobs, (batch) => layOutBatch(batch).catch(fail));
  const sizes = units.map((u) => u.body.length);
  const aim = options.documentChars ?? 300_000;
  const plan = (indices: number[]): number[][] => {
    if (options.jobs === 1) return indices.length > 0 ? [indices] : [];
    let size = aim;
    let batches = batchUnits(indices, sizes, options.jobs, size, options.leastDocumentChars);
    // Laid out in more than one round, a book's peak memory is its renderers' size, more than the documents'
    // set-up its time: documents of two-thirds the size (the 100x book: ~140 MB less at peak, no slower).
    if (options.documentChars === undefined && batches.length > options.jobs) {
      size = (aim * 2) / 3;
      batches = batchUnits(indices, sizes, options.jobs, size, options.leastDocumentChars);
    }
    // Laid out in more than one round, a document that waits for every unit (the contents page) stays open
    // until the last round is laid out: its units alone make a small one (a renderer of ~40 MB, not ~150).
    if (!options.print || batches.length <= options.jobs) return batches;
    const waiting = indices.filter(waitsForAll);
    const others = indices.filter((i) => !waitsForAll(i));
    if (waiting.length === 0 || others.length === 0 || waiting.reduce((sum, i) => sum + (sizes[i] ?? 0), 0) > size / 2) return batches;
    return [waiting, ...batchUnits(others, sizes, options.jobs, size, options.leastDocumentChars)];
  };
  /** The last unit's body from every other unit's anchors, as printed pages; then it is laid out. */
  const buildLast = async (): Promise<void> => {
    if (last < 0) return;
    const others = anchorSets.filter((_, i) => i !== last);
    const [anchors, pageCounts] = await Promise.all([Promise.all(others.map((a) => a.promise)), Promise.all(counts.slice(0, last).map((c) => c.promise))]);
    const firsts = firstPages(pageCounts);
    const pages: Record<string, number> = {};
    anchors.forEach((set, i) => {
      for (const [id, at] of Object.entries(set)) pages[id] ??= (firsts[i] as number) + at.page - 1;
    });
    bodies[last] = (units[last] as PrintUnit).build?.(pages, romanPageCount(pageCounts, frontUnits)) ?? bodies[last] as string;
    pool.add([last]);
  };

  /**
   * A unit served from the cache, its printed document's pages marked for the tagged PDF as soon as it is
   * decided on (while Chromium lays out the others), or as marked in an earlier build: its document's
   * source, shared by its units, gives the merge their marked streams. Each cached document is read once
   * (once for as long as it is kept).
   */
  const cachedSources = new Map<string, { source: UnitSource; read(): Promise<PDFDocument>; parts: Promise<MarkedPart>[] }>();
  // A cached document's marks are its units' once every unit is decided on: a source can be copied before.
  const decided = deferred<void>();
  const cachedSource = (entry: CacheEntry, store: PrintCache): { source: UnitSource; read(): Promise<PDFDocument>; parts: Promise<MarkedPart>[] } => {
    const { document } = entry;
    const kept = options.keptDocuments;
    let cached = cachedSources.get(document);
    if (!cached) {
      const parts: Promise<MarkedPart>[] = [];
      let reading: Promise<PDFDocument> | undefined;
      const readNow = async (): Promise<PDFDocument> => (await pdfFinishing()).loadPrinted(await store.pdf(document));
      const read = (): Promise<PDFDocument> => (reading ??= kept ? kept.read(document, readNow) : readNow());
      const source: UnitSource = {
        id: document,
        printed: entry.printed ?? 0,
        load: () => store.pdf(document),
        ...(options.marking && options.print ? { document: read, marked: async () => (await decided.promise, await Promise.all(parts)).flatMap((part) => part.streams) } : {}),
      };
      cached = { source, read, parts };
      cachedSources.set(document, cached);
    }
    return cached;
  };
  const useCached = (index: number, entry: CacheEntry, store: PrintCache): UnitSource => {
    const { document } = entry;
    const kept = options.keptDocuments;
    const cached = cachedSource(entry, store);
    if (cached.source.marked) {
      const before = kept?.marked(document, entry.pages);
      if (before) markedBefore++;
      const part = before ? Promise.resolve(before) : cached.read().then(async (pdf) => (await pdfFinishing()).markPart(pdf, { pages: entry.pages, structure: entry.layout.structure }));
      if (!before && kept) void part.then((marked) => kept.keepMarked(document, entry.pages, marked), () => undefined);
      cached.parts.push(part);
      const marked = part.then((m) => ({ batch: [index], marks: [m.marks] }));
      marked.catch(fail);
      markings.push(marked);
    }
    return cached.source;
  };

  /** The whole book's layout, pages numbered as printed. */
  const bookLayout = (layouts: readonly UnitLayout[], pageCounts: readonly number[]): PageLayout => {
    const romanPages = romanPageCount(pageCounts, frontUnits);
    return { ...(wholeLayout ?? combineLayouts(layouts, firstPages(pageCounts), bookPageCount(pageCounts))), ...(romanPages > 0 ? { romanPages } : {}) };
  };
  let knownLayout: PageLayout | undefined;
  if (options.layoutKnown) {
    const known = options.layoutKnown;
    void Promise.all([Promise.all(counts.map((c) => c.promise)), Promise.all(unitLayouts.map((l) => l.promise))]).then(([pageCounts, layouts]) => {
      if (failure) return;
      knownLayout = bookLayout(layouts, pageCounts);
      known(knownLayout);
    }, () => undefined);
  }

  // The book's structure, joined from the units' as soon as every unit's layout and page count are known: in a
  // save, once the chapter is laid out, while Chromium prints it and Node waits, not after the print. Used
  // when every unit kept that layout (one laid out again is joined anew after the print).
  let knownStructure: { layouts: readonly UnitLayout[]; structure: DocumentStructure } | undefined;
  if (!whole) {
    void Promise.all([Promise.all(counts.map((c) => c.promise)), Promise.all(unitLayouts.map((l) => l.promise))]).then(([pageCounts, layouts]) => {
      if (failure) return;
      const joining = performance.now();
      knownStructure = { layouts, structure: combineStructures(layouts, firstPages(pageCounts)) };
      stageDone('structure joined', joining);
    }, () => undefined);
  }

  // The last unit's key is of its body without pages: it is laid out every time, and not kept.
  const reading = performance.now();
  const entries: (CacheEntry | undefined)[] = await Promise.all(units.map((u, i) => (cache && isKeyed(u) && i !== last ? cache.get(u.key, options.keptDocuments) : undefined)));
  stageDone('cache entries read', reading);
  printedNow = 1 + Math.max(0, ...entries.map((entry) => entry?.printed ?? 0));
  // The merge's copies of the cached documents begin once Node only waits on Chromium (the first document
  // loaded), on the guess that every unit the cache holds prints the same numbers again, as after a save that
  // moved no unit's pages; the decisions below, which wait for the laid-out units' page counts, keep that
  // copy or have it made again.
  let guessed: { source: UnitSource; pages: [number, number] }[] | undefined;
  if (cache && !whole && options.cachedUnits) {
    const store = cache;
    guessCached = () => {
      guessCached = undefined;
      if (failure) return;
      guessed = entries.flatMap((entry) => (entry ? [{ source: cachedSource(entry, store).source, pages: entry.pages }] : []));
      if (guessed.length > 0) options.cachedUnits?.(guessed);
    };
  }
  try {
    const planned = plan(entries.flatMap((entry, i) => (entry || i === last ? [] : [i])));
    // The line breaks kept with the cached units' documents, for the units laid out now (an edited chapter's
    // unchanged paragraphs) or, in a watching build, for the saves to come.
    const memo = options.lineBreaks;
    if (memo && cache && (planned.length > 0 || options.heldTabs)) {
      const store = cache;
      const reading = performance.now();
      await Promise.all([...new Set(entries.flatMap((entry) => (entry ? [entry.document] : [])))].map((document) => memo.loadDocument(document, () => store.lines(document))));
      stageDone('line breaks read', reading);
    }
    // The marking threads load their modules while Chromium lays out.
    if (options.print) options.marking?.start(planned.length);
    pool.add(...planned);
    const mismatched: number[] = [];
    // A cached unit is used when it would print the same numbers again; otherwise (a unit before it grew or
    // shrank) it is laid out again, with the others whose numbers moved, once all are decided.
    const decisions = entries.map(async (entry, index) => {
      if (!entry || !cache) return;
      (counts[index] as Deferred<number>).resolve(entry.pages[1] - entry.pages[0] + 1);
      (anchorSets[index] as Deferred<Record<string, { page: number }>>).resolve(entry.layout.anchors);
      const numbers = await numbersOf(index);
      if (JSON.stringify(numbers) !== entry.printState) return void mismatched.push(index);
      results[index] = { id: ids[index] as string, source: useCached(index, entry, cache), pages: entry.pages, layout: entry.layout };
      const known = unitLayouts[index] as Deferred<UnitLayout>;
      if (!known.settled) known.resolve(entry.layout);
    });
    // The last unit is built as soon as every other unit's pages are known, from the cache or laid out: not
    // after the decisions, since a cached unit that prints what depends on every unit (the contents, a
    // cross-reference) waits for the last unit's pages to be decided.
    const lastBuilt = buildLast().catch(fail);
    await Promise.all(decisions).catch(fail);
    decided.resolve();
    const cached = results.flatMap((r) => (r?.source && r.source.printed < printedNow ? [{ source: r.source, pages: r.pages }] : []));
    guessCached = undefined;
    if (!failure && !whole && (guessed ? !sameUnits(cached, guessed) : cached.length > 0)) options.cachedUnits?.(cached);
    if (!failure) pool.add(...plan(mismatched.sort((a, b) => a - b)));
    await lastBuilt;
    pool.close();
    await pool.done.catch(() => undefined);
    await Promise.all(prints);
  } finally {
    for (const document of [...open]) closeDocument(document);
  }
  if (failure) {
    await Promise.all(closing);
    throw failure.error;
  }
  const pageCounts = await Promise.all(counts.map((c) => c.promise));
  const firsts = firstPages(pageCounts);
  const laidOut = results.map((r, i) => ({ ...(r as Omit<LaidOutUnit, 'firstPage'>), firstPage: firsts[i] as number }));
  browserVersion ??= entries.find((e) => e?.browserVersion)?.browserVersion;
  const marked = Promise.all(markings).then((done) => {
    for (const { batch, marks } of done) batch.forEach((index, k) => ((laidOut[index] as LaidOutUnit).marks = marks[k]));
  });
  // Awaited by the caller; handled here too, should the build stop before.
  marked.catch(() => undefined);
  return {
    units: laidOut,
    layout: knownLayout ?? bookLayout(laidOut.map((u) => u.layout), pageCounts),
    structure: wholeStructure ?? (knownStructure?.layouts.every((layout, i) => layout === laidOut[i]?.layout) ? knownStructure.structure : combineStructures(laidOut.map((u) => u.layout), firsts)),
    whole: wholePdf,
    paginated,
    documents,
    loadedAhead,
    loadedAheadFromPrint,
    rendererReused,
    rememberedInPage,
    marked,
    markedBefore,
    browserVersion,
    async commit() {
      await Promise.all(closing);
      for (const write of writes) await write();
    },
  };
}

export interface PrintBookOptions {
  book: Book;
  /** The output folder, for the cache. */
  outDir: string;
  /** Where the PDF is written (the build's staging folder). */
  writeDir: string;
  browser(): Promise<Browser>;
  progress: Progress;
  version: string;
  date: Date;
  /** Documents laid out at once (1: the whole book as one document); the machine's cores by default. */
  jobs?: number;
  /** Use and fill the cache in the output folder (more than one job); false clears it. */
  cache?: boolean;
  /** Line-breaking decisions kept between builds (a watching build; more than one job). */
  lineBreaks?: LineBreakMemo;
  /** The printed documents as read and their units' pages as marked for the tagged PDF, kept between builds
   * (a watching build; more than one job). */
  keptDocuments?: KeptDocuments;
  /** The next document, loaded while a watching build waits for a save (more than one job). */
  heldTabs?: HeldTabs;
  timeoutMs?: number;
  /** Called once the documents opened first are loaded in their tabs (see LayOutOptions.loaded). */
  loaded?: () => void;
  /** The source checks of a watching build, run beside the layout: awaited before the layout is merged or
   * kept (TargetContext.sourcesChecked). */
  sourcesChecked?: () => Promise<void>;
  /** A watching build's files as read are settled (TargetContext.settled): awaited before any document is
   * given to Chromium. */
  settled?: () => Promise<void>;
  /** A watching build's marking thread, kept between builds (marking-workers.ts `residentMarkingThreads`); otherwise the build
   * starts its own (`markingThreads`) and ends them with it. */
  markingWorkers?: MarkingWorkers;
  /** Called with the book's layout once it is known, before the last documents are printed (LayOutOptions.layoutKnown). */
  layoutKnown?: (layout: PageLayout) => void;
  /** Where the cache's writing and pruning go, to run once the PDF is in the output folder
   * (TargetContext.afterOutput); without it, they run before printBook returns. */
  afterOutput?: (work: () => Promise<void>) => void;
}

/** What the page spent on the units laid out in this build: a unit from the cache keeps the timings of the
 * build that laid it out, which a watching build's progress line would otherwise count again on every save. */
function inPageTimings(units: readonly LaidOutUnit[], paginated: ReadonlySet<string>): { paginateMs: number; settleMs: number; collectMs: number; structureMs: number; lineBreakingMs: number; paragraphs: number; remembered: number } {
  const sum = { paginateMs: 0, settleMs: 0, collectMs: 0, structureMs: 0, lineBreakingMs: 0, paragraphs: 0, remembered: 0 };
  for (const unit of units) {
    if (!paginated.has(unit.id)) continue;
    const { timings, probes } = unit.layout.layout;
    sum.paginateMs += timings.paginateMs;
    sum.settleMs += timings.settleMs;
    sum.collectMs += timings.collectMs;
    sum.structureMs += timings.structureMs ?? 0;
    sum.lineBreakingMs += probes?.lineBreaks?.ms ?? 0;
    sum.paragraphs += probes?.lineBreaks?.paragraphs ?? 0;
    sum.remembered += probes?.lineBreaks?.reused ?? 0;
  }
  return sum;
}

/**
 * Threads that mark the printed documents: one per document laid out at once, at most one per core, on a
 * machine of more than two cores. On two, the main thread marking while zlib compresses on another already
 * keeps both busy once Chromium has printed, and each thread's code compiled afresh cost ~0.4 s more
 * processor time for no sooner a file (docs/performance.md). BOOK_MARK_THREADS=N (internal, for measuring)
 * sets it.
 */
function markingThreads(jobs: number): number {
  const asked = Number(process.env.BOOK_MARK_THREADS);
  if (process.env.BOOK_MARK_THREADS && Number.isInteger(asked) && asked >= 0) return asked;
  const cores = availableParallelism();
  return cores > 2 ? Math.min(jobs, cores) : 0;
}

/** Book model -> units -> laid out and printed by Paged.js in Chromium -> one PDF -> finished -> the output folder. */
export async function printBook(options: PrintBookOptions): Promise<PrintResult> {
  const { book, progress } = options;
  if (options.cache === false) await PrintCache.clear(cacheDir(options.outDir));
  const jobs = options.jobs ?? defaultJobs();
  const whole = jobs === 1;
  // Internal, for measuring what tagging costs (docs/performance.md): the screen PDF left untagged.
  const tag = process.env.BOOK_UNTAGGED !== '1';
  let units: (PrintUnit | KeyedUnit)[] = bookUnits(book, { version: options.version, buildDate: options.date });
  let cache: PrintCache | undefined;
  // A build that keeps its layouts keeps their line breaks too, with each printed document, and takes those
  // of the documents it uses: a watching build's first save then breaks only what it changed, as its later
  // saves do, and a one-off build after an edit only the edited paragraphs.
  let lineBreaks: LineBreakMemo | undefined;
  // The keys name units in the cache and the line breaker's memo: a build without either has no use for them.
  if (!whole && (options.cache !== false || options.lineBreaks)) {
    // The browser's identity without starting it: a build served wholly from the cache needs no Chromium.
    const chromium = findChromium();
    const binary = await stat(chromium);
    const keying = performance.now();
    const keyed = await keyedUnits(book, units, `${chromium} ${binary.size} ${binary.mtimeMs}`);
    stageDone('units keyed', keying);
    units = keyed.units;
    cache = options.cache === false ? undefined : new PrintCache(cacheDir(options.outDir));
    lineBreaks = options.lineBreaks ?? (cache ? new LineBreakMemo() : undefined);
    lineBreaks?.useEnvironment(keyed.environment);
  }
  if (options.settled) {
    const settling = performance.now();
    await options.settled();
    stageDone('settled as read', settling);
  }
  progress.step(`print: paginating with Paged.js: ${units.length} units, ${whole ? 'as one document' : `${jobs} documents at a time`}`);
  const ownMarking = !options.markingWorkers;
  const marking = tag && !whole ? (options.markingWorkers ?? new MarkingWorkers(markingThreads(jobs))) : undefined;
  let laidOut: LaidOutBook;
  let pdf: PDFDocument;
  let mergeMs: number;
  // The documents of the units from the cache, copied into the merged PDF while Chromium prints the others.
  let begun: Promise<MergeCopies> | undefined;
  try {
    const layingOut = performance.now();
    laidOut = await layOutBook({
      book,
      units,
      browser: options.browser,
      jobs,
      print: true,
      cache,
      timeoutMs: options.timeoutMs,
      // --jobs given: even a small book is laid out as that many documents (the tests of equivalence use small books).
      leastDocumentChars: options.jobs === undefined ? 75_000 : 0,
      lineBreaks,
      marking,
      keptDocuments: marking ? options.keptDocuments : undefined,
      // What finishes the PDF (pdf-lib: ~0.2 s) loads while Node waits on Chromium's layout, not while the
      // documents are made and served to their tabs.
      loaded: () => {
        pdfFinishing().catch(() => undefined);
        options.loaded?.();
      },
      heldTabs: whole ? undefined : options.heldTabs,
      ...(options.layoutKnown ? { layoutKnown: options.layoutKnown } : {}),
      cachedUnits: (cached) => {
        // Made again (the guess was wrong) once the copy under way has ended.
        const before = begun?.catch(() => undefined);
        begun = Promise.all([pdfFinishing(), before]).then(([{ copyEarlierDocuments }]) => copyEarlierDocuments(cached));
        // Awaited by the merge; handled here too, should the build stop before.
        begun.catch(() => undefined);
      },
    });
    stageDone('laid out and printed', layingOut);
    // The next save's document is loaded while Node finishes this PDF: Chromium has printed, and what the
    // held document is given (the line-breaking memo's entries) is all this build adds.
    if (!whole && options.heldTabs && laidOut.documents > 0) void options.heldTabs.prepare(await options.browser(), options.lineBreaks, true);
    await options.sourcesChecked?.();
    // A build that laid out nothing (every unit from the cache) gives the next held document the book's head.
    if (!whole) options.heldTabs?.noteDocument(() => unitsDocument(book, units), book.manuscriptDir, bookFontPackages(book), true);
    const { paginateMs, settleMs, collectMs, structureMs, lineBreakingMs, paragraphs, remembered } = inPageTimings(laidOut.units, new Set(laidOut.paginated));
    progress.step(
      `print: ${laidOut.paginated.length} unit(s) paginated in ${laidOut.documents} document(s), ${units.length - laidOut.paginated.length} from the cache` +
        `${laidOut.loadedAhead > 0 ? `, ${laidOut.loadedAhead} document(s) loaded before the save` : ''}` +
        `${laidOut.loadedAheadFromPrint > 0 ? `, ${laidOut.loadedAheadFromPrint} begun at the print before it` : ''}` +
        `${laidOut.rendererReused > 0 ? `, ${laidOut.rendererReused} in the renderer of a document printed before` : ''}` +
        `${laidOut.rememberedInPage > 0 ? `, ${laidOut.rememberedInPage} with the remembered line breaks` : ''} ` +
        `(in the page ${(paginateMs / 1000).toFixed(1)} s, of which line breaking ${(lineBreakingMs / 1000).toFixed(1)} s${remembered > 0 ? `, ${remembered} of ${paragraphs} paragraphs' lines remembered` : ''}; ` +
        `hyphens ${(settleMs / 1000).toFixed(1)} s, layout ${(collectMs / 1000).toFixed(1)} s, structure ${(structureMs / 1000).toFixed(2)} s); ${laidOut.whole ? 'writing PDF' : 'merging'}`,
    );
    const merging = performance.now();
    const { loadPrinted, mergeUnits } = await pdfFinishing();
    pdf = laidOut.whole
      ? await loadPrinted(laidOut.whole)
      : await mergeUnits(laidOut.units as PrintedUnit[], { sheetHeight: toPoints(book.config.print.trim.height) + 2 * toPoints(book.config.print.bleed) }, begun);
    const waiting = stageDone('merged', merging);
    await laidOut.marked;
    stageDone('marking waited for', waiting);
    mergeMs = performance.now() - merging;
  } finally {
    if (ownMarking) await marking?.close();
  }
  const { layout } = laidOut;
  const producer = `Paged.js ${packageVersion('pagedjs')}, Chromium ${laidOut.browserVersion ?? 'unknown'}, pdf-lib`;
  const marks = combineMarks(laidOut.units);
  const { result, tagged, taggedMs } = await finishPdf(pdf, { book, writeDir: options.writeDir, layout, structure: laidOut.structure, ...(marks ? { marks } : {}), tag, date: options.date, producer });
  // The cache is written (the documents printed, their units' entries) and pruned once the PDF is in the
  // output folder: a save's new PDF does not wait for it, and a build that fails before leaves it as it was.
  const keep = async (): Promise<void> => {
    let clock = performance.now();
    await laidOut.commit();
    clock = stageDone('cache written', clock);
    if (cache) await cache.prune(laidOut.units.map((u, i) => ({ key: (units[i] as KeyedUnit).key, document: (u.source as UnitSource).id })));
    options.keptDocuments?.keepOnly(laidOut.units.map((u) => ({ document: (u.source as UnitSource).id, pages: u.pages })));
    stageDone('cache pruned', clock);
  };
  if (options.afterOutput) options.afterOutput(keep);
  else await keep();
  progress.step(
    `print: ${result.pages} pages, ${layout.hyphens} hyphenated line ends; merged${marking ? ' and marked' : ''} in ${(mergeMs / 1000).toFixed(2)} s after the last print${laidOut.markedBefore > 0 ? ` (${laidOut.markedBefore} unit(s) as marked before)` : ''}, tagged in ${(taggedMs / 1000).toFixed(2)} s after that (${tagged.elements} structure elements, ${tagged.sequences} marked sequences, ${tagged.artifacts} artifacts)${tagged.conforms ? ', PDF/UA-1' : ''}`,
  );
  // Where every id was printed: the layout check finds the endnotes and their calls by them.
  const anchors: Record<string, { page: number }> = {};
  for (const unit of laidOut.units) for (const [id, at] of Object.entries(printedAnchors(unit.layout.anchors, unit.firstPage))) anchors[id] ??= { page: at.page };
  return { ...result, anchors };
}

/** Whether two lists name the same units' pages of the same documents, in the same order. */
function sameUnits(a: readonly { source: UnitSource; pages: [number, number] }[], b: readonly { source: UnitSource; pages: [number, number] }[]): boolean {
  return a.length === b.length && a.every((unit, i) => unit.source === b[i]?.source && unit.pages[0] === b[i]?.pages[0] && unit.pages[1] === b[i]?.pages[1]);
}
