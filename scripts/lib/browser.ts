import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import puppeteer, { type Browser, type HTTPRequest, type Page } from 'puppeteer';
import { BuildError, diagnostic } from './diagnostics.ts';
import { locateFile } from './manuscript-files.ts';

export const BROWSER_ENV = 'CHROMIUM_PATH';
const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Headless flags that keep Chromium quiet on a machine without network. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-dev-shm-usage',
  '--disable-sync',
  '--no-first-run',
  '--font-render-hinting=none',
  // Headless Chrome still builds the omnibox popups of its hidden window, as two WebUI renderers for every
  // browser context: ~0.7 s of CPU per context, a second of a 20× build on two cores. The book needs none.
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup',
];

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
  const fromEnv = env[BROWSER_ENV] ?? env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw noBrowser(`${BROWSER_ENV} is set to ${fromEnv}, which does not exist`);
    return fromEnv;
  }
  const system = SYSTEM_CHROMIUM.find((p) => existsSync(p));
  if (system) return system;
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
  close(): Promise<void>;
}

export async function launchBrowser(timeoutMs = 30_000): Promise<BrowserSession> {
  const executablePath = findChromium();
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: timeoutMs,
      protocolTimeout: 120_000,
    });
  } catch (error) {
    throw new BuildError(diagnostic('browser/launch', { file: executablePath, source: 'chromium' }, `Chromium did not start: ${(error as Error).message.split('\n')[0]}`));
  }
  return {
    browser,
    async close() {
      // A hung browser must not hang the build: kill it if it does not close in time.
      const closed = browser.close().catch(() => undefined);
      const timer = new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref());
      await Promise.race([closed, timer]);
      browser.process()?.kill('SIGKILL');
    },
  };
}

/** What the virtual origin serves: URL prefix -> folder on disk, or in-memory documents. */
export interface SiteMap {
  origin: string;
  folders: Record<string, string>;
  documents: Record<string, { body: string; contentType: string }>;
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
  await page.setRequestInterception(true);
  page.on('request', (request: HTTPRequest) => {
    void respond(request, site, blocked);
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
      const body = await readFile(located.real);
      return { kind: 'found', body, contentType: CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream' };
    } catch {
      return { kind: 'missing' };
    }
  }
  return { kind: 'outside' };
}

async function respond(request: HTTPRequest, site: SiteMap, blocked: string[]): Promise<void> {
  const url = request.url();
  if (url.startsWith('data:') || url.startsWith('blob:')) return request.continue();
  if (!url.startsWith(`${site.origin}/`)) {
    blocked.push(url);
    return request.abort('blockedbyclient');
  }
  const found = await lookupSite(site, new URL(url).pathname);
  // Cacheable within the tab: Paged.js fetches every stylesheet again and loads each font face it declares
  // once more, which would otherwise cost a round trip to the build each.
  if (found.kind === 'found') return request.respond({ status: 200, contentType: found.contentType, body: found.body, headers: { 'cache-control': 'max-age=86400' } });
  blocked.push(url);
  return request.respond({ status: 404, contentType: 'text/plain', body: 'not found' });
}
