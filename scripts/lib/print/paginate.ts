import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'puppeteer';
import { BOOK_ORIGIN, browserGone, serveHermetically, type SiteMap } from '../browser.ts';
import { BuildError, diagnostic } from '../diagnostics.ts';
import type { LayoutProbes } from '../layout/probes.ts';
import { libDir, packageDir, stylesDir } from '../paths.ts';
import { charactersOf, stylesheetsText, trimFontFaces } from './font-faces.ts';
import type { LineBreakMemo, ParagraphBreaks } from './line-break-memo.ts';

/** What the page reports after Paged.js has laid it out (see runtime/paged-runtime.js). */
export interface PageLayout {
  pageCount: number;
  /** CSS px of one sheet, bleed included. */
  pageWidth: number;
  pageHeight: number;
  headings: { id: string; level: number; text: string; page: number; top: number }[];
  calls: { ref: string; page: number }[];
  notes: { ref: string; page: number }[];
  /** Each manuscript block (paragraph, heading, list item) with the page its first line is on. */
  blocks: { file: string; line: number; page: number }[];
  /** Soft hyphens that ended a line and became real hyphens. */
  hyphens: number;
  errors: string[];
  /** What the layout probes measured (runtime/layout-probes.js). */
  probes?: LayoutProbes;
  /** Milliseconds in the page: until Paged.js finished; of it, settling soft hyphens and measuring pages. */
  timings: { paginateMs: number; settleMs: number; collectMs: number };
}

export interface PaginateOptions {
  browser: Browser;
  html: string;
  manuscriptDir: string;
  fontPackages: string[];
  timeoutMs: number;
}

const runtimeDir = path.join(libDir, 'print', 'runtime');

/** What the print document may load: itself at /index.html, styles/, the runtime, the manuscript folder,
 * Paged.js and the font packages. The build serves it by request interception, the preview over HTTP. */
export function printSite(html: string, manuscriptDir: string, fontPackages: string[], origin = BOOK_ORIGIN): SiteMap {
  let characters: Set<number> | undefined;
  const fontSheets: SiteMap['documents'] = {};
  for (const name of fontPackages) {
    for (const [, href] of html.matchAll(new RegExp(`<link rel="stylesheet" href="(/pkg/${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[^"]+\\.css)">`, 'g'))) {
      const file = path.join(packageDir(name), (href as string).slice(`/pkg/${name}/`.length));
      if (!existsSync(file)) continue;
      characters ??= charactersOf([html, stylesheetsText(stylesDir)]);
      fontSheets[href as string] = { body: trimFontFaces(readFileSync(file, 'utf8'), characters), contentType: 'text/css; charset=utf-8' };
    }
  }
  return {
    origin,
    documents: { '/index.html': { body: html, contentType: 'text/html; charset=utf-8' }, ...fontSheets },
    folders: {
      '/styles/': stylesDir,
      '/runtime/': runtimeDir,
      '/manuscript/': manuscriptDir,
      '/pkg/pagedjs/': packageDir('pagedjs'),
      ...Object.fromEntries(fontPackages.map((name) => [`/pkg/${name}/`, packageDir(name)])),
    },
  };
}

/** A tab whose document Paged.js has laid out: read it, adjust what does not move the layout, print it. */
export interface PaginatedPage {
  layout: PageLayout;
  blocked: string[];
  /** Runs a function in the page (after pagination, before printing). */
  evaluate<T>(expression: string): Promise<T>;
  /** `tagged`: with Chromium's structure tree (a merged book loses it, so its parts skip the work). */
  print(options?: { tagged?: boolean }): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface OpenPaginatedOptions extends PaginateOptions {
  /** A browser context of its own (separate renderer process) instead of a tab of the default one. */
  isolated?: boolean;
  /** Line-breaking decisions of earlier builds, used and added to (a watching build keeps them). */
  lineBreaks?: LineBreakMemo;
}

interface IsolatedTab {
  context: BrowserContext;
  page: Page;
}

const spareTabs = new WeakMap<Browser, Promise<IsolatedTab | undefined>[]>();

async function newIsolatedTab(browser: Browser): Promise<IsolatedTab> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await hideWindow(page);
  return { context, page };
}

/**
 * Minimizes the tab's window. A visible page is painted, composited and rastered on every frame, about one
 * a page while Paged.js works: a sixth of a renderer's time, and the GPU process's besides (20× book: 10.0-
 * 10.9 s instead of 11.5-12.5 s, same PDF). A hidden page gets no frames; Paged.js's queue does not wait for
 * them (paged-runtime.js), and printing lays the pages out itself. Its ResizeObservers, which run in frames,
 * stay silent: they watch for a laid-out page that grows later (a late font), and fonts are loaded before
 * Paged.js begins. A browser that cannot minimize (an older headless shell) lays out visibly, as before.
 */
async function hideWindow(page: Page): Promise<void> {
  const cdp = await page.createCDPSession();
  try {
    const { windowId } = await cdp.send('Browser.getWindowForTarget');
    await cdp.send('Browser.setWindowBounds', { windowId, bounds: { windowState: 'minimized' } });
  } catch {
    // Laid out visibly: slower, the same pages.
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/** A tab in a browser context of its own: a spare one if `prepareSpareTabs` made it, else a new one. */
async function isolatedTab(browser: Browser): Promise<IsolatedTab> {
  // Taken before waiting for it: two documents opening at once must not both get the same spare tab.
  const pending = spareTabs.get(browser)?.shift();
  const spare = await pending;
  if (spare && !spare.page.isClosed()) return spare;
  return newIsolatedTab(browser);
}

/**
 * Opens tabs for the next `count` documents ahead of time. A browser context and its tab take a quarter of a
 * second to make: a one-off build makes them while it reads the manuscript (Chromium is up before the
 * reading is done), a watching build while it waits for the next save.
 */
export function prepareSpareTabs(browser: Browser, count: number): void {
  if (!browser.connected) return;
  const spares = spareTabs.get(browser) ?? [];
  spareTabs.set(browser, spares);
  while (spares.length < count) spares.push(newIsolatedTab(browser).catch(() => undefined));
}

/** Loads the document in a new tab and waits until Paged.js has laid it out; the caller prints and closes. */
export async function openPaginated(options: OpenPaginatedOptions): Promise<PaginatedPage> {
  const { browser, html, timeoutMs } = options;
  const site = printSite(html, options.manuscriptDir, options.fontPackages);
  const { context, page } = options.isolated ? await isolatedTab(browser) : { context: undefined, page: await browser.newPage() };
  if (!options.isolated) await hideWindow(page);
  const blocked: string[] = [];
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
  const close = async (): Promise<void> => {
    await page.close().catch(() => undefined);
    await context?.close().catch(() => undefined);
  };
  const guard = <T>(work: Promise<T>): Promise<T> => Promise.race([work, crashed]);
  try {
    await serveHermetically(page, site, blocked);
    const memo = options.lineBreaks;
    if (memo) await page.exposeFunction('bookLineBreakReuse', (keys: string[]) => memo.lookup(keys));
    page.setDefaultTimeout(timeoutMs);
    const layout = await Promise.race([
      scriptFailed,
      guard((async () => {
        await page.goto(`${BOOK_ORIGIN}/index.html`, { waitUntil: 'load', timeout: timeoutMs });
        try {
          await page.waitForFunction('window.bookLayout !== undefined', { timeout: timeoutMs, polling: 50 });
        } catch {
          throw renderError(`Paged.js did not finish within ${Math.round(timeoutMs / 1000)} s`);
        }
        const result = (await page.evaluate('window.bookLayout')) as PageLayout;
        if (memo) memo.store(await page.evaluate<[], () => [string, ParagraphBreaks][]>(() => (window as unknown as { bookLineBreaks: { fresh?: [string, ParagraphBreaks][] } }).bookLineBreaks.fresh ?? []));
        if (result.errors.length > 0) throw renderError(`the page reported errors: ${result.errors.join('; ')}`);
        return result;
      })()),
    ]);
    return {
      layout,
      blocked,
      evaluate: <T>(expression: string) => guard(page.evaluate(expression) as Promise<T>),
      print: ({ tagged = true } = {}) =>
        guard((async () => {
          // Printing switches the page to print media and back, each a style pass over every page; with print
          // media set first, the switch is one pass and there is no way back (the tab is closed after it).
          // 146 pages: 0.6-0.85 s of Chromium's time instead of 1.25-1.35 s, the same PDF.
          await page.emulateMediaType('print');
          return page.pdf({ preferCSSPageSize: true, printBackground: true, timeout: timeoutMs, outline: false, tagged });
        })()),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Requests a document made that the build does not serve: the build stops, before anything is written. */
export function blockedError(blocked: string[]): BuildError {
  return new BuildError(
    [...new Set(blocked)].map((url) =>
      diagnostic(
        'print/blocked-request',
        { source: 'print' },
        `the page asked for ${url}, which the build does not serve (only the manuscript, styles/ and the packages it names): builds load nothing else`,
      ),
    ),
  );
}

export function renderError(message: string): BuildError {
  return new BuildError(diagnostic('print/render', { source: 'chromium' }, message));
}
