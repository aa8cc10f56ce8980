import { randomBytes } from 'node:crypto';
import type { Browser } from 'puppeteer';
import type { PrintCache } from './cache.ts';
import type { LineBreakMemo } from './line-break-memo.ts';
import { blockedError, openPaginated, type PageLayout, type PaginatedPage } from './paginate.ts';
import { sliceStructure, type DocumentStructure } from './structure.ts';

/**
 * A part of the book that is laid out on its own: the front matter or one chapter. Every unit opens on a
 * recto, so its layout does not depend on the units before it; only numbers drawn outside the text area do
 * (folios, the contents page), and those are set after pagination, before printing.
 */
export interface BookUnit {
  /** `front` or the chapter's id (`ch3`). */
  id: string;
  /** The unit's HTML inside <body>. */
  body: string;
  /** Cache key: everything that shapes this unit's layout (see cache.ts). */
  key: string;
  /** The front matter with a contents page: printed only once every chapter's first page is known. */
  hasContents: boolean;
}

/** Where things landed in one unit, pages counted from the unit's first page (1). */
export interface PartLayout {
  layout: PageLayout;
  /** Every id in the unit: page and top (CSS px from the sheet's top edge). */
  anchors: Record<string, { page: number; top: number }>;
  /** Links to ids in other units: page and rectangles [left, top, right, bottom] in CSS px. */
  links: { id: string; page: number; rects: number[][] }[];
  /** The unit's logical structure, for the tagged PDF (runtime/structure.js). */
  structure: DocumentStructure;
}

/** The printed PDF a unit's pages are in (several units are laid out in one document at a time). */
export interface UnitSource {
  id: string;
  load(): Promise<Uint8Array>;
}

export interface PaginatedUnit {
  id: string;
  /** Printed page number of the unit's first page. */
  firstPage: number;
  source: UnitSource;
  /** The unit's pages in the source PDF, 1-based, inclusive. */
  pages: [number, number];
  layout: PartLayout;
}

export interface PaginateChaptersOptions {
  /** Chromium, started on first need: a build whose units all come from the cache never starts it. */
  browser(): Promise<Browser>;
  /** Front matter first, then the chapters in reading order. */
  units: BookUnit[];
  /** Builds the document for a run of units (the chapters' HTML in one Paged.js document). */
  documentFor(units: BookUnit[]): string;
  /** Documents paginated at once, each in a browser context of its own. */
  jobs: number;
  cache?: PrintCache;
  manuscriptDir: string;
  fontPackages: string[];
  timeoutMs: number;
  /** The size documents aim at, in characters of HTML (a document may come out up to half again as large):
   * bounds the browser's memory on a long book. */
  documentChars?: number;
  /** Smallest document worth its set-up (tab, page load, fonts, Paged.js reading the styles: most of a
   * second): a smaller book is laid out as fewer documents than jobs (the 1× book, 37 KB: one document,
   * 3.2 s, against 4.1 s as two). 0 keeps at least `jobs` documents (an explicit --jobs). */
  leastDocumentChars?: number;
  /** Line-breaking decisions kept between builds by a watching build. */
  lineBreaks?: LineBreakMemo;
}

export interface PaginateChaptersResult {
  units: PaginatedUnit[];
  /** Units laid out by Paged.js in this run (the rest came from the cache). */
  paginated: string[];
  /** Paged.js documents opened. */
  documents: number;
  /** Chromium's version: of the browser used, or as recorded in the cache. */
  browserVersion?: string;
  /** Writes what was paginated into the cache: the caller calls it once the book is written, so a failed
   * build leaves the cache as it was and a successful one does not wait for the cache to write its book. */
  commit(): Promise<void>;
}

/** The first page after a unit of `pages` pages that began on `first`: the next recto. */
export function nextRecto(first: number, pages: number): number {
  return first + pages + (pages % 2);
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
  settled: boolean;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  const d: Deferred<T> = {
    promise,
    settled: false,
    resolve: (value) => {
      d.settled = true;
      resolve(value);
    },
    reject: (error) => {
      d.settled = true;
      reject(error);
    },
  };
  return d;
}

interface PrintState {
  first: number;
  contents?: Record<string, number>;
}

/**
 * Splits units (in reading order) into documents of about equal size, about `aim` each, and as many as a
 * multiple of `jobs`, so the workers finish together: with three documents on two workers the third ran
 * alone at the end, one core idle (20×: 13 s with three, 11 s with two). A document also costs about a
 * second of set-up (tab, fonts, Paged.js reading the styles), so fewer, larger ones win until memory binds,
 * and none is made smaller than `least` characters (0: at least `jobs` documents).
 */
export function batchUnits(indices: number[], sizes: number[], jobs: number, aim: number, least = 0): number[][] {
  if (indices.length === 0) return [];
  const total = indices.reduce((sum, i) => sum + (sizes[i] ?? 0), 0);
  const rounds = Math.max(1, Math.round(total / (aim * jobs)));
  const worthwhile = least > 0 ? Math.max(1, Math.floor(total / least)) : Infinity;
  const count = Math.min(indices.length, rounds * jobs, worthwhile);
  const share = total / count;
  const batches: number[][] = [[]];
  let filled = 0;
  for (const [n, index] of indices.entries()) {
    const current = batches[batches.length - 1] as number[];
    const size = sizes[index] ?? 0;
    const mustSplit = indices.length - n <= count - batches.length;
    if (current.length > 0 && batches.length < count && (mustSplit || filled + size / 2 > share * batches.length)) {
      batches.push([index]);
    } else current.push(index);
    filled += size;
  }
  return batches;
}

/**
 * Paginates the units of a book, several documents at once, and prints each with its final folios. A unit
 * whose key and printed numbers are in the cache is not paginated again; the others are laid out in
 * documents of several units. A document is printed as soon as the page counts of the units before its
 * units are known (the contents page: of all units), so later documents go on laying out meanwhile. The
 * preview can call this with the same cache to re-paginate only what a save changed.
 */
export async function paginateChapters(options: PaginateChaptersOptions): Promise<PaginateChaptersResult> {
  const { units, cache } = options;
  const documentChars = options.documentChars ?? 300_000;
  const sizes = units.map((u) => u.body.length);
  const counts = units.map(() => deferred<number>());
  const results: (PaginatedUnit | undefined)[] = units.map(() => undefined);
  const paginated: string[] = [];
  const open = new Set<PaginatedPage>();
  const queue: number[][] = [];
  let documents = 0;
  let browserVersion: string | undefined;
  let undecided = 0;
  let failure: unknown;
  let wake = deferred<void>();
  const signal = (): void => {
    wake.resolve();
    wake = deferred<void>();
  };
  const fail = (error: unknown): void => {
    failure ??= error;
    for (const c of counts) if (!c.settled) c.reject(error);
    signal();
  };

  const firstPageOf = async (index: number): Promise<number> => {
    let first = 1;
    for (let i = 0; i < index; i++) first = nextRecto(first, await (counts[i] as Deferred<number>).promise);
    return first;
  };
  const printStateOf = async (index: number): Promise<PrintState> => {
    const first = await firstPageOf(index);
    if (!(units[index] as BookUnit).hasContents) return { first };
    const contents: Record<string, number> = {};
    let at = 1;
    for (const [i, unit] of units.entries()) {
      if (i > 0) contents[unit.id] = at;
      at = nextRecto(at, await (counts[i] as Deferred<number>).promise);
    }
    return { first, contents };
  };

  const entries = await Promise.all(units.map((u) => cache?.get(u.key)));
  const misses = entries.flatMap((entry, i) => (entry ? [] : [i]));
  queue.push(...batchUnits(misses, sizes, options.jobs, documentChars, options.leastDocumentChars));
  const mismatched: number[] = [];
  const decisions: Promise<void>[] = [];
  entries.forEach((entry, index) => {
    if (!entry || !cache) return;
    (counts[index] as Deferred<number>).resolve(entry.pages[1] - entry.pages[0] + 1);
    undecided++;
    decisions.push(
      (async () => {
        try {
          const state = await printStateOf(index);
          if (JSON.stringify(state) === entry.printState) {
            results[index] = {
              id: (units[index] as BookUnit).id,
              firstPage: state.first,
              source: { id: entry.document, load: () => cache.pdf(entry.document) },
              pages: entry.pages,
              layout: entry.layout,
            };
          } else mismatched.push(index);
        } catch (error) {
          fail(error);
        } finally {
          undecided--;
          // The numbers moved (a chapter before grew or shrank): lay those units out again, batched.
          if (undecided === 0) queue.push(...batchUnits(mismatched.sort((a, b) => a - b), sizes, options.jobs, documentChars, options.leastDocumentChars));
          signal();
        }
      })(),
    );
  });

  const prints: Promise<void>[] = [];
  // Documents open at once: `jobs` laying out, and one laid out that waits to be printed. Each holds a
  // renderer of a few hundred MB; without the bound a long book had four or more (100×: 1.9 GB at peak,
  // 1.4 GB with it, and no slower).
  const maxOpen = Math.max(1, options.jobs) + 1;
  let openCount = 0;
  let freed = deferred<void>();
  const release = async (opened?: PaginatedPage): Promise<void> => {
    try {
      await opened?.close();
    } finally {
      openCount--;
      freed.resolve();
      freed = deferred<void>();
    }
  };
  const closing: Promise<void>[] = [];
  const writes: (() => Promise<void>)[] = [];
  const printDocument = async (batch: number[], opened: PaginatedPage, parts: { pages: [number, number]; layout: PartLayout }[]): Promise<void> => {
    try {
      const states = await Promise.all(batch.map(printStateOf));
      if (failure) return;
      const increments: { page: number; increment: number }[] = [];
      batch.forEach((_, k) => {
        const start = (parts[k] as { pages: [number, number] }).pages[0];
        const state = states[k] as PrintState;
        if (k === 0) increments.push({ page: start, increment: state.first });
        else {
          const previous = parts[k - 1] as { pages: [number, number] };
          const before = (states[k - 1] as PrintState).first + (start - 1 - previous.pages[0]);
          if (state.first - before !== 1) increments.push({ page: start, increment: state.first - before });
        }
      });
      await opened.evaluate(`window.parallelRuntime.setFolios(${JSON.stringify(increments)})`);
      const contents = states.find((s) => s.contents)?.contents;
      if (contents) await opened.evaluate(`window.parallelRuntime.fillContents(${JSON.stringify(contents)})`);
      const pdf = await opened.print({ tagged: false });
      const id = randomBytes(8).toString('hex');
      const source: UnitSource = { id, load: async () => pdf };
      batch.forEach((index, k) => {
        const unit = units[index] as BookUnit;
        const part = parts[k] as { pages: [number, number]; layout: PartLayout };
        const state = states[k] as PrintState;
        results[index] = { id: unit.id, firstPage: state.first, source, pages: part.pages, layout: part.layout };
      });
      // Written only once every document succeeded: a failed build leaves the cache as it was.
      writes.push(async () => {
        await cache?.putDocument(id, pdf);
        for (const [k, index] of batch.entries()) {
          const part = parts[k] as { pages: [number, number]; layout: PartLayout };
          const entry = { printState: JSON.stringify(states[k]), layout: part.layout, document: id, pages: part.pages };
          await cache?.put({ key: (units[index] as BookUnit).key, ...entry, browserVersion: browserVersion ?? '' });
        }
      });
    } catch (error) {
      fail(error);
    } finally {
      open.delete(opened);
      // Closing a tab and its context takes ~60 ms: the book is merged meanwhile (commit() waits for it).
      closing.push(release(opened));
    }
  };

  const worker = async (): Promise<void> => {
    while (!failure) {
      const batch = queue.shift();
      if (batch === undefined) {
        if (undecided === 0) return;
        await wake.promise;
        continue;
      }
      const batchUnits = batch.map((i) => units[i] as BookUnit);
      while (openCount >= maxOpen && !failure) await freed.promise;
      if (failure) return;
      let opened: PaginatedPage;
      openCount++;
      try {
        documents++;
        const browser = await options.browser();
        browserVersion ??= await browser.version();
        opened = await openPaginated({
          browser,
          html: options.documentFor(batchUnits),
          manuscriptDir: options.manuscriptDir,
          fontPackages: options.fontPackages,
          timeoutMs: options.timeoutMs,
          isolated: true,
          lineBreaks: options.lineBreaks,
        });
      } catch (error) {
        await release();
        fail(error);
        return;
      }
      open.add(opened);
      paginated.push(...batchUnits.map((u) => u.id));
      try {
        // A document that asked for what the build does not serve stops it before anything is cached.
        if (opened.blocked.length > 0) throw blockedError(opened.blocked);
        const description = await opened.evaluate<DocumentDescription>('Object.assign(window.parallelRuntime.describe(), { structure: window.structureRuntime.describe() })');
        const parts = splitDocument(opened.layout, description, batchUnits.map((u) => u.id));
        parts.forEach((part, k) => {
          const count = counts[batch[k] as number] as Deferred<number>;
          if (!count.settled) count.resolve(part.pages[1] - part.pages[0] + 1);
        });
        prints.push(printDocument(batch, opened, parts));
      } catch (error) {
        open.delete(opened);
        await release(opened);
        fail(error);
      }
    }
  };

  try {
    await Promise.all([...Array.from({ length: Math.max(1, options.jobs) }, worker), ...decisions]);
    await Promise.all(prints);
  } finally {
    await Promise.all([...open].map((o) => o.close()));
  }
  if (failure) {
    await Promise.all(closing);
    throw failure;
  }
  browserVersion ??= entries.find((e) => e?.browserVersion)?.browserVersion;
  const commit = async (): Promise<void> => {
    await Promise.all(closing);
    for (const write of writes) await write();
  };
  return { units: results.map((r) => r as PaginatedUnit), paginated, documents, browserVersion, commit };
}

/** What parallel-runtime.js reports of a laid-out document. */
interface DocumentDescription {
  starts: Record<string, number>;
  blanks: number[];
  anchors: Record<string, { page: number; top: number }>;
  links: { id: string; page: number; rects: number[][] }[];
  structure: DocumentStructure;
}

/** Cuts a document's layout into its units' layouts, each counted from the unit's first page. */
function splitDocument(layout: PageLayout, description: DocumentDescription, ids: string[]): { pages: [number, number]; layout: PartLayout }[] {
  const starts = ids.map((id) => {
    const start = description.starts[id];
    if (start === undefined) throw new Error(`unit ${id} not found in its laid-out document`);
    return start;
  });
  const blanks = new Set(description.blanks);
  return ids.map((_, k) => {
    const from = starts[k] as number;
    let to = k < ids.length - 1 ? (starts[k + 1] as number) - 1 : layout.pageCount;
    if (to > from && blanks.has(to)) to--;
    const inside = <T extends { page: number }>(items: T[]): T[] =>
      items.filter((item) => item.page >= from && item.page <= to).map((item) => ({ ...item, page: item.page - from + 1 }));
    const pages = to - from + 1;
    const local: PageLayout = {
      ...layout,
      pageCount: pages,
      headings: inside(layout.headings),
      calls: inside(layout.calls),
      notes: inside(layout.notes),
      blocks: inside(layout.blocks),
      // The document's count of hyphenated line ends, shared out by pages.
      hyphens: Math.round((layout.hyphens * pages) / Math.max(1, layout.pageCount)),
      timings: k === 0 ? layout.timings : { paginateMs: 0, settleMs: 0, collectMs: 0 },
    };
    if (layout.probes) {
      // The line breaker's figures are the document's: counted once, with its first unit.
      local.probes = { findings: inside(layout.probes.findings), pages: inside(layout.probes.pages), lineBreaks: k === 0 ? layout.probes.lineBreaks : null };
    }
    const anchors = Object.fromEntries(
      Object.entries(description.anchors)
        .filter(([, a]) => a.page >= from && a.page <= to)
        .map(([id, a]) => [id, { ...a, page: a.page - from + 1 }]),
    );
    const structure = sliceStructure(description.structure, from, to, `${ids[k]}/`);
    return { pages: [from, to], layout: { layout: local, anchors, links: inside(description.links), structure } };
  });
}
