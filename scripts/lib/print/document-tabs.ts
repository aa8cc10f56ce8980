import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Browser } from 'puppeteer';
import { BOOK_ORIGIN, lookupSite, serveFrom, type PageServing, type SiteMap } from '../browser.ts';
import type { LineBreakMemo } from './line-break-memo.ts';
import { printScripts, printSite, type HeldTab, type HeldTabs } from './paginate.ts';
import { HELD_BODY_ATTRIBUTE } from './runtime/contract.ts';
import { stageTook } from '../stage-times.ts';
import { closeTab, openTab, type Tab } from './tabs.ts';

const gzipped = promisify(gzip);

/** A document's markup before its body: what a held document shares with the one it is given. */
function headOf(html: string): string | undefined {
  const at = html.indexOf('<body>');
  return at < 0 ? undefined : html.slice(0, at);
}

/**
 * The body's markup as the HTML parser builds it from the document (print-html.ts ends it with
 * `</body>\n</html>\n`): the white space after `</body>` and `</html>` goes into the body too.
 */
export function parsedBody(html: string): string {
  const start = html.indexOf('<body>') + '<body>'.length;
  const end = html.lastIndexOf('</body>');
  return html.slice(start, end) + html.slice(end + '</body>'.length).replace('</html>', '');
}

/**
 * The documents one renderer lays out in turn, each loaded in the tab of the one before once it is printed:
 * its memory grows by a few megabytes a document (the caches of its fonts, styles and compiled scripts, what
 * the documents before left), so a long session starts a new one now and then.
 */
const DOCUMENTS_A_RENDERER = 12;

/** How long a save waits for the held document to finish loading (it takes well under a second). */
const HELD_LOAD_WAIT_MS = 5_000;

function sameBody(a: Buffer | string, b: Buffer | string): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.equals(b);
}

/** A tab whose document is printed, for the next held document to load in. */
interface ReturnedTab {
  tab: Tab;
  /** What its renderer was served, by path. */
  served: Map<string, Buffer | string>;
  /** The documents its renderer laid out before the last. */
  before: number;
}

interface HeldDocument {
  tab: Tab;
  head: string;
  serving: PageServing & { served: Map<string, Buffer | string> };
  lineBreaks?: LineBreakMemo;
  /** The version of the memo's entries given to the page, which looks its paragraphs up in them itself. */
  memoGiven?: number;
  /** How often the page asked the build for remembered line breaks. */
  asked: number;
  /** A page error or a crash while it was held. */
  failed: boolean;
  /** Begun at the print of the build before the save, not after that build. */
  atPrint: boolean;
  /** The documents its renderer laid out before it. */
  before: number;
  /** When its load began and each step of it ended (`performance.now()`), for the stage times. */
  steps: [string, number][];
}

/**
 * A watching build's next document, loaded while it waits for the save: a tab of its own with the last
 * document's head (Paged.js and the page runtime compiled, the styles and the fonts' style sheets loaded)
 * and a held, empty body. A save whose document has the same head, and whose site serves the same bytes at
 * every path the held document loaded, puts its body in (`window.bookRelease`) and is laid out from there;
 * any other is laid out in a new tab as before. Each held document lays out one document's body, so no
 * layout starts from what another left behind: what a held document has done before its body comes is what
 * every document does before its body is parsed (its head's scripts and style sheets), and Paged.js reads the
 * body by its markup (`wrapContent`). Once printed, its tab is given back and the next held document is
 * loaded in it: a new document (a new window, every script run anew) in a renderer whose caches are warm, the
 * compiled scripts, the fonts and the style sheets; the same pages (tests/watch.test.ts).
 */
export class DocumentTabs implements HeldTabs {
  private held: Promise<HeldDocument | undefined> | undefined;
  /** The tab of the last held document taken, once it is given back (printed: the next held document loads in
   * its renderer) or closed (undefined); or of a document laid out in a new tab (`giveBackTab`). */
  private returning: Promise<ReturnedTab | undefined> | undefined;
  private last: { html: string; manuscriptDir: string; fontPackages: string[] } | undefined;

  /**
   * The document a build laid out: the next held document is made like it (`unlessNoted`: only if none was;
   * a function is called only then, since the whole book's document is long to make).
   */
  noteDocument(html: string | (() => string), manuscriptDir: string, fontPackages: string[], unlessNoted = false): void {
    if (unlessNoted && this.last) return;
    this.last = { html: typeof html === 'string' ? html : html(), manuscriptDir, fontPackages };
  }

  /**
   * Loads the next document's head in a tab of its own, unless one is held already; resolves once it is loaded
   * (or given up). `atPrint`: called as the build's last document is printed, while Node finishes the PDF and
   * Chromium has nothing else to do (the line-breaking memo has the build's entries by then).
   */
  prepare(browser: Browser, lineBreaks?: LineBreakMemo, atPrint = false): Promise<void> {
    const last = this.last;
    if (!this.held && last && browser.connected) this.held = this.load(browser, last, lineBreaks, atPrint).catch(() => undefined);
    return this.held ? this.held.then(() => undefined) : Promise.resolve();
  }

  private async load(browser: Browser, last: NonNullable<DocumentTabs['last']>, lineBreaks: LineBreakMemo | undefined, atPrint: boolean): Promise<HeldDocument | undefined> {
    const head = headOf(last.html);
    if (head === undefined) return undefined;
    const html = `${head}<body ${HELD_BODY_ATTRIBUTE}>\n</body>\n</html>\n`;
    // The fonts' style sheets as the last document had them (trimmed to the characters it uses).
    const site: SiteMap = printSite(html, last.manuscriptDir, last.fontPackages, await printScripts(), BOOK_ORIGIN, last.html);
    const steps: [string, number][] = [['begun', performance.now()]];
    const reused = await this.returning;
    this.returning = undefined;
    const usable = reused !== undefined && reused.before + 1 < DOCUMENTS_A_RENDERER && !reused.tab.page.isClosed() && reused.tab.page.browser() === browser;
    if (reused && !usable) void closeTab(reused.tab);
    const tab = usable ? reused.tab : await openTab(browser, true);
    const { page } = tab;
    if (usable) {
      page.removeAllListeners('request');
      page.removeAllListeners('error');
      page.removeAllListeners('pageerror');
      await page.removeExposedFunction('bookLineBreakReuse').catch(() => undefined);
    }
    steps.push([usable ? 'reused' : 'opened', performance.now()]);
    // What the renderer was served before is compared at the take too: a cache of the renderer's may give it again.
    const held: HeldDocument = { tab, head, serving: { site, blocked: [], served: usable ? reused.served : new Map() }, lineBreaks, asked: 0, failed: false, atPrint, before: usable ? reused.before + 1 : 0, steps };
    page.once('error', () => (held.failed = true));
    page.on('pageerror', () => (held.failed = true));
    try {
      await serveFrom(page, () => held.serving);
      if (lineBreaks) {
        await page.exposeFunction('bookLineBreakReuse', (keys: string[]) => {
          held.asked++;
          return lineBreaks.lookup(keys);
        });
      }
      steps.push(['served', performance.now()]);
      await page.goto(`${BOOK_ORIGIN}/index.html`, { waitUntil: 'load', timeout: 60_000 });
      steps.push(['loaded', performance.now()]);
      await page.waitForFunction(() => typeof window.bookRelease === 'function', { timeout: 60_000 });
      steps.push(['waiting', performance.now()]);
      // The fonts' files too (a document loads those its text uses as it is laid out): the faces are those of
      // the last document's characters, and one the next document does not use changes nothing on its pages.
      await page.evaluate(() => Promise.all(Array.from(document.fonts, (face) => face.load())).then(() => undefined));
      steps.push(['fonts', performance.now()]);
      // And the line-breaking memo's entries: its line breaker looks its paragraphs up itself instead of
      // asking the build across the DevTools protocol, a round trip on the save's way. Used only if the memo
      // is unchanged when the body goes in (`take`).
      const snapshot = lineBreaks?.snapshot();
      if (snapshot) {
        // Compressed, and as base64: what crosses the DevTools protocol costs by the byte (Node, the browser and
        // the renderer each handle the message, escaping what is not plain ASCII), and the entries' keys and
        // pinned HTML repeat the paragraphs' markup. Compressed on libuv's threads, beside the build's own work.
        const packed = (await gzipped(JSON.stringify(snapshot.entries), { level: 1 })).toString('base64');
        await page.evaluate((entries) => window.bookLineBreaksAhead?.(entries), packed);
        held.memoGiven = snapshot.version;
      }
      steps.push(['memo', performance.now()]);
    } catch {
      await closeTab(tab);
      return undefined;
    }
    return held;
  }

  /**
   * The held tab, serving `site` from now on, if it can lay out `html`: the same head, the same line-breaking
   * memo, and every path the held document loaded served the same by `site`. Otherwise it is closed.
   */
  async take(browser: Browser, html: string, site: SiteMap, blocked: string[], lineBreaks?: LineBreakMemo): Promise<HeldTab | undefined> {
    const holding = this.held;
    this.held = undefined;
    if (!holding) return undefined;
    const asked = performance.now();
    // One still loading is further on than a new tab would be; one that hangs is given up.
    let timer: NodeJS.Timeout | undefined;
    const held = await Promise.race([holding, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), HELD_LOAD_WAIT_MS)))]);
    clearTimeout(timer);
    if (held) {
      const [, begun] = held.steps[0] as [string, number];
      let before = begun;
      for (const [step, at] of held.steps.slice(1)) {
        stageTook(`held tab ${step}`, at - before);
        before = at;
      }
      stageTook('held tab ready before the take', asked - before);
    }
    if (!held) {
      void holding.then((late) => late && closeTab(late.tab));
      return undefined;
    }
    if (held.failed || held.tab.page.isClosed() || held.tab.page.browser() !== browser || !browser.connected || held.serving.blocked.length > 0 || held.lineBreaks !== lineBreaks || headOf(html) !== held.head || !(await this.servesAlike(held.serving.served, site))) {
      await closeTab(held.tab);
      return undefined;
    }
    held.serving = { site, blocked, served: held.serving.served };
    let giveBack!: (document: HeldDocument | undefined) => void;
    this.expect(new Promise<HeldDocument | undefined>((resolve) => (giveBack = resolve)).then((document) => document && { tab: document.tab, served: document.serving.served, before: document.before }));
    const { page } = held.tab;
    const memoGiven = held.memoGiven;
    let memoCurrent = false;
    return {
      tab: held.tab,
      release: () => {
        memoCurrent = memoGiven !== undefined && lineBreaks !== undefined && lineBreaks.unchangedSince(memoGiven);
        return page.evaluate((body, current) => (window.bookRelease as NonNullable<Window['bookRelease']>)(body, current), parsedBody(html), memoCurrent);
      },
      linesRememberedInPage: () => memoCurrent && held.asked === 0,
      begunAtPrint: held.atPrint,
      rendererReused: held.before > 0,
      giveBack: (reusable) => giveBack(reusable && !held.failed ? held : undefined),
    };
  }

  /**
   * A document's tab that was not held (a new tab, in a watching build), once printed and its print's session
   * ended: the next held document may load in its renderer. Promised as the document closes, so that a held
   * document begun meanwhile waits for it.
   */
  giveBackTab(returned: Promise<{ tab: Tab; served: Map<string, Buffer | string> } | undefined>): void {
    this.expect(returned.then((tab) => tab && { ...tab, before: 0 }));
  }

  /** The tab the next held document is to load in; one given back before and not loaded in since is closed. */
  private expect(returning: Promise<ReturnedTab | undefined>): void {
    const before = this.returning;
    this.returning = returning;
    void before?.then((returned) => returned && closeTab(returned.tab));
  }

  private async servesAlike(served: Map<string, Buffer | string>, site: SiteMap): Promise<boolean> {
    for (const [pathname, body] of served) {
      // The document itself is not loaded again: its head was compared, its body is put in.
      if (pathname === '/index.html') continue;
      const now = await lookupSite(site, pathname);
      if (now.kind !== 'found' || !sameBody(now.body, body)) return false;
    }
    return true;
  }

  async close(): Promise<void> {
    const held = await this.held;
    this.held = undefined;
    if (held) await closeTab(held.tab);
    // A document still laid out is closed with the browser.
    void this.returning?.then((returned) => returned && closeTab(returned.tab));
    this.returning = undefined;
  }
}
