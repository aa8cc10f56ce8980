/**
 * The thread that renders the EPUB's cover image (cover-thread.ts): a DevTools connection of its own to the
 * build's Chromium, the cover drawn by renderCover in the tab Chromium opened as it started, as the main thread
 * would draw it there.
 */
import { parentPort } from 'node:worker_threads';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import type { CoverReply, CoverRequest } from './cover-thread.ts';
import { renderCover } from './cover.ts';

/**
 * The about:blank tab of Chromium's default context, if it is the only one: the tab it opened as it started.
 * The build's own tabs are in contexts of their own, but for the document of a book laid out whole, made in
 * the default context once the reading is done; should that one be there already, the cover is left to the
 * main thread rather than drawn in the wrong tab.
 */
async function initialTab(browser: Browser): Promise<Page | undefined> {
  const cdp = await browser.target().createCDPSession();
  let defaultContext: string | undefined;
  try {
    defaultContext = (await cdp.send('Target.getBrowserContexts')).defaultBrowserContextId;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
  if (!defaultContext) return undefined;
  const blank = browser.targets().filter((target) => target.type() === 'page' && target.url() === 'about:blank');
  const inDefault = await Promise.all(
    blank.map(async (target) => {
      const session = await target.createCDPSession();
      try {
        return (await session.send('Target.getTargetInfo')).targetInfo.browserContextId === defaultContext;
      } finally {
        await session.detach().catch(() => undefined);
      }
    }),
  );
  const initial = blank.filter((_, i) => inDefault[i]);
  return initial.length === 1 ? ((await initial[0]?.page()) ?? undefined) : undefined;
}

async function render({ endpoint, config }: CoverRequest): Promise<CoverReply> {
  let browser: Browser | undefined;
  try {
    // As browser.ts connects the main thread.
    browser = await puppeteer.connect({ browserWSEndpoint: endpoint, protocolTimeout: 120_000, defaultViewport: { width: 800, height: 600 } });
    const tab = await initialTab(browser);
    if (!tab) return { failed: 'no tab of its own' };
    const connected = browser;
    return { png: await renderCover({ config }, { browser: connected, close: async () => undefined, takeInitialTab: async () => tab }) };
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  } finally {
    await browser?.disconnect().catch(() => undefined);
  }
}

parentPort!.once('message', (request: CoverRequest) => {
  void render(request).then((reply) => parentPort!.postMessage(reply));
});
