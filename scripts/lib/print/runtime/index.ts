/**
 * The page runtime: loaded by a print document after Paged.js (paged.polyfill.js), bundled from these modules
 * (page-bundles.ts). It registers the handlers Paged.js lays the book out with, breaks the lines before it
 * starts, finishes each page as it is laid out, and publishes `window.book` (contract.ts) for the build.
 */
import { AnchorMeasure } from './anchors.ts';
import { HELD_BODY_ATTRIBUTE, type BookPage, type ParagraphBreaks, type PageLayout, type PreviewHost, type RuntimeOptions } from './contract.ts';
import { FinishedPages } from './finished-pages.ts';
import { PageFinishing, type DocumentFinisher, type PageFinisher } from './finishers.ts';
import { keepLines } from './keep-lines.ts';
import { LayoutProbing } from './layout-probes.ts';
import { LineBreaker } from './line-breaks.ts';
import { LostText } from './lost-text.ts';
import { LayoutMeasure } from './measure-layout.ts';
import { StructureMeasure } from './measure-structure.ts';
import { fillContents, fillEndnoteHeads, fillPageReferences, setFolios } from './numbers.ts';
import { leaveOutUnprintedFurniture } from './page-furniture.ts';
import { pagedHandler, type HandlerClass } from './paged.ts';
import { breakWordsAtSoftHyphens, closeStringSetQuotes, contentMovedIntoTemplate, keepBarePageSize, keepStringsOffTheText, layOutWithoutFrameWaits, noResizeObservers, parseStyleSheetsAhead, type PolyfillPreviewer, stableSelectorIds, numberNoteCalls, orderNoteSeries, reportUnplaceableBlocks, setStringsAfterReading, splitLongNotes, stableRefs, styleSheetsFetchedAtLoad } from './pagedjs-fixes.ts';
import { checkOverflowOncePerRun } from './overflow-checks.ts';
import { LayoutResumption } from './resume-layout.ts';
import { capitalRunningHeads } from './running-heads.ts';
import { HyphenSettling } from './settle-hyphens.ts';
import { fitTables, keepTableRows, repeatTableHeaders } from './tables.ts';

const options: RuntimeOptions = window.bookRuntimeOptions ?? { finishing: 'print' };
const print = options.finishing === 'print';

const errors: string[] = [];
window.addEventListener('error', (event) => errors.push(String(event.message)));
window.addEventListener('unhandledrejection', (event) => errors.push(String((event.reason as Error)?.stack || event.reason)));

// Every font face the style sheets declare is loading already (print-html.ts starts them from the head), so all
// are in when the line breaker waits for them; a face declared since is started here. Paged.js loads the faces
// nothing had asked for yet before it lays out the first page (Chunker.loadFonts): the tab waited for them
// there, idle, after the line breaker.
for (const face of document.fonts) if (face.status === 'unloaded') face.load().catch(() => undefined);

/** In the preview, the page that holds this document's frame, and the unit the frame shows. */
function previewHost(): { host: PreviewHost; unit: string } | undefined {
  if (print || window.parent === window) return undefined;
  try {
    const host = window.parent.bookPreviewHost;
    const unit = (window.frameElement as HTMLElement | null)?.dataset.unit;
    return host && unit ? { host, unit } : undefined;
  } catch {
    // A frame of another origin: no host.
    return undefined;
  }
}
const hosted = previewHost();
// The preview keeps the unit's line-breaking decisions between saves, as a watching build does.
if (hosted && !window.bookLineBreakReuse) window.bookLineBreakReuse = async (keys) => hosted.host.lineBreakReuse(hosted.unit, keys);

const lineBreaker = new LineBreaker();
lineBreaker.measureFromLoad();
if (hosted) lineBreaker.skipFromLoad();
const measure = new LayoutMeasure();
const probing = new LayoutProbing(() => lineBreaker.stats);
const anchors = new AnchorMeasure();
const structure = new StructureMeasure(() => lineBreaker.insertedHyphens);
const hyphens = new HyphenSettling();
const lostText = new LostText();

/**
 * What is done on each finished page, in this order: those that read the page, then the one that writes to
 * it (settling soft hyphens), whose changes would have to be laid out again for the others to read on. The
 * preview only shows the pages: nothing is measured for a build, and the text layer is not a PDF's.
 */
const PAGE_FINISHERS: PageFinisher[] = print ? [measure, probing.page, anchors, structure, hyphens] : [];
/** What is done once every page is laid out, adding to the layout the build reads. */
const DOCUMENT_FINISHERS: DocumentFinisher[] = print ? [probing.document] : [];

const finishing = new PageFinishing(PAGE_FINISHERS);
const finishedPages = new FinishedPages(finishing);
/** The preview lays a unit out again from the page before the first change (resume-layout.ts). */
const resumption = hosted
  ? new LayoutResumption(
      () => hosted.host.previousLayout(hosted.unit),
      finishedPages,
      (position, page) => hosted.host.pageLaidOut(hosted.unit, position, page),
    )
  : undefined;
if (resumption) finishedPages.beforeReturn = (pages) => resumption.showLast(pages);

/**
 * The handlers Paged.js lays the book out with, in the order a hook calls them. Pages are set aside (and
 * finished) after the running heads' strings are mended: the strings are custom properties of the page, and a
 * change to one has Chromium compute the style of everything on the page again, once for all changes before
 * the next measurement (the finishers' first) instead of once before it and once after.
 */
const HANDLERS: HandlerClass[] = [
  class FlowBegun extends pagedHandler() {
    beforeParsed(): void {
      beganMs = performance.now() - workSince;
    }
  },
  layOutWithoutFrameWaits(),
  stableRefs(),
  // What a layout lost is for the build to refuse (describe()); the preview shows what it has.
  ...(print ? [lostText.handler()] : []),
  closeStringSetQuotes(),
  capitalRunningHeads(),
  keepStringsOffTheText(),
  finishedPages.handler(),
  breakWordsAtSoftHyphens(),
  keepLines(),
  repeatTableHeaders(),
  keepTableRows(),
  ...(resumption ? [resumption.handler()] : []),
];

numberNoteCalls(window.Paged);
orderNoteSeries(window.Paged);
splitLongNotes(window.Paged);
setStringsAfterReading(window.Paged);
void styleSheetsFetchedAtLoad(window.Paged);
contentMovedIntoTemplate(window.Paged);
if (print) reportUnplaceableBlocks((block, page) => probing.unplaceableBlock(block, page));
// The preview's frames are visible, and a page that grows there is laid out again.
if (print) noResizeObservers(window.Paged);
if (print) keepBarePageSize(window.Paged);
if (print) checkOverflowOncePerRun(window.Paged);
// The preview's pages of one layout stand in for those of the next (resume-layout.ts).
if (resumption) {
  stableSelectorIds(window.Paged);
  resumption.trackHandlerState(window.Paged);
}
window.Paged.registerHandlers(...HANDLERS);

/**
 * When the page's work for this build began: a document loaded ahead (print/document-tabs.ts) counts from its
 * body going in, since its load and its wait come before the save and are no part of the build's time.
 */
let workSince = 0;
/** When Paged.js began laying out pages, counted as `workSince` counts. */
let beganMs = 0;
let announceLayout: () => void = () => undefined;
/** Settles once `window.book.layout` is set (`whenLaidOut`). */
const laidOut = new Promise<void>((resolve) => (announceLayout = resolve));

/** The layout once Paged.js is done; `window.book.layout` is set last, since the build waits for it. */
function finish(): void {
  let layout: PageLayout;
  try {
    finishing.check();
    const paginated = performance.now() - workSince;
    // Line ends the line breaker chose at a soft hyphen are real hyphens already; Chromium's own are settled page by page.
    const pinned = lineBreaker.stats?.hyphens || 0;
    layout = {
      pageCount: document.querySelectorAll('.pagedjs_page').length,
      ...measure.measured,
      hyphens: pinned + hyphens.hyphens,
      errors,
      timings: { paginateMs: paginated, settleMs: hyphens.ms, collectMs: measure.ms, structureMs: structure.ms, beganMs, ...lineBreakMemoTimings() },
    };
  } catch (error) {
    errors.push(String((error as Error)?.stack || error));
    window.book.layout = { errors } as unknown as PageLayout;
    announceLayout();
    return;
  }
  for (const finisher of DOCUMENT_FINISHERS) finisher.finish(layout);
  if (print) leaveOutUnprintedFurniture();
  window.book.layout = layout;
  announceLayout();
}

/** When the line breaker asked the build for its remembered decisions and had the answer, counted as `workSince` counts. */
function lineBreakMemoTimings(): { memoAskedMs?: number; memoAnsweredMs?: number } {
  const { memoAskedAt, memoAnsweredAt } = lineBreaker;
  return memoAskedAt === undefined || memoAnsweredAt === undefined ? {} : { memoAskedMs: memoAskedAt - workSince, memoAnsweredMs: memoAnsweredAt - workSince };
}

const book: BookPage = {
  layout: undefined,
  whenLaidOut: () => laidOut,
  describe: () => ({ ...anchors.describe(), structure: structure.describe(), lost: lostText.lost() }),
  setFolios,
  fillContents,
  // The endnotes' running heads come from the same pages: their calls are the endnotes unit's references.
  fillPageReferences: (pages) => {
    fillPageReferences(pages);
    fillEndnoteHeads(pages);
  },
  freshLineBreaks: () => lineBreaker.fresh,
  usedLineBreaks: () => lineBreaker.used,
  layoutRecord: () => (book.layout ? resumption?.record() : undefined),
  resumed: () => resumption?.report,
};
window.book = book;

// Paged.js reads its config object when it loads and calls these once the document is ready. Tables are
// fitted to the measure first: a condensed or turned table is what the line breaker and Paged.js then see.
// A document loaded ahead of its body (print/document-tabs.ts) waits here, with Paged.js, the runtime, the
// styles and the fonts' style sheets loaded, until the build puts the body in: from there on it is laid out as
// a document loaded whole (Paged.js reads the body by its markup, wrapContent). Meanwhile Paged.js parses the
// style sheets, which it did after the line breaker (parseStyleSheetsAhead keeps what the page sees in order).
window.PagedConfig.before = async () => {
  if (document.body.hasAttribute(HELD_BODY_ATTRIBUTE)) {
    let ahead: Map<string, ParagraphBreaks> | undefined;
    window.bookLineBreaksAhead = async (entries) => {
      const binary = atob(entries);
      const packed = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) packed[i] = binary.charCodeAt(i);
      const json = await new Response(new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
      ahead = new Map(JSON.parse(json) as [string, ParagraphBreaks][]);
    };
    const released = new Promise<void>((resolve) => {
      window.bookRelease = (body, memoCurrent = false) => {
        workSince = performance.now();
        if (memoCurrent && ahead) lineBreaker.useRemembered(ahead);
        ahead = undefined;
        document.body.removeAttribute(HELD_BODY_ATTRIBUTE);
        document.body.innerHTML = body;
        resolve();
      };
    });
    await parseStyleSheetsAhead((window as unknown as { PagedPolyfill: PolyfillPreviewer }).PagedPolyfill);
    await released;
  }
  await fitTables();
  return lineBreaker.run();
};
window.PagedConfig.after = () => finish();
