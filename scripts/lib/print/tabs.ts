import type { Browser, BrowserContext, Page } from 'puppeteer';

/** A tab in a browser context of its own (a renderer process of its own); `context` is undefined for a tab
 * of the default context. */
export interface Tab {
  context?: BrowserContext;
  page: Page;
}

const spareTabs = new WeakMap<Browser, Promise<Tab | undefined>[]>();

async function newIsolatedTab(browser: Browser): Promise<Tab> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await hideWindow(page);
  return { context, page };
}

/**
 * Minimizes the tab's window. A visible page is painted, composited and rastered on every frame, about one
 * a page while Paged.js works: a sixth of a renderer's time, and the GPU process's besides. A hidden page
 * gets no frames; Paged.js's queue does not wait for them (the runtime's LayOutWithoutFrameWaits), and
 * printing lays the pages out itself. Its ResizeObservers, which run in frames, stay silent: they watch for
 * a laid-out page that grows later (a late font), and fonts are loaded before Paged.js begins. A browser
 * that cannot minimize (an older headless shell) lays out visibly: slower, the same pages.
 */
async function hideWindow(page: Page): Promise<void> {
  const cdp = await page.createCDPSession();
  try {
    const { windowId } = await cdp.send('Browser.getWindowForTarget');
    await cdp.send('Browser.setWindowBounds', { windowId, bounds: { windowState: 'minimized' } });
  } catch {
    // Laid out visibly.
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/** A new tab: in a browser context of its own (a spare one if `prepareSpareTabs` made it), or in the default one. */
export async function openTab(browser: Browser, isolated: boolean): Promise<Tab> {
  if (!isolated) {
    // A window of its own: minimizing a tab's window hides every tab in it, and a hidden tab is never painted,
    // so the EPUB's cover, drawn in a tab of the default context too, would wait for its screenshot forever.
    const page = await browser.newPage({ type: 'window' });
    await hideWindow(page);
    return { page };
  }
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

export async function closeTab(tab: Tab): Promise<void> {
  await tab.page.close().catch(() => undefined);
  await tab.context?.close().catch(() => undefined);
}
