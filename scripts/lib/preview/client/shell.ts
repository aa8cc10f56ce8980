/**
 * The preview page in the browser: listens for rebuilds (server-sent events), lays out the print units that
 * changed in hidden frames (one per unit) and swaps them in at the same page, numbers the book across the
 * frames as the print build does (the same numbering module), reloads the web view, shows problems.
 * Bundled for the page by page-bundles.ts.
 */
import type { Diagnostic } from '../../diagnostics.ts';
import { bookPageCount, contentsNumbers, firstPages, folioLabel, romanPageCount } from '../../print/numbering.ts';
import type { PageLayout, ParagraphBreaks, PreviewHost } from '../../print/runtime/contract.ts';

/** What tests and the bench read: the version shown in each view, and the page count. */
interface PreviewStatus {
  pagedVersion: number;
  /** Counts every change to the pages on show: a unit's frame swapped in, or a page of a layout under way put in
   * place of the page on show. */
  pageChanges: number;
  webVersion: number;
  buildVersion: number;
  pages: number;
  ok: boolean | null;
  diagnostics: Diagnostic[];
}

interface UnitEvent {
  id: string;
  key: string;
  /** Folioed in roman: the front matter and the prefaces after it (print/units.ts). */
  roman?: true;
}

declare global {
  interface Window {
    preview: PreviewStatus;
  }
}

const element = <T extends Element>(selector: string): T => document.querySelector(selector) as T;
const frames = element<HTMLElement>('.frames');
const webFrame = element<HTMLIFrameElement>('.web-frame');
const status = element<HTMLElement>('.status');
const problems = element<HTMLElement>('.problems');
const problemList = element<HTMLElement>('.problem-list');
const jump = element<HTMLFormElement>('.jump');
const pageInput = element<HTMLInputElement>('#jump-page');
const pageCount = element<HTMLElement>('.page-count');
const preview: PreviewStatus = { pagedVersion: 0, pageChanges: 0, webVersion: 0, buildVersion: 0, pages: 0, ok: null, diagnostics: [] };
window.preview = preview;
let view = 'paged';
let wanted = 0;
let wantedUnits: UnitEvent[] = [];
let rendering = false;

/** Each unit's line-breaking decisions of its last layout, by paragraph key (line-breaks.ts). */
const lineBreaks = new Map<string, Map<string, ParagraphBreaks>>();
/** The keys each unit's frame asked for in its layout under way. */
const askedKeys = new Map<string, string[]>();

/** The printed folio of every id on show, as numberPages() last found them. */
let folios: Record<string, string> = {};

/** The frame on show for a unit. */
const shownFrame = (unit: string): HTMLIFrameElement | undefined => shownFrames().find((frame) => frame.dataset.unit === unit);

/**
 * What the frames ask of this page. Only strings and objects made here are kept: an object of a frame's
 * own would keep the frame's whole document alive after it is gone.
 */
const host: PreviewHost = {
  lineBreakReuse(unit, keys) {
    const asked = Array.from(keys, String);
    askedKeys.set(unit, asked);
    const known = lineBreaks.get(unit);
    return asked.map((key) => known?.get(key) ?? null);
  },
  previousLayout(unit) {
    return shownFrame(unit)?.contentWindow?.book?.layoutRecord();
  },
  pageLaidOut(unit, position, page) {
    const frame = shownFrame(unit);
    const doc = frame?.contentDocument;
    const shown = doc?.querySelectorAll<HTMLElement>('.pagedjs_pages > .pagedjs_page');
    const old = shown?.[position];
    const last = shown?.[position - 1];
    // A page past the last on show (the edit made the unit longer) follows it.
    if (!frame || !doc || !(old || (last && position === shown?.length))) return;
    // A copy in the frame's own document: nothing of the frame laying out is kept.
    const copy = doc.importNode(page, true) as HTMLElement;
    if (old) {
      if (old.dataset.bookPage) copy.dataset.bookPage = old.dataset.bookPage;
      old.replaceWith(copy);
    } else if (last) {
      last.after(copy);
      fit(frame);
    }
    frame.contentWindow?.book?.fillPageReferences(folios);
    preview.pageChanges++;
  },
};
window.bookPreviewHost = host;

/** Keeps what a unit's new layout decided and reused, for its next one. */
function keepLineBreaks(frame: HTMLIFrameElement): void {
  const unit = frame.dataset.unit as string;
  const known = lineBreaks.get(unit);
  const kept = new Map<string, ParagraphBreaks>();
  for (const key of askedKeys.get(unit) ?? []) {
    const breaks = known?.get(key);
    if (breaks) kept.set(key, breaks);
  }
  for (const [key, breaks] of frame.contentWindow?.book.freshLineBreaks() ?? []) {
    kept.set(String(key), { html: String(breaks.html), outcome: breaks.outcome, hyphens: Number(breaks.hyphens), ...(breaks.softHyphens ? { softHyphens: Array.from(breaks.softHyphens, String) } : {}) });
  }
  lineBreaks.set(unit, kept);
  askedKeys.delete(unit);
}

/** The frames on show, in reading order: one per unit (front matter, each chapter, the sources). */
function shownFrames(): HTMLIFrameElement[] {
  return Array.from(frames.querySelectorAll<HTMLIFrameElement>('iframe:not(.next)'));
}

/** Every page on show with its number in the book, top to bottom. */
function bookPages(): { frame: HTMLIFrameElement; page: HTMLElement }[] {
  return shownFrames().flatMap((frame) =>
    Array.from(frame.contentDocument ? frame.contentDocument.querySelectorAll<HTMLElement>('.pagedjs_page[data-book-page]') : []).map((page) => ({ frame, page })),
  );
}

/** The page at the top of the view and how far into it, to come back to after an update. */
function position(): { page: number; offset: number } | null {
  const top = frames.getBoundingClientRect().top;
  // Rectangles inside a frame are in its zoomed pixels already: the frame's top plus them is the shell's.
  for (const { frame, page } of bookPages()) {
    const box = page.getBoundingClientRect();
    const frameTop = frame.getBoundingClientRect().top;
    if (frameTop + box.bottom > top) return { page: Number(page.dataset.bookPage), offset: top - (frameTop + box.top) };
  }
  return null;
}

function goTo(pageNumber: number, offset: number): boolean {
  const found = bookPages().find(({ page }) => Number(page.dataset.bookPage) === pageNumber);
  if (!found) return false;
  const frameTop = found.frame.getBoundingClientRect().top - frames.getBoundingClientRect().top + frames.scrollTop;
  frames.scrollTo(0, frameTop + found.page.getBoundingClientRect().top + (offset || 0) - 12);
  return true;
}

/**
 * The zoom that fits a spread in the view at the shell's width, and one row of spreads at that zoom (a page and
 * the gap below it), as measured on a frame: every unit's pages are the same size, so a new frame takes them
 * without being measured unzoomed first, a layout of all its pages for one number.
 */
let fitted: { width: number; zoom: number; row: number } | undefined;

/** Measures `fitted` on `frame` if the shell's width has changed since it was (or it never was). */
function fitZoom(frame: HTMLIFrameElement): void {
  if (fitted?.width === frames.clientWidth) return;
  const doc = frame.contentDocument;
  const first = doc && doc.querySelector('.pagedjs_page');
  if (!doc || !first) return;
  doc.documentElement.style.zoom = '';
  const box = first.getBoundingClientRect();
  const zoom = Math.min(1, frames.clientWidth / (box.width * 2 + 48));
  fitted = { width: frames.clientWidth, zoom, row: Math.round((box.height + 24) * zoom) };
}

/** Zoom that fits a spread in the view, and the frame as tall as its pages. */
function fit(frame: HTMLIFrameElement): void {
  fitZoom(frame);
  const doc = frame.contentDocument;
  if (!doc || !fitted) return;
  doc.documentElement.style.zoom = String(fitted.zoom);
  const pages = doc.querySelector('.pagedjs_pages');
  frame.style.height = `${Math.ceil(pages ? pages.getBoundingClientRect().bottom : 0)}px`;
}

/**
 * The frame's layout once Paged.js is done, taken from the frame's own promise in the task that ends the layout.
 * Polled for, the finished frame waited for the poll's next turn, and a paint that came first took the main
 * thread for all of the hidden frame's pages before the swap.
 */
function waitForPages(frame: HTMLIFrameElement, timeoutMs: number): Promise<PageLayout> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Paged.js did not finish')), timeoutMs);
    const poll = (): void => {
      const book = frame.contentWindow?.book;
      if (!book) {
        setTimeout(poll, 15);
        return;
      }
      void book.whenLaidOut().then(() => {
        clearTimeout(timer);
        resolve(book.layout as PageLayout);
      });
    };
    poll();
  });
}

/**
 * Numbers the book across the frames, as the print build does after laying out its units: each unit opens
 * on a recto (a blank verso after a unit with an odd page count), folios run on, the contents page gets the
 * first page of each unit, the cross-references ("blz. 23") and the endnotes' heads the pages their targets
 * are shown on. Only counters and numbers drawn in place change: nothing is laid out again.
 */
function numberPages(): void {
  const numbered = shownFrames().filter((frame) => frame.contentDocument && frame.contentWindow?.book);
  const pages = numbered.map((frame) => Array.from((frame.contentDocument as Document).querySelectorAll<HTMLElement>('.pagedjs_page')));
  const counts = pages.map((p) => p.length);
  const firsts = firstPages(counts);
  const front = numbered.findIndex((frame) => frame.dataset.roman === undefined);
  const romanPages = romanPageCount(counts, front < 0 ? numbered.length : front);
  let previousEven = false;
  numbered.forEach((frame, i) => {
    const first = firsts[i] as number;
    const roman = first <= romanPages;
    const folio = roman ? first : first - romanPages;
    const unitPages = pages[i] as HTMLElement[];
    if (frame.dataset.first !== `${folio}${roman ? 'r' : ''}`) {
      // The unit's document counts from 1: its first page's counter moves on to the book's folio.
      frame.contentWindow?.book.setFolios([{ page: 1, increment: folio, style: roman ? 'roman' : 'arabic' }]);
      frame.dataset.first = `${folio}${roman ? 'r' : ''}`;
    }
    unitPages.forEach((page, k) => (page.dataset.bookPage = String(first + k)));
    // A unit that ends on a verso is followed on the facing recto: the next frame moves up one row.
    frame.style.marginTop = previousEven ? `-${rowHeight(frame)}px` : '0';
    previousEven = unitPages.length % 2 === 0;
  });
  numbered.find((f) => f.dataset.unit === 'front')?.contentWindow?.book.fillContents(contentsNumbers(numbered.map((f) => f.dataset.unit as string), firsts, romanPages));
  folios = {};
  pages.forEach((unitPages, i) =>
    unitPages.forEach((page, k) => {
      for (const element of page.querySelectorAll('.pagedjs_page_content [id]')) folios[element.id] ??= folioLabel((firsts[i] as number) + k, romanPages);
    }),
  );
  for (const frame of numbered) frame.contentWindow?.book.fillPageReferences(folios);
  preview.pages = bookPageCount(pages.map((p) => p.length));
  pageCount.textContent = `van ${preview.pages}`;
  pageInput.max = String(preview.pages);
}

/** One row of spreads in a frame: a page and the gap below it, as shown. */
function rowHeight(frame: HTMLIFrameElement): number {
  if (fitted?.width === frames.clientWidth) return fitted.row;
  const doc = frame.contentDocument;
  const page = doc && doc.querySelector('.pagedjs_page');
  if (!doc || !page) return 0;
  const zoom = Number(doc.documentElement.style.zoom || 1);
  return Math.round(page.getBoundingClientRect().height + 24 * zoom);
}

function newFrame(unit: UnitEvent, version: number): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.className = 'next';
  frame.title = 'Gezette pagina’s';
  frame.dataset.unit = unit.id;
  frame.dataset.key = unit.key;
  if (unit.roman) frame.dataset.roman = '';
  frame.setAttribute('scrolling', 'no');
  frame.src = `/paged/${encodeURIComponent(unit.id)}.html?k=${unit.key}&v=${version}`;
  return frame;
}

/**
 * Lays out only the units whose key changed, each in a frame of its own behind the one on show, then swaps
 * them in and numbers the pages again. Frames are never moved in the page (that would reload them).
 */
async function renderPaged(): Promise<void> {
  if (rendering) return;
  rendering = true;
  try {
    while (wanted > preview.pagedVersion) {
      const version = wanted;
      const units = wantedUnits;
      const keep = position();
      const shown = shownFrames();
      const placed: { frame: HTMLIFrameElement; old?: HTMLIFrameElement }[] = [];
      let anchor: HTMLIFrameElement | null = null;
      for (const unit of units) {
        const old = shown.find((f) => f.dataset.unit === unit.id);
        if (old && old.dataset.key === unit.key) {
          placed.push({ frame: old });
          anchor = old;
          continue;
        }
        const frame = newFrame(unit, version);
        frames.insertBefore(frame, anchor ? anchor.nextSibling : frames.firstChild);
        anchor = frame;
        placed.push({ frame, old });
      }
      const fresh = placed.filter((p) => p.frame.classList.contains('next'));
      try {
        await Promise.all(fresh.map(({ frame }) => waitForPages(frame, 60000)));
      } catch (error) {
        for (const { frame } of fresh) frame.remove();
        status.textContent = `zetten mislukt: ${(error as Error).message}`;
        break;
      }
      for (const { frame } of fresh) keepLineBreaks(frame);
      const kept = new Set(placed.map((p) => p.frame));
      for (const frame of shown) if (!kept.has(frame)) frame.remove();
      for (const { frame } of fresh) {
        frame.classList.remove('next');
        fitZoom(frame);
      }
      // Numbered before they are fitted: the new folios and page references are then laid out with the zoom,
      // in the one layout of the frame that measuring its height takes.
      numberPages();
      for (const { frame } of fresh) fit(frame);
      if (keep) goTo(Math.min(keep.page, preview.pages), keep.offset);
      preview.pagedVersion = version;
      preview.pageChanges++;
      setStatus();
    }
  } finally {
    rendering = false;
  }
}

function reloadWeb(version: number): void {
  const win = webFrame.contentWindow;
  const y = win && win.location.href !== 'about:blank' ? win.scrollY : 0;
  webFrame.addEventListener(
    'load',
    () => {
      webFrame.contentWindow?.scrollTo(0, y);
      preview.webVersion = version;
    },
    { once: true },
  );
  webFrame.src = `/web/index.html?v=${version}`;
}

function setStatus(): void {
  const time = new Date().toLocaleTimeString('nl-NL');
  status.textContent = preview.ok === false ? `fouten in het manuscript (${time})` : `${preview.pages} pagina’s, bijgewerkt ${time}`;
}

function showProblems(diagnostics: Diagnostic[], ok: boolean): void {
  problemList.replaceChildren(
    ...diagnostics.map((d) => {
      const li = document.createElement('li');
      li.className = `severity-${d.severity}`;
      const where = document.createElement('span');
      where.className = 'where';
      where.textContent = !d.file ? d.source || '' : d.line > 0 ? `${d.file}:${d.line}:${Math.max(d.column, 1)}` : d.file;
      li.append(where, `  ${d.severity}  ${d.message}  [${d.rule}]`);
      return li;
    }),
  );
  problems.hidden = ok;
}

function onBuild(data: { version: number; ok: boolean; diagnostics: Diagnostic[]; units: UnitEvent[] }): void {
  preview.buildVersion = data.version;
  preview.ok = data.ok;
  preview.diagnostics = data.diagnostics;
  showProblems(data.diagnostics, data.ok);
  setStatus();
  if (!data.ok) return;
  wanted = data.version;
  wantedUnits = data.units;
  void renderPaged();
}

/** The web view reloads when it is shown, so a hidden one does not compete with pagination. */
let webWanted = 0;
function onWeb(data: { version: number }): void {
  webWanted = data.version;
  if (view === 'web') reloadWeb(webWanted);
}

const events = new EventSource('/__preview/events');
events.addEventListener('build', (event) => onBuild(JSON.parse((event as MessageEvent<string>).data)));
events.addEventListener('web', (event) => onWeb(JSON.parse((event as MessageEvent<string>).data)));
events.addEventListener('error', () => {
  status.textContent = 'verbinding met de server verbroken; opnieuw verbinden…';
});

for (const button of document.querySelectorAll<HTMLButtonElement>('.views button')) {
  button.addEventListener('click', () => {
    view = button.dataset.view as string;
    for (const b of document.querySelectorAll('.views button')) b.setAttribute('aria-pressed', String(b === button));
    frames.hidden = view !== 'paged';
    webFrame.hidden = view !== 'web';
    jump.hidden = view !== 'paged';
    if (view === 'web' && webWanted > preview.webVersion && !webFrame.src.endsWith(`v=${webWanted}`)) reloadWeb(webWanted);
  });
}
jump.addEventListener('submit', (event) => {
  event.preventDefault();
  const page = Number(pageInput.value);
  if (!goTo(page, 0)) status.textContent = `geen pagina ${page}`;
});
element<HTMLElement>('.problems-close').addEventListener('click', () => {
  problems.hidden = true;
});
window.addEventListener('resize', () => {
  fitted = undefined;
  for (const frame of shownFrames()) fit(frame);
  numberPages();
});
