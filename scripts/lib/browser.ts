import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type HTTPRequest, type Page } from 'puppeteer';
import { BROWSER_ENV, configuredChromium, SHARED_BROWSER_ENV, startChromium, type ChromiumProcess } from './chromium-process.ts';
import { BuildError, diagnostic } from './diagnostics.ts';
import { interruption } from './interrupt.ts';
import { logRun } from './run-log.ts';
import { locateFile } from './manuscript-files.ts';
import { encodeResponsesWithBuffer } from './puppeteer-patches.ts';

export { BROWSER_ENV, SHARED_BROWSER_ENV } from './chromium-process.ts';

function noBrowser(message: string): BuildError {
  return new BuildError(
    diagnostic(
      'browser/not-found',
      { source: 'chromium' },
      `${message}. Install one: on Debian/Ubuntu \`sudo apt-get install chromium\`; elsewhere ` +
        '`npx puppeteer browsers install chrome`; or point CHROMIUM_PATH at a Chromium or Chrome binary.',
    ),
  );
}

/** Where Chromium is: $CHROMIUM_PATH (or $PUPPETEER_EXECUTABLE_PATH), the system's, or puppeteer's download. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const configured = configuredChromium(env);
  if (typeof configured === 'string') return configured;
  if (configured) throw noBrowser(`${BROWSER_ENV} is set to ${configured.missing}, which does not exist`);
  let downloaded: string | undefined;
  try {
    downloaded = puppeteer.executablePath();
  } catch {
    downloaded = undefined;
  }
  if (downloaded && existsSync(downloaded)) return downloaded;
  throw noBrowser('no Chromium found');
}

export interface BrowserSession {
  browser: Browser;
  /** Contexts of the test run's Chromium (SHARED_BROWSER_ENV), not a Chromium of this build's own. */
  shared?: boolean;
  /** Ends every process of this Chromium and removes its temporary folder. `exiting`: this process exits
   * straight after, so the processes are killed and the rest is left to the watchdog, which ends what is left
   * of them and removes the folder as this process exits: the build's last line and its exit need not wait
   * for Chromium's teardown and the folder's removal. */
  close(options?: { exiting?: boolean }): Promise<void>;
}

/** Browsers closed by the build itself: their tabs report "interrupted" or "stopped", not a crash. */
const closedOnPurpose = new WeakSet<Browser>();

/** Why a browser went away under a tab that was using it, in words for a diagnostic. */
export function browserGone(browser: Browser): string {
  const signal = interruption();
  if (signal) return `interrupted (${signal})`;
  return closedOnPurpose.has(browser) ? 'the build stopped the browser (another part of it failed)' : 'the browser quit unexpectedly';
}

/**
 * Chromium for one build (or one watching session), connected to: `started` if the caller started it
 * already (chromium-process.ts: the build command does, before it loads puppeteer), otherwise started now.
 * Its processes, folder and watchdog are chromium-process.ts's; puppeteer only connects, as its own launch
 * does once Chromium listens (the same switches, the same WebSocket). Puppeteer's signal handlers are not
 * involved: they exited the process (SIGINT) or closed the browser under the build (SIGTERM: "the browser quit
 * unexpectedly"), leaving the profile behind either way.
 */
export async function launchBrowser(timeoutMs = 30_000, started?: ChromiumProcess): Promise<BrowserSession> {
  const shared = process.env[SHARED_BROWSER_ENV];
  if (shared && !started) return connectToShared(shared);
  const chromium = started ?? startChromium(findChromium(), timeoutMs);
  let browser: Browser;
  try {
    browser = await puppeteer.connect({ browserWSEndpoint: await chromium.endpoint, protocolTimeout: 120_000, defaultViewport: { width: 800, height: 600 } });
  } catch (error) {
    await chromium.stop();
    throw new BuildError(diagnostic('browser/launch', { file: chromium.executablePath, source: 'chromium' }, `Chromium did not start: ${(error as Error).message.split('\n')[0]}`));
  }
  let closing: Promise<void> | undefined;
  return {
    browser,
    close({ exiting = false } = {}) {
      closing ??= (async () => {
        closedOnPurpose.add(browser);
        if (exiting) return chromium.stop({ exiting });
        const stopped = chromium.stop();
        browser.disconnect().catch(() => undefined);
        await stopped;
      })();
      return closing;
    },
  };
}


/**
 * A build's share of the shared Chromium: a connection that sees only the targets of the contexts it made, and
 * whose default pages (`browser.newPage()`) open in a context of the build's own, so that what a build does to a
 * context (request interception, its cache, cookies, the window it minimizes) never reaches another build's.
 * Closing it closes those contexts and disconnects; the Chromium stays for the next build. A build killed
 * outright leaves its contexts open until the test run ends and closes the Chromium.
 */
async function connectToShared(endpoint: string): Promise<BrowserSession> {
  logRun('chromium-context');
  // Contexts that were there before this connection are other builds'; so are targets of contexts this
  // connection does not know (puppeteer files them under the default context, whose id is undefined).
  let foreign: Set<string | undefined> | undefined;
  const ours = (id: string | undefined): boolean => foreign !== undefined && id !== undefined && !foreign.has(id);
  let browser: Browser;
  let context: BrowserContext;
  try {
    browser = await puppeteer.connect({ browserWSEndpoint: endpoint, protocolTimeout: 120_000, targetFilter: (target) => ours(target.browserContext().id) });
    foreign = new Set(browser.browserContexts().map((c) => c.id));
    context = await browser.createBrowserContext();
  } catch (error) {
    throw new BuildError(diagnostic('browser/launch', { source: 'chromium' }, `the shared Chromium (${SHARED_BROWSER_ENV}=${endpoint}) did not answer: ${(error as Error).message.split('\n')[0]}`));
  }
  browser.newPage = (options) => context.newPage(options);
  // A context still being made when the build closes (a spare tab of a build that failed on its input) would
  // outlive it: closing waits for it.
  const making = new Set<Promise<BrowserContext>>();
  const createContext = browser.createBrowserContext.bind(browser);
  browser.createBrowserContext = (options) => {
    const made = createContext(options);
    making.add(made);
    void made.catch(() => undefined).finally(() => making.delete(made));
    return made;
  };
  let closing: Promise<void> | undefined;
  return {
    browser,
    shared: true,
    close() {
      closing ??= (async () => {
        closedOnPurpose.add(browser);
        await Promise.allSettled([...making]);
        await Promise.all(browser.browserContexts().filter((c) => ours(c.id)).map((c) => c.close().catch(() => undefined)));
        await browser.disconnect().catch(() => undefined);
      })();
      return closing;
    },
  };
}

/** What the virtual origin serves: URL prefix -> folder on disk, or in-memory documents. */
export interface SiteMap {
  origin: string;
  folders: Record<string, string>;
  /** Prefixes of `folders` that are installed packages (Paged.js, the fonts): their files are kept in memory
   * once read, for as long as the file on disk is the same one unchanged. A watching build loads them on
   * every save. */
  packages?: string[];
  documents: Record<string, { body: string; contentType: string }>;
  /** Serve pages of any origin, not only the site's own (`Access-Control-Allow-Origin: *`): for a page written
   * into a blank tab, whose origin is not the site's (cover-page.ts). */
  anyOrigin?: boolean;
}

export const BOOK_ORIGIN = 'http://book.invalid';

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.json': 'application/json',
};

/**
 * Serves the page from memory and allowed folders only; every other request is refused and recorded, so a
 * build never depends on the network.
 */
export async function serveHermetically(page: Page, site: SiteMap, blocked: string[]): Promise<void> {
  await serveFrom(page, () => ({ site, blocked }));
}

/** Where a page's requests are answered from, asked at each request: a page loaded ahead of its document
 * (print/document-tabs.ts) is served by the site of the document it is given. `served` records what was
 * answered, by path. */
export interface PageServing {
  site: SiteMap;
  blocked: string[];
  served?: Map<string, Buffer | string>;
}

/** serveHermetically, from whatever `serving()` gives at each request. */
export async function serveFrom(page: Page, serving: () => PageServing): Promise<void> {
  encodeResponsesWithBuffer();
  await page.setRequestInterception(true);
  page.on('request', (request: HTTPRequest) => {
    void respond(request, serving());
  });
}

export type SiteLookup =
  | { kind: 'found'; body: Buffer | string; contentType: string }
  | { kind: 'missing' }
  | { kind: 'outside' };

/** What the site serves at a URL path: a document, a file inside an allowed folder, or nothing. A path that
 * climbs out of its folder (`..`, encoded or not) is `outside`. Shared by the build and the preview server. */
export async function lookupSite(site: SiteMap, pathname: string): Promise<SiteLookup> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { kind: 'outside' };
  }
  const document = site.documents[decoded];
  if (document) return { kind: 'found', body: document.body, contentType: document.contentType };
  for (const [prefix, folder] of Object.entries(site.folders)) {
    if (!decoded.startsWith(prefix)) continue;
    const file = path.resolve(folder, `.${decoded.slice(prefix.length - 1)}`);
    if (file !== folder && !file.startsWith(folder + path.sep)) return { kind: 'outside' };
    // A link inside the folder may point anywhere on the machine: what is served is where it really leads.
    const located = locateFile(file, [folder]);
    if (located.kind === 'outside') return { kind: 'outside' };
    if (located.kind !== 'inside') return { kind: 'missing' };
    try {
      const body = site.packages?.includes(prefix) ? await readPackageFile(located.real) : await readFile(located.real);
      return { kind: 'found', body, contentType: CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream' };
    } catch {
      return { kind: 'missing' };
    }
  }
  return { kind: 'outside' };
}

const packageFiles = new Map<string, { state: string; body: Buffer }>();

/** A package's file as read before, if it is the same file with the same size and times. */
async function readPackageFile(file: string): Promise<Buffer> {
  const info = await stat(file, { bigint: true });
  const state = `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
  const kept = packageFiles.get(file);
  if (kept?.state === state) return kept.body;
  const body = await readFile(file);
  packageFiles.set(file, { state, body });
  return body;
}

async function respond(request: HTTPRequest, { site, blocked, served }: PageServing): Promise<void> {
  const url = request.url();
  if (url.startsWith('data:') || url.startsWith('blob:')) return request.continue();
  if (!url.startsWith(`${site.origin}/`)) {
    blocked.push(url);
    return request.abort('blockedbyclient');
  }
  const { pathname } = new URL(url);
  const found = await lookupSite(site, pathname);
  if (found.kind === 'found') served?.set(pathname, found.body);
  // Cacheable within the tab: Paged.js loads each font face it declares once more, which would otherwise cost
  // a round trip to the build each. (An XMLHttpRequest still comes here, cached or not: Paged.js's second fetch
  // of each style sheet, which the runtime makes while the page loads, pagedjs-fixes.ts styleSheetsFetchedAtLoad.)
  if (found.kind === 'found') return request.respond({ status: 200, contentType: found.contentType, body: found.body, headers: { 'cache-control': 'max-age=86400', ...(site.anyOrigin ? { 'access-control-allow-origin': '*' } : {}) } });
  blocked.push(url);
  return request.respond({ status: 404, contentType: 'text/plain', body: 'not found' });
}
