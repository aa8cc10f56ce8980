import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, CDPSession } from 'puppeteer';
import { BOOK_ORIGIN, browserGone, serveFrom, type SiteMap } from '../browser.ts';
import { BuildError, diagnostic } from '../diagnostics.ts';
import { pageBundle } from '../page-bundles.ts';
import { packageDir, stylesDir } from '../paths.ts';
import { PAGEDJS_PATH, RUNTIME_PATH } from './print-html.ts';
import { charactersOf, stylesheetsText, trimFontFaces } from './font-faces.ts';
import type { LineBreakMemo } from './line-break-memo.ts';
import type { DocumentDescription, FolioIncrement, PageLayout, ParagraphBreaks } from './runtime/contract.ts';
import { noteRendererCpu, startPageProfile, startPrintTrace } from './page-profile.ts';
import { closeTab, openTab, type Tab } from './tabs.ts';
import { stageDone, stageTook } from '../stage-times.ts';

/** The scripts a print document loads: Paged.js and the page runtime, as page-bundles.ts makes them. */
export interface PrintScripts {
  pagedjs: string;
  runtime: string;
}

export async function printScripts(): Promise<PrintScripts> {
  const [pagedjs, runtime] = await Promise.all([pageBundle('pagedjs'), pageBundle('print-runtime')]);
  return { pagedjs, runtime };
}

/** What the print document may load: itself at /index.html, styles/, its scripts (Paged.js and the page
 * runtime), the manuscript folder and the font packages. The build serves it by request interception, the
 * preview over HTTP. */
export function printSite(html: string, manuscriptDir: string, fontPackages: string[], scripts: PrintScripts, origin = BOOK_ORIGIN, fontText = html): SiteMap {
  let characters: Set<number> | undefined;
  const fontSheets: SiteMap['documents'] = {};
  for (const name of fontPackages) {
    for (const [, href] of html.matchAll(new RegExp(`<link rel="stylesheet" href="(/pkg/${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[^"]+\\.css)">`, 'g'))) {
      const file = path.join(packageDir(name), (href as string).slice(`/pkg/${name}/`.length));
      if (!existsSync(file)) continue;
      characters ??= charactersOf([fontText, stylesheetsText(stylesDir)]);
      fontSheets[href as string] = { body: trimFontFaces(readFileSync(file, 'utf8'), characters), contentType: 'text/css; charset=utf-8' };
    }
  }
  return {
    origin,
    documents: {
      '/index.html': { body: html, contentType: 'text/html; charset=utf-8' },
      [PAGEDJS_PATH]: { body: scripts.pagedjs, contentType: 'text/javascript; charset=utf-8' },
      [RUNTIME_PATH]: { body: scripts.runtime, contentType: 'text/javascript; charset=utf-8' },
      ...fontSheets,
    },
    folders: {
      '/styles/': stylesDir,
      '/manuscript/': manuscriptDir,
      ...Object.fromEntries(fontPackages.map((name) => [`/pkg/${name}/`, packageDir(name)])),
    },
    packages: fontPackages.map((name) => `/pkg/${name}/`),
  };
}

/** A tab whose document Paged.js has laid out: read it, set the numbers that do not move the layout, print it. */
export interface LaidOutDocument {
  layout: PageLayout;
  /** Requests the page made that the build does not serve. */
  blocked: string[];
  /** Laid out in a tab loaded before the document was known (print/document-tabs.ts). */
  loadedAhead: boolean;
  /** Its line breaker looked the build's remembered line breaks up in the page, given with the tab. */
  linesRememberedInPage: boolean;
  /** Every paragraph's line-breaking decision, by its key: laid out with a memo (`lineBreaks`). */
  lineBreaks?: [string, ParagraphBreaks][];
  /** It was laid out in a tab loaded ahead, begun at the print of the build before. */
  loadedAheadFromPrint: boolean;
  /** It was laid out in a tab loaded ahead in the renderer of a document printed before. */
  rendererReused: boolean;
  describe(): Promise<DocumentDescription>;
  setFolios(increments: FolioIncrement[]): Promise<void>;
  fillContents(pages: Record<string, string>): Promise<void>;
  fillPageReferences(pages: Record<string, string>): Promise<void>;
  /**
   * Has Chromium lay the document out as the print will first (print media, every page back in the document:
   * their first layout since Paged.js set them aside), for a document that waits for its numbers; what they
   * change is laid out again at the print.
   */
  layOutForPrint(): Promise<void>;
  /** Prints the pages untagged: the build tags the PDF itself from the structure the page measured
   * (accessible-pdf.ts), which Chromium's own tags do not match. */
  print(): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** A tab whose document was loaded before its body was known (print/document-tabs.ts). */
export interface HeldTab {
  tab: Tab;
  /** Puts the document's body in: Paged.js begins. */
  release(): Promise<void>;
  /** Whether its line breaker found the build's remembered line breaks in the page, given with the tab. */
  linesRememberedInPage(): boolean;
  /** Begun at the print of the build before, not after that build ended. */
  begunAtPrint: boolean;
  /** Loaded in the renderer of a document laid out and printed before (`giveBack`). */
  rendererReused: boolean;
  /** Hands the tab back once its document is done with: `reusable` (printed, its print's session ended), the
   * next held document loads in its renderer; otherwise the caller closes it. */
  giveBack(reusable: boolean): void;
}

/** Documents loaded ahead of their body, for a watching build (print/document-tabs.ts). */
export interface HeldTabs {
  /** The held tab, serving `site` from now on, if it can lay out `html`; otherwise none. */
  take(browser: Browser, html: string, site: SiteMap, blocked: string[], lineBreaks?: LineBreakMemo): Promise<HeldTab | undefined>;
  /** The document a build laid out: the next held one is made like it (`unlessNoted`: only if none was; a
   * function is called only then). */
  noteDocument(html: string | (() => string), manuscriptDir: string, fontPackages: string[], unlessNoted?: boolean): void;
  /** A document's new tab, once printed and its print's session ended (undefined: closed instead), for the
   * next held document to load in (see DocumentTabs). */
  giveBackTab(returned: Promise<{ tab: Tab; served: Map<string, Buffer | string> } | undefined>): void;
  /** Loads the next held document, unless one is held (`atPrint`: as the build's last print is done). */
  prepare(browser: Browser, lineBreaks?: LineBreakMemo, atPrint?: boolean): Promise<void>;
}

export interface PaginateOptions {
  browser: Browser;
  html: string;
  manuscriptDir: string;
  fontPackages: string[];
  timeoutMs: number;
  /** A browser context of its own (separate renderer process) instead of a tab of the default one. */
  isolated?: boolean;
  /** Line-breaking decisions of earlier builds, used and added to (a watching build keeps them). */
  lineBreaks?: LineBreakMemo;
  /** Called when the document is loaded in its tab and Paged.js lays it out. */
  loaded?: () => void;
  /** A document loaded ahead that may stand for this one (a watching build's, isolated only). */
  heldTabs?: HeldTabs;
}

/** Lays out one document in a tab of its own and waits until Paged.js is done; the caller prints and closes. */
export async function paginate(options: PaginateOptions): Promise<LaidOutDocument> {
  const { browser, html, timeoutMs } = options;
  let clock = performance.now();
  const site = printSite(html, options.manuscriptDir, options.fontPackages, await printScripts());
  clock = stageDone('page site made', clock);
  const blocked: string[] = [];
  const held = options.isolated ? await options.heldTabs?.take(browser, html, site, blocked, options.lineBreaks) : undefined;
  if (options.isolated) options.heldTabs?.noteDocument(html, options.manuscriptDir, options.fontPackages);
  // Measuring (BOOK_RENDERER_CPU): what the held tab's renderer spent before the document came is not the document's.
  if (held) await noteRendererCpu(browser).catch(() => undefined);
  const tab = held?.tab ?? (await openTab(browser, Boolean(options.isolated)));
  clock = stageDone(held ? 'held tab taken' : 'tab opened', clock);
  const { page } = tab;
  const crashed = new Promise<never>((_, reject) => {
    page.once('error', (error) => reject(renderError(`the browser tab crashed: ${error.message}`)));
    browser.once('disconnected', () => reject(renderError(browserGone(browser))));
  });
  crashed.catch(() => undefined);
  // A script that throws while the page is laid out stops Paged.js for good: say so now, not at the timeout.
  const scriptFailed = new Promise<never>((_, reject) => {
    page.once('pageerror', (error) => reject(renderError(`a script in the page failed while laying it out: ${error instanceof Error ? error.message : String(error)}`)));
  });
  scriptFailed.catch(() => undefined);
  // In a watching build, what a new tab is served is recorded too: its renderer may be given the next held document.
  const served = options.isolated && options.heldTabs && !held ? new Map<string, Buffer | string>() : undefined;
  let printer: Promise<CDPSession> | undefined;
  const close = async (recycle = false): Promise<void> => {
    // A new tab is promised to the held documents at once, before anything here waits: the next held document
    // may begin loading (at the build's last print) while this tab is still being closed or given back.
    let givenBack: ((reset: boolean) => void) | undefined;
    if (recycle && served && printer) options.heldTabs?.giveBackTab(new Promise<boolean>((resolve) => (givenBack = resolve)).then((reset) => (reset ? { tab, served } : undefined)));
    await noteRendererCpu(browser).catch(() => undefined);
    // A tab whose document printed well gives the next held document its renderer, as a new tab would have
    // it: the print's media emulation ends with the print's session.
    const reset = recycle && (held || served) && printer ? await printer.then((cdp) => cdp.detach()).then(() => true, () => false) : false;
    if (held) held.giveBack(reset);
    givenBack?.(reset);
    if (!reset) await closeTab(tab);
  };
  const guard = <T>(work: Promise<T>): Promise<T> => Promise.race([work, crashed]);
  try {
    const memo = options.lineBreaks;
    // A held tab serves this document's site already, and has the memo.
    if (!held) {
      await serveFrom(page, () => ({ site, blocked, ...(served ? { served } : {}) }));
      // A memo with nothing in it (a one-off build's) only keeps what the page decides: the page asks nothing.
      if (memo?.isEmpty()) await page.evaluateOnNewDocument(() => void (window.bookLineBreakCollect = true));
      else if (memo) await page.exposeFunction('bookLineBreakReuse', (keys: string[]) => memo.lookup(keys));
    }
    page.setDefaultTimeout(timeoutMs);
    const stopProfile = await startPageProfile(page);
    let description: DocumentDescription | undefined;
    let lineBreaks: [string, ParagraphBreaks][] | undefined;
    const layout = await Promise.race([
      scriptFailed,
      guard(
        (async () => {
          clock = stageDone('page set up', clock);
          if (held) await held.release();
          else await page.goto(`${BOOK_ORIGIN}/index.html`, { waitUntil: 'load', timeout: timeoutMs });
          clock = stageDone(held ? 'body put in' : 'page loaded', clock);
          options.loaded?.();
          // The page says when it is done: asking every 50 ms lost 25 ms of a layout on average.
          let timer: NodeJS.Timeout | undefined;
          const timedOut = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(renderError(`Paged.js did not finish within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
          });
          // What the build reads once the page is laid out comes in the answer: the layout, the description and
          // the memo's new entries, one message instead of one each.
          let read: { layout: PageLayout; description?: DocumentDescription; fresh?: [string, ParagraphBreaks][]; used?: string[] };
          try {
            // A page whose runtime never ran has no `window.book`: it times out, as one that never finishes.
            read = await Promise.race([
              page.evaluate(
                (withMemo) =>
                  window.book
                    ? window.book.whenLaidOut().then(() => {
                        const { layout } = window.book;
                        const failed = !layout || layout.errors.length > 0;
                        if (!withMemo || failed) return { layout: layout as PageLayout, description: failed ? undefined : window.book.describe() };
                        return { layout: layout as PageLayout, description: window.book.describe(), fresh: window.book.freshLineBreaks(), used: window.book.usedLineBreaks() };
                      })
                    : new Promise<never>(() => undefined),
                Boolean(memo),
              ),
              timedOut,
            ]);
          } finally {
            clearTimeout(timer);
          }
          clock = stageDone('laid out in the page', clock);
          const result = read.layout;
          description = read.description;
          // The page's own clock, from its body going in: the build's stages above include the messages between.
          if (result.timings) {
            if (result.timings.memoAnsweredMs !== undefined) {
              stageTook('in the page, line-break memo asked', result.timings.memoAskedMs ?? NaN);
              stageTook('in the page, line-break memo answered', result.timings.memoAnsweredMs);
            }
            stageTook('in the page, Paged.js begun', result.timings.beganMs ?? NaN);
            stageTook('in the page, laid out', result.timings.paginateMs);
          }
          if (memo && read.fresh) {
            memo.store(read.fresh);
            // Every paragraph's decision, for the print cache to keep with the printed document.
            const used = read.used ?? [];
            const known = memo.lookup(used);
            lineBreaks = [...read.fresh, ...used.flatMap((key, i): [string, ParagraphBreaks][] => (known[i] ? [[key, known[i]]] : []))];
          }
          await stopProfile?.();
          if (result.errors.length > 0) throw renderError(`the page reported errors: ${result.errors.join('; ')}`);
          return result;
        })(),
      ),
    ]);
    // The print's own session, made while the document is numbered.
    const printing = page.createCDPSession();
    printing.catch(() => undefined);
    printer = printing;
    return {
      layout,
      blocked,
      loadedAhead: Boolean(held),
      linesRememberedInPage: held?.linesRememberedInPage() ?? false,
      ...(lineBreaks ? { lineBreaks } : {}),
      rendererReused: held?.rendererReused ?? false,
      loadedAheadFromPrint: held?.begunAtPrint ?? false,
      describe: () => (description ? Promise.resolve(description) : guard(page.evaluate(() => window.book.describe()))),
      setFolios: (increments) => guard(page.evaluate((list) => window.book.setFolios(list), increments)),
      fillContents: (pages) => guard(page.evaluate((numbers) => window.book.fillContents(numbers), pages)),
      fillPageReferences: (pages) => guard(page.evaluate((numbers) => window.book.fillPageReferences(numbers), pages)),
      layOutForPrint: () =>
        guard(
          (async () => {
            const cdp = await printing;
            await cdp.send('Emulation.setEmulatedMedia', { media: 'print' });
            await page.evaluate(() => void document.body.offsetHeight);
          })(),
        ),
      print: () =>
        guard(
          (async () => {
            const cdp = await printing;
            const stopTrace = await startPrintTrace(page);
            // Printing switches the page to print media and back, each a style pass over every page; with
            // print media set first, the switch is one pass and there is no way back (the session ends after, and
            // the emulation with it).
            await cdp.send('Emulation.setEmulatedMedia', { media: 'print' });
            const pdf = await printToPdf(cdp, timeoutMs);
            await stopTrace?.();
            return pdf;
          })(),
        ),
      close: () => close(true),
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The page's PDF, as puppeteer's `page.pdf({ preferCSSPageSize: true, printBackground: true, outline: false,
 * tagged: false })` prints it, less two things that cost the build's print time for nothing:
 * - its wait for `document.fonts.ready`, evaluated in an isolated world it makes at a page's first print (two
 *   round trips before the print begins): the runtime has every face loaded before Paged.js begins;
 * - the PDF as a stream, which Chromium writes to a file and puppeteer reads back with IO.read and closes
 *   (two more round trips after it): returned as base64, it comes in the print's own answer.
 */
async function printToPdf(cdp: CDPSession, timeoutMs: number): Promise<Uint8Array> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(renderError(`the print did not finish within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  });
  try {
    const { data } = await Promise.race([
      cdp.send('Page.printToPDF', {
        transferMode: 'ReturnAsBase64',
        landscape: false,
        displayHeaderFooter: false,
        headerTemplate: '',
        footerTemplate: '',
        printBackground: true,
        scale: 1,
        paperWidth: 8.5,
        paperHeight: 11,
        marginTop: 0,
        marginBottom: 0,
        marginLeft: 0,
        marginRight: 0,
        pageRanges: '',
        preferCSSPageSize: true,
        generateTaggedPDF: false,
        generateDocumentOutline: false,
      }),
      timedOut,
    ]);
    const bytes = Buffer.from(data, 'base64');
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } finally {
    clearTimeout(timer);
  }
}

/** Requests a document made that the build does not serve: the build stops, before anything is written. */
export function blockedError(blocked: string[]): BuildError {
  return new BuildError(
    [...new Set(blocked)].map((url) =>
      diagnostic(
        'print/blocked-request',
        { source: 'chromium' },
        `the page asked for ${url}, which the build does not serve (only the manuscript, styles/ and the packages it names): builds load nothing else`,
      ),
    ),
  );
}

export function renderError(message: string): BuildError {
  return new BuildError(diagnostic('print/render', { source: 'chromium' }, message));
}
