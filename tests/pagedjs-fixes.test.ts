import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import type { Page } from 'puppeteer';
import { BOOK_ORIGIN, launchBrowser, serveHermetically, type BrowserSession, type SiteMap } from '../scripts/lib/browser.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { pdfPageTexts } from '../scripts/lib/pdf/poppler.ts';
import type { FixName, Harness, HeldLayout } from './pagedjs-fixes.page.ts';
import { removeDir } from './helpers.ts';
import { PAGEDJS_PATH } from '../scripts/lib/print/print-html.ts';
import { pageBundle } from '../scripts/lib/page-bundles.ts';

/**
 * Each fix in scripts/lib/print/runtime/pagedjs-fixes.ts against Paged.js as it is: the same small document
 * laid out without the fix shows the fault, and with it does not.
 */

let session: BrowserSession;
let harness: string;
/** Paged.js as the build serves it (page-bundles.ts). */
let pagedjs: string;
let dir: string;

before(async () => {
  const [started, bundled, served] = await Promise.all([
    launchBrowser(),
    build({ entryPoints: [path.join(projectRoot, 'tests', 'pagedjs-fixes.page.ts')], bundle: true, format: 'iife', write: false, logLevel: 'silent' }),
    pageBundle('pagedjs'),
  ]);
  pagedjs = served;
  session = started;
  harness = (bundled.outputFiles[0] as { text: string }).text;
  dir = await mkdtemp(path.join(tmpdir(), 'book-test-pagedjs-'));
});
after(async () => {
  await session?.close();
  await removeDir(dir);
});

const PAGE = '@page { size: 100mm 80mm; margin: 10mm; }\nbody { font: 12px/16px serif; }';

/** A tab with `body` and `css`, Paged.js loaded but not started; `hidden`: in a window of its own, minimized;
 * `sheets`: style sheets the page links to, by path, served from this object for as long as they are in it. */
async function open(body: string, css: string, hidden = false, sheets: Record<string, string> = {}): Promise<Page> {
  const page = await (hidden ? await session.browser.createBrowserContext() : session.browser).newPage();
  if (hidden) {
    const cdp = await page.createCDPSession();
    const { windowId } = await cdp.send('Browser.getWindowForTarget');
    await cdp.send('Browser.setWindowBounds', { windowId, bounds: { windowState: 'minimized' } });
  }
  const links = Object.keys(sheets).map((href) => `<link rel="stylesheet" href="${href}">`).join('');
  const html = `<!doctype html><html lang="nl"><head><meta charset="utf-8"><style>${PAGE}\n${css}</style>${links}
<script>window.PagedConfig = { auto: false };</script>
<script src="${PAGEDJS_PATH}"></script><script src="/harness.js"></script></head><body>${body}</body></html>`;
  const documents: SiteMap['documents'] = {
    '/index.html': { body: html, contentType: 'text/html' },
    [PAGEDJS_PATH]: { body: pagedjs, contentType: 'text/javascript' },
    '/harness.js': { body: harness, contentType: 'text/javascript' },
  };
  await serveHermetically(page, { origin: BOOK_ORIGIN, documents, folders: {} }, []);
  // Looked up at each request: a sheet taken out of `sheets` is not found (404) from then on.
  for (const href of Object.keys(sheets)) {
    Object.defineProperty(documents, href, { enumerable: true, get: () => (href in sheets ? { body: sheets[href] as string, contentType: 'text/css' } : undefined) });
  }
  await page.goto(`${BOOK_ORIGIN}/index.html`, { waitUntil: 'load' });
  return page;
}

/** Lays the document out with the given fixes and returns the tab (to read) and what the harness saw; `probe`: with the layout probes' findings. */
async function layOut(body: string, css: string, fixes: FixName[], probe = false) {
  const page = await open(body, css);
  const result = await page.evaluate((names, probing) => (window as unknown as { harness: Harness }).harness.layOut(names, probing), fixes, probe);
  return { page, ...result };
}

const paragraphs = (count: number, text: string): string => Array.from({ length: count }, (_, i) => `<p id="p${i}">${text}</p>`).join('\n');
const WORDS = 'De arbeidersraden moesten de macht grijpen, gesteund door de soldaten en de boeren op het platteland. ';

describe('Paged.js 0.4.3 and the fixes the runtime makes to it', () => {
  test('stableRefs: without it every element gets a random ref (a note\'s PDF destination); with it the same each time', async () => {
    const body = `<section id="ch1"><p>Een zin.<span class="footnote" id="ch1-fn-1" data-note>Een noot.</span></p>${paragraphs(3, WORDS)}</section>`;
    const css = '.footnote { float: footnote; }';
    const refs = async (fixes: FixName[]): Promise<string[]> => {
      const { page } = await layOut(body, css, fixes);
      const found = await page.$$eval('.pagedjs_pages [data-ref]', (els) => els.map((el) => el.getAttribute('data-ref') as string));
      await page.close();
      return found;
    };
    const [a, b] = [await refs([]), await refs([])];
    assert.notDeepEqual(a, b, 'Paged.js as it is gives other refs on every run');
    const [c, d] = [await refs(['stableRefs']), await refs(['stableRefs'])];
    assert.deepEqual(c, d);
    assert.ok(c.includes('ch1-fn-1'), `the note keeps its id as its ref: ${c.join(' ')}`);
  });

  test('stableSelectorIds: without it the attributes Paged.js sets for `p + p` and `:first-of-type` are random on every run; with it the same, and the rules still apply', async () => {
    const body = `<section><h2>Kop</h2>${paragraphs(3, WORDS)}</section>`;
    const css = 'p + p { text-indent: 7px; } p:first-of-type { color: rgb(0, 128, 0); }';
    const marks = async (fixes: FixName[]): Promise<{ marks: string[]; indents: string[]; colors: string[] }> => {
      const { page } = await layOut(body, css, fixes);
      const found = await page.$$eval('.pagedjs_pages p', (els) => ({
        marks: els.map((el) => `${el.getAttribute('data-following')}|${el.getAttribute('data-nth-of-type')}`),
        indents: els.map((el) => getComputedStyle(el).textIndent),
        colors: els.map((el) => getComputedStyle(el).color),
      }));
      await page.close();
      return found;
    };
    const [a, b] = [await marks([]), await marks([])];
    assert.notDeepEqual(a.marks, b.marks, 'Paged.js as it is names the rules anew on every run');
    const [c, d] = [await marks(['stableSelectorIds']), await marks(['stableSelectorIds'])];
    assert.deepEqual(c.marks, d.marks);
    assert.deepEqual(c.marks, ['null|nth-of-type-0', 'following-0|null', 'following-0|null']);
    // The rules apply as they did: the paragraphs after the first are indented, the first is green.
    assert.deepEqual(c.indents, a.indents);
    assert.deepEqual(c.colors, a.colors);
    assert.deepEqual(c.indents, ['0px', '7px', '7px']);
    assert.equal(c.colors[0], 'rgb(0, 128, 0)');
  });

  test('closeStringSetQuotes: without it a running head followed by a folio prints neither', async () => {
    const body = `<h1>Staat en revolutie</h1>${paragraphs(2, WORDS)}`;
    const css = 'h1 { string-set: title content(text); }\n@page { @top-center { content: string(title) " – " counter(page); } }';
    const head = async (fixes: FixName[]): Promise<string> => {
      const { page } = await layOut(body, css, fixes);
      const file = path.join(dir, `head-${fixes.length}.pdf`);
      await writeFile(file, await page.pdf({ preferCSSPageSize: true }));
      await page.close();
      return ((await pdfPageTexts(file))[0] ?? '').split('\n')[0] ?? '';
    };
    assert.doesNotMatch(await head([]), /Staat en revolutie – 1/);
    assert.match(await head(['closeStringSetQuotes']), /Staat en revolutie – 1/);
  });

  test('keepStringsOffTheText: without it the running heads\' strings reach every element of the text; with it only the margin boxes (not the text, nor the crop marks), which print the same heads', async () => {
    const body = `<h1>Staat en revolutie</h1>${paragraphs(6, WORDS)}<h1>De arbeidersraden</h1>${paragraphs(6, WORDS)}`;
    const css = 'h1 { string-set: title content(text); break-before: page; }\n@page { @top-center { content: string(title) " – " counter(page); } }';
    const strings = async (fixes: FixName[]): Promise<{ text: string[]; heads: string[] }> => {
      const { page } = await layOut(body, css, ['closeStringSetQuotes', ...fixes]);
      const text = await page.$$eval('.pagedjs_page_content p, .pagedjs_marks-crop', (els) => els.map((el) => getComputedStyle(el).getPropertyValue('--pagedjs-string-first-title')));
      const file = path.join(dir, `strings-${fixes.length}.pdf`);
      await writeFile(file, await page.pdf({ preferCSSPageSize: true }));
      await page.close();
      return { text, heads: (await pdfPageTexts(file)).map((t) => t.split('\n')[0] ?? '') };
    };
    const unpatched = await strings([]);
    const patched = await strings(['keepStringsOffTheText']);
    assert.ok(unpatched.text.some((value) => value.includes('Staat en revolutie')), `the strings reach the text: ${JSON.stringify(unpatched.text)}`);
    assert.deepEqual(patched.text.filter(Boolean), [], 'the strings stop at the page area and the bleeds');
    assert.ok(unpatched.heads.some((head) => /De arbeidersraden – \d/.test(head)), `the heads print: ${JSON.stringify(unpatched.heads)}`);
    assert.deepEqual(patched.heads, unpatched.heads);
  });

  test('leaveOutUnprintedFurniture: the content boxes of margin boxes without content and, without marks, the bleed boxes leave the layout; the pages print the same, and with crop marks the bleeds stay and print them', async () => {
    const body = `<h1>Staat en revolutie</h1>${paragraphs(8, WORDS)}`;
    const heads = 'h1 { string-set: title content(text); }\n@page { @top-center { content: string(title); } @bottom-right { content: counter(page); } }';
    let printed = 0;
    const print = async (css: string, leaveOut: boolean) => {
      const { page } = await layOut(body, css, ['closeStringSetQuotes']);
      if (leaveOut) await page.evaluate(() => (window as unknown as { harness: Harness }).harness.leaveOutUnprintedFurniture());
      const boxes = await page.$$eval('.pagedjs_margin-content, .pagedjs_bleed', (els) => els.filter((el) => el.getClientRects().length > 0).length);
      const file = path.join(dir, `furniture-${printed++}.pdf`);
      await writeFile(file, await page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: false }));
      await page.close();
      const images = execFileSync('pdftoppm', ['-r', '50', '-png', file]);
      return { boxes, texts: await pdfPageTexts(file), images: createHash('sha256').update(images).digest('hex') };
    };
    for (const css of [heads, `${heads}\n@page { bleed: 3mm; marks: crop; }`]) {
      const [as, leftOut] = [await print(css, false), await print(css, true)];
      assert.ok(as.texts.length >= 2 && as.texts.some((text) => text.includes('Staat en revolutie')), `the heads print: ${JSON.stringify(as.texts)}`);
      assert.deepEqual(leftOut.texts, as.texts);
      assert.equal(leftOut.images, as.images, 'the same pages, pixel for pixel');
      const pages = as.texts.length;
      // Per page: 16 margin content boxes (2 with content) and 4 bleeds, kept with marks.
      assert.equal(as.boxes, pages * 20);
      assert.equal(leftOut.boxes, css.includes('marks') ? pages * 6 : pages * 2);
    }
  });

  test('setStringsAfterReading: without it Paged.js sets a page\'s strings between its measurements of the page, and Chromium computes the style again for each; with it once, and the same strings and heads', async () => {
    // Two names, both found on every page: a chapter's title and its sections' heads.
    const chapter = (n: number): string => `<section><h1>Hoofdstuk ${n}</h1>${[1, 2, 3].map((s) => `<h2>Paragraaf ${n}.${s}</h2>${paragraphs(2, WORDS)}`).join('')}</section>`;
    const body = [1, 2, 3, 4, 5, 6].map(chapter).join('\n');
    const css = `section { break-before: page; } h1 { string-set: chapter content(text); } h2 { string-set: part content(text); margin: 0; }
@page { @top-left { content: string(chapter); } @top-right { content: string(part, start); } @bottom-center { content: string(part, last) " " counter(page); } }`;
    const strings = async (fixes: FixName[]) => {
      const { page, pages } = await layOut(body, css, ['closeStringSetQuotes', 'keepStringsOffTheText', ...fixes]);
      const recalcs = (await page.metrics()).RecalcStyleCount ?? 0;
      const props = await page.$$eval('.pagedjs_page', (els) => els.map((el) => (el as HTMLElement).style.cssText));
      const file = path.join(dir, `string-sets-${fixes.length}.pdf`);
      await writeFile(file, await page.pdf({ preferCSSPageSize: true }));
      await page.close();
      return { pages, props, recalcs, texts: await pdfPageTexts(file) };
    };
    const unpatched = await strings([]);
    const patched = await strings(['setStringsAfterReading']);
    assert.ok(unpatched.pages >= 12, `${unpatched.pages} pages`);
    assert.deepEqual(patched.props, unpatched.props);
    assert.ok(unpatched.props.every((p) => p.includes('--pagedjs-string-start-part')), JSON.stringify(unpatched.props));
    assert.deepEqual(patched.texts, unpatched.texts);
    assert.ok(unpatched.texts.some((t) => /Hoofdstuk 3/.test(t) && /Paragraaf 3\.2 5/.test(t)), JSON.stringify(unpatched.texts));
    // One style computation fewer on every page where both names are found (each is found on every page here);
    // the count has Chromium's own, at frames, too, which vary from run to run: at least one fewer on half the pages.
    assert.ok(patched.recalcs <= unpatched.recalcs - unpatched.pages / 2, `style recalculations: ${unpatched.recalcs} without, ${patched.recalcs} with, ${unpatched.pages} pages`);
  });

  test('noResizeObservers: without it Paged.js watches every page it laid out with a ResizeObserver; with it none, and the same pages', async () => {
    const body = `${paragraphs(8, WORDS)}<p>Een zin.<span class="footnote" data-note>Een noot.</span></p>${paragraphs(8, WORDS)}`;
    const css = '.footnote { float: footnote; }\np { text-align: justify; }';
    const laidOut = async (fixes: FixName[]) => {
      const { page, pages, observed } = await layOut(body, css, fixes);
      const texts = await page.$$eval('.pagedjs_page', (els) => els.map((el) => el.textContent ?? ''));
      await page.close();
      return { pages, observed, texts };
    };
    const unpatched = await laidOut([]);
    const patched = await laidOut(['noResizeObservers']);
    assert.ok(unpatched.pages > 2 && unpatched.observed === unpatched.pages, `every page observed: ${unpatched.observed} of ${unpatched.pages}`);
    assert.equal(patched.observed, 0);
    assert.deepEqual(patched.texts, unpatched.texts);
  });

  test('keepBarePageSize: without it Chromium computes each new page\'s style and layout twice (the bare page Paged.js measures, then the page with its side); with it once, and the same pages', async () => {
    const body = `${paragraphs(6, WORDS)}<p>Een zin.<span class="footnote" data-note>Een noot.</span></p>${paragraphs(24, WORDS)}`;
    // Left and right pages with other margins (the same width).
    const css = `.footnote { float: footnote; }\n@page :left { margin-left: 14mm; margin-right: 6mm; }\n@page :right { margin-left: 6mm; margin-right: 14mm; }
@page { @bottom-center { content: counter(page); } }`;
    const laidOut = async (fixes: FixName[]) => {
      const { page, pages } = await layOut(body, css, ['noResizeObservers', ...fixes]);
      const { RecalcStyleCount, LayoutCount } = await page.metrics();
      const areas = await page.$$eval('.pagedjs_page', (els) => els.map((el) => `${el.className} ${el.querySelector('.pagedjs_page_content')?.getAttribute('style')}`));
      const texts = await page.$$eval('.pagedjs_page', (els) => els.map((el) => el.textContent ?? ''));
      const file = path.join(dir, `bare-${fixes.length}.pdf`);
      await writeFile(file, await page.pdf({ preferCSSPageSize: true }));
      await page.close();
      return { pages, areas, texts, pdf: await pdfPageTexts(file), styles: RecalcStyleCount ?? 0, layouts: LayoutCount ?? 0 };
    };
    const unpatched = await laidOut([]);
    const patched = await laidOut(['keepBarePageSize']);
    assert.ok(unpatched.pages >= 6, `${unpatched.pages} pages`);
    assert.deepEqual(patched.areas, unpatched.areas);
    assert.ok(unpatched.areas.every((a) => /column-width: \d+px/.test(a)), JSON.stringify(unpatched.areas));
    assert.deepEqual(patched.texts, unpatched.texts);
    assert.deepEqual(patched.pdf, unpatched.pdf);
    // Every page after the first is made without a style and layout of its own; the counts have Chromium's own, at
    // frames, too, which vary from run to run: at least one fewer on half the pages.
    assert.ok(patched.styles <= unpatched.styles - unpatched.pages / 2, `style recalculations: ${unpatched.styles} without, ${patched.styles} with, ${unpatched.pages} pages`);
    assert.ok(patched.layouts <= unpatched.layouts - unpatched.pages / 2, `layouts: ${unpatched.layouts} without, ${patched.layouts} with`);
  });

  test('breakWordsAtSoftHyphens: without it a page may break a word where no soft hyphen allows', async () => {
    // Long hyphenated words on a narrow page: some page ends inside a word.
    const word = 'arbei\u00adders\u00adraden\u00adverte\u00adgen\u00adwoor\u00addiging';
    const body = paragraphs(6, Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? word : 'de macht')).join(' '));
    const css = 'p { hyphens: manual; text-align: justify; margin: 0; }';
    /** The words split over a page turn, as `end of the page|start of the next`. */
    const splits = async (fixes: FixName[]): Promise<string[]> => {
      const { page } = await layOut(body, css, fixes);
      const texts = await page.$$eval('.pagedjs_page .pagedjs_page_content', (areas) => areas.map((area) => area.textContent ?? ''));
      await page.close();
      const plain = word.replaceAll('\u00ad', '');
      return texts.slice(0, -1).flatMap((text, i) => {
        // Paged.js draws the hyphen of a word split over the page turn as a character of its own (U+2011).
        const end = /\S*$/.exec(text.replace(/\u2011$/, ''))?.[0] ?? '';
        const start = /^\S*/.exec(texts[i + 1] ?? '')?.[0] ?? '';
        const joined = `${end}${start}`.replaceAll('\u00ad', '');
        return end && start && plain.includes(joined) ? [`${end}|${start}`] : [];
      });
    };
    const atSoftHyphen = (split: string): boolean => split.split('|')[0]?.endsWith('\u00ad') ?? false;
    const unpatched = await splits([]);
    assert.ok(unpatched.some((s) => !atSoftHyphen(s)), `expected a word broken between two letters: ${JSON.stringify(unpatched)}`);
    const patched = await splits(['breakWordsAtSoftHyphens']);
    assert.ok(patched.length > 0 && patched.every(atSoftHyphen), JSON.stringify(patched));
  });

  test('layOutWithoutFrameWaits: without it Paged.js waits for a frame for every page, and a hidden tab gets none', async () => {
    const body = paragraphs(40, WORDS.repeat(2));
    /** Pages laid out within `ms` in a minimized window (the build hides its tabs: a visible one is painted). */
    const pagesWithin = async (fixes: FixName[], ms: number): Promise<number> => {
      const page = await open(body, '', true);
      const done = page.evaluate((names) => (window as unknown as { harness: Harness }).harness.layOut(names), fixes).catch(() => undefined);
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, ms))]);
      const pages = await page.$$eval('.pagedjs_page', (found) => found.length);
      await page.browserContext().close();
      return pages;
    };
    const patched = await pagesWithin(['layOutWithoutFrameWaits'], 20_000);
    assert.ok(patched >= 8, `${patched} pages`);
    const unpatched = await pagesWithin([], 3_000);
    assert.ok(unpatched < patched / 2, `without the fix ${unpatched} of ${patched} pages in 3 s`);
  });

  test('numberNoteCalls: without it a note\'s call does not carry the number the note prints', async () => {
    const body = `<p>Een zin.<span class="footnote" data-note-number="7">Een noot.</span> ${WORDS}</p>`;
    const css = '.footnote { float: footnote; }';
    const call = async (fixes: FixName[]): Promise<string | null> => {
      const { page } = await layOut(body, css, fixes);
      const number = await page.$eval('[data-footnote-call]', (el) => el.getAttribute('data-note-number'));
      await page.close();
      return number;
    };
    assert.equal(await call([]), null);
    assert.equal(await call(['numberNoteCalls']), '7');
  });

  test('orderNoteSeries: without it a page\'s notes stand in the order of their calls; with it the author\'s first, then each later series', async () => {
    const note = (id: string, rank: number): string => `<span class="footnote" id="${id}" data-note-rank="${rank}">Noot ${id}.</span>`;
    const body = `<p>Een ${note('ed-a', 1)} zin ${note('fn-1', 0)} met ${note('vert-x', 2)} noten ${note('fn-2', 0)} ${note('ed-b', 1)}. ${WORDS}</p>`;
    const css = '.footnote { float: footnote; }';
    const order = async (fixes: FixName[]): Promise<string[]> => {
      const { page } = await layOut(body, css, fixes);
      const notes = await page.$$eval('.pagedjs_footnote_inner_content > [data-note]', (els) => els.map((el) => (el.textContent ?? '').replace(/^Noot |\.$/g, '')));
      await page.close();
      return notes;
    };
    assert.deepEqual(await order([]), ['ed-a', 'fn-1', 'vert-x', 'fn-2', 'ed-b']);
    assert.deepEqual(await order(['orderNoteSeries']), ['fn-1', 'fn-2', 'ed-a', 'ed-b', 'vert-x']);
    // The build's layout probe reads the order on each page: notes/series-order where an earlier series stands
    // under a later one (three times here: fn-1 under ed-a, fn-2 and ed-b under vert-x), never with the fix.
    const probed = async (fixes: FixName[]): Promise<string[]> => {
      const { page, findings } = await layOut(body, css, fixes, true);
      await page.close();
      return findings.filter((rule) => rule.startsWith('notes/'));
    };
    assert.deepEqual(await probed([]), ['notes/series-order', 'notes/series-order', 'notes/series-order']);
    assert.deepEqual(await probed(['orderNoteSeries']), []);
  });

  test('splitLongNotes: without it the text after a note longer than the page is lost; with it the note goes on over the pages and the text with it', async () => {
    // A note of about four pages, called in the first paragraph; three paragraphs after it.
    const note = `<span class="footnote" id="ch1-fn-1" data-note="a" data-line="9">${WORDS.repeat(60)}</span>`;
    const body = `<section class="chapter" id="ch1" data-file="ch.md"><p data-line="1">${WORDS}Een noot.${note} Na de noot.</p>
<p data-line="3">${WORDS.repeat(3)}</p><p data-line="5">${WORDS.repeat(3)}</p><p data-line="7">Het einde van het hoofdstuk.</p></section>`;
    const css = '.footnote { float: footnote; }\n.pagedjs_footnote_area { font-size: 10px; line-height: 13px; }';
    const layOutNote = async (fixes: FixName[]) => {
      const { page, lost, pages } = await layOut(body, css, ['stableRefs', ...fixes]);
      const letters = (text: string): string => text.replace(/[^\p{L}]/gu, '');
      const [text, notes] = await page.evaluate((): [string, string] => [
        Array.from(document.querySelectorAll('.pagedjs_page_content'), (el) => el.textContent ?? '').join(' '),
        Array.from(document.querySelectorAll('.pagedjs_footnote_area'), (el) => el.textContent ?? '').join(' '),
      ]);
      await page.close();
      return { lost, pages, text: letters(text), notes: letters(notes) };
    };
    const whole = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/[^\p{L}]/gu, '');
    const unpatched = await layOutNote([]);
    // All that follows the paragraph with the call never reached a page: the guard says so.
    assert.deepEqual(unpatched.lost, ['3', '5', '7']);
    assert.ok(!unpatched.text.includes(whole('Het einde van het hoofdstuk.')));
    const patched = await layOutNote(['splitLongNotes']);
    assert.deepEqual(patched.lost, []);
    assert.ok(patched.pages >= 5, `${patched.pages} pages`);
    assert.ok(patched.text.endsWith(whole('Het einde van het hoofdstuk.')), patched.text.slice(-80));
    // The note whole and once, in its order, over the pages' feet.
    assert.equal(patched.notes, whole(WORDS.repeat(60)));
  });

  test('styleSheetsFetchedAtLoad: without it Paged.js fetches each linked style sheet again when it begins; with it the sheet fetched before serves, and the same pages', async () => {
    const body = paragraphs(6, WORDS);
    const SHEET = 'p { font-size: 17px; line-height: 23px; margin: 0 0 9px; }';
    /** The pages' texts, the sheet taken off the server once the page is loaded (and, with the fix, its sheets fetched). */
    const pages = async (fetchFirst: boolean, takeOff: boolean): Promise<string[]> => {
      const sheets: Record<string, string> = { '/sheet.css': SHEET };
      const page = await open(body, '', false, sheets);
      if (fetchFirst) await page.evaluate(() => (window as unknown as { harness: Harness }).harness.fetchStyleSheets());
      if (takeOff) delete sheets['/sheet.css'];
      await page.evaluate(() => (window as unknown as { harness: Harness }).harness.layOut([]));
      const texts = await page.$$eval('.pagedjs_page', (els) => els.map((el) => el.textContent ?? ''));
      await page.close();
      return texts;
    };
    const served = await pages(false, false);
    assert.ok(served.length >= 2, `${served.length} pages`);
    // Paged.js as it is asks for the sheet again as it begins: taken off the server, its rules are lost.
    assert.notDeepEqual(await pages(false, true), served);
    assert.deepEqual(await pages(true, true), served);
  });

  test('contentMovedIntoTemplate: without it Paged.js parses the body again from its markup; with it the body\'s own nodes, in the same tree', async () => {
    // What a chapter holds: notes, a soft hyphen, no-break spaces, entities, a comment, a line break, preformatted text.
    const body = `<section class="chapter" id="ch1"><h1 id="ch1-a">Hoofd&shy;stuk <em>één</em></h1><p id="p1">Een&nbsp;zin &amp; &lt;tekst&gt; “zo”.<span class="footnote" data-note="footnote" title='a "b"'>Een <a href="#x">noot</a>.</span><!-- opmerking --> over&shy;winnen<br>verder</p>
<pre id="code">\n\ncode  met   spaties\n</pre>
<ul><li>een</li><li>twee <strong>vet</strong></li></ul>${paragraphs(3, WORDS)}</section>\n`;
    const wrapped = async (moved: boolean): Promise<{ tree: string[]; marked: number }> => {
      const page = await open(body, '');
      const result = await page.evaluate((move) => (window as unknown as { harness: Harness }).harness.wrapContent(move), moved);
      await page.close();
      return result;
    };
    const parsed = await wrapped(false);
    const moved = await wrapped(true);
    const elements = parsed.tree.filter((line) => line.split(' ')[1] === '1').length;
    assert.equal(elements, 15);
    // Paged.js as it is: every element made anew from the markup, the split text nodes joined by the parse.
    assert.equal(parsed.marked, 0);
    assert.equal(moved.marked, elements);
    assert.deepEqual(moved.tree, parsed.tree);
  });

  test('checkOverflowOncePerRun: without it Paged.js checks for an overflow after nearly every node (a forced layout each); with it once a run of nodes, and the same pages', async () => {
    // A chapter as the build hands it to Paged.js: a title page (so Paged.js checks after every node from the
    // second page on), paragraphs whose text is split into spans and text nodes as the line breaker splits
    // lines (a paragraph continued from the page before is appended node by node), notes, headings kept with
    // what follows, lists whose last item's last paragraph has a style of its own, a quotation with padding
    // below it, the widows and orphans Chromium keeps itself and `keepLines` moves; in three sizes of type, so
    // the pages break at other places in each.
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const words = WORDS.trim().split(' ');
    const text = (count: number): string => Array.from({ length: count }, () => words[Math.floor(random() * words.length)]).join(' ');
    const paragraph = (note: boolean): string => {
      const pieces: string[] = [];
      for (let i = Math.floor(random() * 9) + 1; i > 0; i--) pieces.push(random() < 0.5 ? `<span style="display:inline;letter-spacing:0.1px">${text(6)} </span>` : `${text(6)} `);
      if (note) pieces.splice(1, 0, `<span class="footnote" data-note>${text(12)}</span>`);
      return `<p>${pieces.join('')}${text(3)}.</p>`;
    };
    const blocks: string[] = ['<h1>Hoofdstuk</h1>'];
    for (let i = 0; i < 200; i++) {
      const r = random();
      if (r < 0.08) blocks.push(`<h2>Kop ${i}</h2>`);
      else if (r < 0.13) blocks.push(`<ul>${Array.from({ length: 3 }, () => `<li><p>${text(14)}</p><p>${text(10)}</p></li>`).join('')}</ul>`);
      else if (r < 0.16) blocks.push(`<blockquote>${paragraph(false)}${paragraph(false)}</blockquote>`);
      else blocks.push(paragraph(r > 0.9));
    }
    const body = `<section class="chapter" id="ch1">${blocks.join('\n')}</section>`;
    const css = `@page { size: 120mm 170mm; }
h1 { break-after: page; } h2 { break-after: avoid; margin: 8px 0 4px; font-size: 14px; }
p { margin: 0; text-align: justify; widows: 2; orphans: 2; } p + p { text-indent: 1em; }
li > p:last-child { margin-bottom: 3px; } li:last-child > p:last-child { margin-bottom: 0; }
blockquote { margin: 4px 12px; padding-bottom: 6px; } .footnote { float: footnote; font-size: 10px; line-height: 12px; }`;
    const laidOut = async (lineHeight: number, fixes: FixName[]) => {
      const { page, pages, runChecks } = await layOut(body, `${css}\nbody { line-height: ${lineHeight}px; }`, ['stableRefs', 'stableSelectorIds', 'keepLines', 'noResizeObservers', ...fixes]);
      const { LayoutCount } = await page.metrics();
      const areas = await page.$$eval('.pagedjs_area', (els) => els.map((el) => el.innerHTML));
      await page.close();
      return { pages, areas, layouts: LayoutCount ?? 0, runChecks };
    };
    const ways = { runs: 0, overflowed: 0, takenOut: 0, notAlike: 0, noBreak: 0 };
    for (const lineHeight of [15, 16, 17]) {
      const unpatched = await laidOut(lineHeight, []);
      const patched = await laidOut(lineHeight, ['checkOverflowOncePerRun']);
      assert.ok(unpatched.pages >= 20, `${unpatched.pages} pages`);
      assert.equal(patched.pages, unpatched.pages);
      for (const [i, area] of unpatched.areas.entries()) assert.equal(patched.areas[i], area, `line height ${lineHeight}px, page ${i + 1}`);
      // About 400 layouts without the fix, 240 with.
      assert.ok(patched.layouts < unpatched.layouts * 0.8, `${patched.layouts} layouts with the fix, ${unpatched.layouts} without`);
      for (const way of Object.keys(ways) as (keyof typeof ways)[]) ways[way] += patched.runChecks[way];
    }
    // Every way a run's check can go was taken: no overflow, the overflow in its last node, in an earlier one
    // (the nodes after it taken out again), at an open element that ends with padding, and a prefix whose check
    // found no break.
    assert.ok(ways.runs > ways.overflowed && ways.overflowed > 0 && ways.takenOut > 0 && ways.notAlike > 0, JSON.stringify(ways));
  });

  test('parseStyleSheetsAhead: without it Paged.js parses the style sheets once the body is in; with it before, and the body measured, the styles and the pages the same', async () => {
    const body = `<h1>Hoofdstuk</h1>${paragraphs(8, WORDS)}<p class="late">${WORDS}</p>`;
    // The page set-up inline, the design linked (as a print document has them), and a sheet the head gets once
    // the body is in (as the line breaker's): the design's font size must not reach the body before Paged.js begins.
    const sheets = { '/design.css': 'p { font-size: 17px; line-height: 23px; margin: 0 0 9px; } @page { @bottom-center { content: counter(page); } }' };
    const css = 'h1 { string-set: title content(text); break-after: avoid; } p { font-size: 11px; }';
    const late = 'p.late { color: rgb(1, 2, 3); }';
    const held = async (ahead: boolean): Promise<HeldLayout> => {
      const page = await open('', css, false, sheets);
      const result = await page.evaluate((a, b, l) => (window as unknown as { harness: Harness }).harness.layOutHeld(a, b, l), ahead, body, late);
      await page.close();
      return result;
    };
    const asItIs = await held(false);
    const ahead = await held(true);
    assert.equal(asItIs.parsedBeforeBody, 0);
    // The inline sheet and the linked one, parsed while the document waited; the late one after.
    assert.equal(ahead.parsedBeforeBody, 2);
    assert.deepEqual(ahead.measured, asItIs.measured);
    assert.equal(asItIs.measured[0], 'no page width');
    assert.ok(asItIs.measured.slice(1).every((m) => m.startsWith('17px')), asItIs.measured.join(', '));
    assert.ok(asItIs.pages.length >= 2, `${asItIs.pages.length} pages`);
    assert.deepEqual(ahead.pages, asItIs.pages);
    assert.deepEqual(ahead.styles, asItIs.styles);
    assert.ok(asItIs.styles.every((s) => s.startsWith('false ')) && asItIs.styles.some((s) => s.includes('p.late')), asItIs.styles.join('\n'));
    assert.deepEqual(ahead.rules, asItIs.rules);
    assert.deepEqual(ahead.laidOut, asItIs.laidOut);
    assert.ok(asItIs.laidOut.at(-1)?.startsWith('rgb(1, 2, 3) 17px'), asItIs.laidOut.at(-1));
  });

  test('reportUnplaceableBlocks: a block that fits on no page is only a console message without it', async () => {
    // A block that may not break and is taller than a page: Paged.js cannot start it anywhere.
    const body = `<div style="break-inside: avoid"><p id="plate-1">${WORDS}</p><p id="plate-2">${WORDS.repeat(40)}</p></div>${paragraphs(1, WORDS)}`;
    const messages: string[] = [];
    const page = await open(body, '');
    page.on('console', (message) => messages.push(message.text()));
    const unpatched = await page.evaluate(() => (window as unknown as { harness: Harness }).harness.layOut([]));
    await page.close();
    assert.deepEqual(unpatched.unplaceable, []);
    assert.ok(messages.some((m) => m.startsWith('Unable to layout item')), JSON.stringify(messages));
    const patched = await layOut(body, '', ['reportUnplaceableBlocks']);
    await patched.page.close();
    assert.ok(patched.unplaceable.length > 0 && patched.unplaceable.every((id) => id.startsWith('plate-')), JSON.stringify(patched.unplaceable));
  });
});
