import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'puppeteer';
import type { BrowserSession } from '../scripts/lib/browser.ts';
import { withSentence } from '../scripts/lib/preview/measure-latency.ts';
import type { PreviewServer } from '../scripts/lib/preview/preview-server.ts';
import { CHAPTER, openPreviewOfCopy, type PreviewOfCopy } from './preview-copy.ts';

/** One page of a unit's frame as shown: its number, side and running heads, its text, its whole markup. */
interface ShownPage {
  number: string;
  classes: string;
  heads: string;
  text: string;
  html: string;
}

/** The chapter's pages in the frame on show, and how many pages its layout kept from the last one. */
async function chapterPages(page: Page): Promise<{ pages: ShownPage[]; kept: number | undefined; keepable: number | undefined; whole: boolean | undefined }> {
  return page.evaluate(() => {
    const frame = document.querySelector<HTMLIFrameElement>('.frames iframe[data-unit="ch1"]:not(.next)');
    const doc = frame?.contentDocument;
    const win = frame?.contentWindow as unknown as { book: { resumed(): { kept: number; keepable: number; whole?: boolean } | undefined } } | null;
    const pages = Array.from(doc?.querySelectorAll<HTMLElement>('.pagedjs_pages > .pagedjs_page') ?? [], (p) => ({
      number: p.dataset.pageNumber ?? '',
      classes: p.className,
      // The running heads' strings, as the margin boxes read them.
      heads: Array.from(p.style)
        .filter((name) => name.startsWith('--pagedjs-string-'))
        .map((name) => `${name}=${p.style.getPropertyValue(name)}`)
        .join(';'),
      text: p.textContent ?? '',
      html: p.outerHTML,
    }));
    const report = win?.book.resumed();
    return { pages, kept: report?.kept, keepable: report?.keepable, whole: report?.whole };
  });
}

/** The chapter with a new paragraph of its own halfway through: every block after it moves down. */
function withParagraphHalfway(source: string, paragraph: string): string {
  const blocks = source.split('\n\n');
  blocks.splice(Math.floor(blocks.length / 2), 0, paragraph);
  return blocks.join('\n\n');
}

describe('the preview lays a chapter out again from the page before an edit, as a layout from scratch would', () => {
  let chapter: string;
  let original: string;
  let server: PreviewServer;
  let session: BrowserSession;
  let shell: Page;
  let preview: PreviewOfCopy | undefined;

  before(async () => {
    preview = await openPreviewOfCopy('book-preview-resume-', { width: 1400, height: 900 });
    ({ chapter, original, server, session, page: shell } = preview);
  });
  after(async () => {
    await preview?.close();
  });

  /**
   * Saves `edited`, waits for `marker` on screen, and compares the chapter's pages with those of a second
   * preview page opened afterwards, which lays every unit out from scratch (it has no earlier layout).
   */
  async function compareWithScratch(edited: string, marker: string): Promise<{ kept: number; pages: number; whole: boolean; early: number }> {
    // The pages shown while the rest of the chapter is laid out, as they stood in the frame on show.
    await shell.evaluate(() => {
      type PageLaidOut = (unit: string, position: number, page: Element) => void;
      const seen = window as unknown as { earlyPages: [number, string][]; shellPageLaidOut?: PageLaidOut; bookPreviewHost: { pageLaidOut: PageLaidOut } };
      seen.earlyPages = [];
      const host = seen.bookPreviewHost;
      // The shell's own, wrapped once for every edit (not the wrapper of the edit before: each page would count twice).
      const pageLaidOut = (seen.shellPageLaidOut ??= host.pageLaidOut.bind(host));
      host.pageLaidOut = (unit, position, page) => {
        pageLaidOut(unit, position, page);
        const frame = document.querySelector<HTMLIFrameElement>(`.frames iframe[data-unit="${unit}"]:not(.next)`);
        const shown = frame?.contentDocument?.querySelectorAll('.pagedjs_pages > .pagedjs_page')[position];
        seen.earlyPages.push([position, shown?.outerHTML ?? '']);
      };
    });
    await writeFile(chapter, edited);
    await shell.waitForFunction(
      (text: string) => document.querySelector<HTMLIFrameElement>('.frames iframe[data-unit="ch1"]:not(.next)')?.contentDocument?.querySelector('.pagedjs_pages')?.textContent?.includes(text),
      { timeout: 60_000, polling: 50 },
      marker,
    );
    await shell.waitForFunction('window.preview.pagedVersion === window.preview.buildVersion', { timeout: 60_000, polling: 50 });
    const resumed = await chapterPages(shell);
    const early = await shell.evaluate(() => (window as unknown as { earlyPages: [number, string][] }).earlyPages);
    const withoutBookPage = (html: string): string => html.replace(/ data-book-page="\d+"/, '');
    for (const [position, html] of early) {
      assert.equal(withoutBookPage(html), withoutBookPage((resumed.pages[position] as ShownPage).html), `page ${position + 1} as shown before the rest was laid out`);
    }
    const scratchPage = await session.browser.newPage();
    try {
      await scratchPage.setViewport({ width: 1400, height: 900 });
      await scratchPage.goto(server.url, { waitUntil: 'load' });
      await scratchPage.waitForFunction('window.preview && window.preview.pagedVersion > 0', { timeout: 90_000 });
      const scratch = await chapterPages(scratchPage);
      assert.equal(scratch.kept, undefined, 'the second page had an earlier layout to resume from');
      assert.ok(scratch.pages.some((p) => p.text.includes(marker)), 'the second page does not show the edit');
      assert.equal(resumed.pages.length, scratch.pages.length, 'page count');
      resumed.pages.forEach((p, i) => {
        const s = scratch.pages[i] as ShownPage;
        assert.equal(p.text, s.text, `text of page ${i + 1}`);
        assert.equal(p.heads, s.heads, `running heads of page ${i + 1}`);
        assert.equal(p.classes, s.classes, `classes of page ${i + 1}`);
        assert.equal(p.number, s.number, `number of page ${i + 1}`);
        assert.equal(p.html, s.html, `markup of page ${i + 1}`);
      });
    } finally {
      await scratchPage.close();
    }
    return { kept: resumed.kept ?? 0, pages: resumed.pages.length, whole: resumed.whole === true, early: early.length };
  }

  test('a sentence added at the end: every page but the last two kept whole, the pages as from scratch', async () => {
    const marker = `${Date.now()}`;
    const { kept, pages, whole, early } = await compareWithScratch(withSentence(original, `Meting ${marker}.`, 'end'), marker);
    assert.ok(kept >= pages - 3, `${kept} of ${pages} pages kept`);
    assert.ok(whole, 'the kept pages were replayed through the hooks, not taken whole');
    // The pages laid out again, the last one too (it has no page after it to wait for), before the frame's swap.
    assert.equal(early, pages - kept, 'pages laid out again but not shown before the rest');
  });

  test('paragraphs added at the end, making the chapter longer: the new last page shown before the swap too, the pages as from scratch', async () => {
    const marker = `${Date.now()}`;
    const before = (await chapterPages(shell)).pages.length;
    const added = Array.from({ length: 4 }, (_, i) => `Slotalinea ${i + 1} ${marker}: ${'de arbeidersraden moesten de macht grijpen, gesteund door de soldaten en de boeren op het platteland, '.repeat(8)}tot slot.`);
    const { kept, pages, early } = await compareWithScratch(`${original.trimEnd()}\n\n${added.join('\n\n')}\n`, marker);
    assert.ok(pages > before, `${pages} pages, as many as the ${before} before`);
    assert.ok(kept > 0, 'no page kept');
    // Every page laid out again is shown early, the pages past the last one on show added after it.
    assert.equal(early, Math.min(pages - kept, 4), 'pages laid out again but not shown before the rest');
  });

  test('a sentence added halfway: the pages before it kept, the pages as from scratch', async () => {
    const marker = `${Date.now()}`;
    const { kept, pages, whole, early } = await compareWithScratch(withSentence(original, `Halverwege ${marker}.`, 'middle'), marker);
    assert.ok(kept > 0 && kept < pages - 2, `${kept} of ${pages} pages kept`);
    assert.ok(whole, 'the kept pages were replayed through the hooks, not taken whole');
    assert.ok(early > 0, 'no page shown before the rest of the chapter was laid out');
  });

  test('a paragraph added halfway, moving every later block and note down: the pages as from scratch', async () => {
    const marker = `${Date.now()}`;
    const paragraph = `Een nieuwe alinea ${marker}, lang genoeg om ${'de regels van de bladzijde te verschuiven en '.repeat(6)}een noot te dragen.[^nieuw]\n\n[^nieuw]: De noot van de nieuwe alinea.`;
    const { kept } = await compareWithScratch(withParagraphHalfway(original, paragraph), marker);
    assert.ok(kept > 0, 'no page kept');
  });

  test('text taken out at the end, pulling lines back: the pages as from scratch', async () => {
    const marker = `${Date.now()}`;
    // The last plain paragraph shortened to its first sentence and the marker.
    const blocks = original.split('\n\n');
    const last = blocks.findLastIndex((b) => /^[^#[\s>*-]/.test(b) && !/\{\.[\w-]+\}\s*$/.test(b));
    blocks[last] = `${(blocks[last] as string).split('. ')[0]}. Kort ${marker}.`;
    const { kept } = await compareWithScratch(blocks.join('\n\n'), marker);
    assert.ok(kept > 0, 'no page kept');
  });
});
