import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'puppeteer';
import { projectRoot } from '../scripts/lib/paths.ts';
import { withSentence } from '../scripts/lib/preview/measure-latency.ts';
import type { PreviewServer } from '../scripts/lib/preview/preview-server.ts';
import { commandLine } from './helpers.ts';
import { CHAPTER, openPreviewOfCopy, type PreviewOfCopy } from './preview-copy.ts';

/** A GET with the path exactly as written (fetch() would normalise `..` away before sending). */
function rawGet(port: number, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** Text of the paged view the shell shows now: every unit's frame, not those still paginating behind them. */
const pagedText = (page: Page): Promise<string> =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLIFrameElement>('.frames iframe:not(.next)'), (f) => f.contentDocument?.querySelector('.pagedjs_pages')?.textContent ?? '').join('\n'),
  );

/** Waits until the paged view on show has `text` in it (the first pages of a layout go on show before the rest
 * is laid out), then until the whole unit's new frame is on show. */
const waitForPagedText = async (page: Page, text: string): Promise<void> => {
  await page.waitForFunction(
    (marker: string) =>
      Array.from(document.querySelectorAll<HTMLIFrameElement>('.frames iframe:not(.next)')).some((f) => f.contentDocument?.querySelector('.pagedjs_pages')?.textContent?.includes(marker)),
    { timeout: 60_000, polling: 50 },
    text,
  );
  await page.waitForFunction('window.preview.pagedVersion === window.preview.buildVersion', { timeout: 60_000, polling: 50 });
};

describe('npm run preview on a copy of the book', () => {
  let work: string;
  let chapter: string;
  let original: string;
  let server: PreviewServer;
  let page: Page;
  let preview: PreviewOfCopy | undefined;

  before(async () => {
    // Narrower than a spread at full size: the frames are zoomed, as on a laptop.
    preview = await openPreviewOfCopy('book-preview-test-', { width: 1000, height: 900 });
    ({ work, chapter, original, server, page } = preview);
  });
  after(async () => {
    await preview?.close();
  });

  test('listens on the loopback address by default', () => {
    assert.equal(server.host, '127.0.0.1');
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  test('the paged view shows the book paginated by Paged.js, one frame per unit, as spreads, with a page jump', async () => {
    // No named helpers inside evaluate(): tsx would wrap them in a __name() the page does not have.
    const info = await page.evaluate(() => {
      const frames = Array.from(document.querySelectorAll<HTMLIFrameElement>('.frames iframe:not(.next)'));
      const pages = frames.flatMap((f) => Array.from(f.contentDocument?.querySelectorAll<HTMLElement>('.pagedjs_page') ?? []));
      // Where pages 6, 7, 18 and 19 of the book are in the shell: their frame's place plus their own, zoomed.
      const boxes = [6, 7, 18, 19].map((n) => {
        const el = pages.find((p) => p.dataset.bookPage === String(n));
        const frame = frames.find((f) => f.contentDocument === el?.ownerDocument);
        if (!el || !frame) return [NaN, NaN, NaN];
        // A frame's own rectangles are in its zoomed pixels: add its place in the shell.
        const f = frame.getBoundingClientRect();
        const r = el.getBoundingClientRect();
        return [f.top + r.top, f.left + r.left, f.left + r.right];
      });
      return {
        units: frames.map((f) => f.dataset.unit),
        count: pages.length,
        reported: (window as unknown as { preview: { pages: number } }).preview.pages,
        fonts: frames.every((f) => f.contentDocument?.fonts.check('12px "EB Garamond"') ?? false),
        // Pages 6 and 7 face each other: same top, 7 to the right of 6; so do the chapter's last page (a
        // verso: the chapter has an even page count) and the first page of the sources, in another frame.
        spread: [...(boxes[0] ?? []), ...(boxes[1] ?? [])],
        last: [...(boxes[2] ?? []), ...(boxes[3] ?? [])],
        folios: pages.map((p) => p.dataset.bookPage).join(','),
        text: frames.map((f) => f.contentDocument?.querySelector('.pagedjs_pages')?.textContent ?? '').join(' '),
      };
    });
    assert.deepEqual(info.units, ['front', 'ch1', 'bronnen']);
    assert.ok(info.count >= 10, `${info.count} pages`);
    assert.equal(info.reported, info.count);
    assert.equal(info.folios, Array.from({ length: info.count }, (_, i) => i + 1).join(','));
    assert.ok(info.fonts, 'EB Garamond not loaded');
    // The preview leaves soft hyphens in place (the PDF build settles them; on screen they look the same).
    // Line breaking fixes each line with no-break spaces between its words.
    assert.match(info.text.replace(/\u00ad/g, '').replace(/\u00a0/g, ' '), /Het 11de congres van de Communistische Partij/);
    assert.match(info.text, /Bronnen/);
    for (const [top2, , right2, top3, left3] of [info.spread, info.last] as number[][]) {
      assert.ok(Math.abs((top2 ?? 0) - (top3 ?? 1)) < 1 && Math.abs((right2 ?? 0) - (left3 ?? 1)) < 1, `not a spread: ${info.spread.join(', ')} / ${info.last.join(', ')}`);
    }

    await page.click('#jump-page', { count: 3 });
    await page.type('#jump-page', '7');
    await page.click('.jump button[type=submit]');
    const top = await page.evaluate(() => {
      const stage = document.querySelector('.frames') as HTMLElement;
      for (const frame of Array.from(document.querySelectorAll<HTMLIFrameElement>('.frames iframe:not(.next)'))) {
        const el = frame.contentDocument?.querySelector('.pagedjs_page[data-book-page="7"]');
        if (!el) continue;
        return frame.getBoundingClientRect().top + el.getBoundingClientRect().top - stage.getBoundingClientRect().top;
      }
      return -1;
    });
    assert.ok(top >= 0 && top < 40, `page 7 is at ${top}px, not at the top`);
  });

  test('a saved chapter shows up in the open page without a reload', async () => {
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const marker = `${Date.now()}`;
    await page.evaluate(() => {
      const front = document.querySelector<HTMLIFrameElement>('.frames iframe[data-unit="front"]');
      if (front?.contentWindow) (front.contentWindow as unknown as { untouched: boolean }).untouched = true;
    });
    await writeFile(chapter, withSentence(original, `Een nieuwe zin ${marker}.`));
    await waitForPagedText(page, marker);
    assert.equal(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), true, 'the shell page was reloaded');
    assert.equal(await page.$$eval('.frames iframe', (frames) => frames.length), 3, 'an old rendering was not removed');
    // Only the chapter was laid out again: the front matter's frame is the same document as before.
    assert.equal(
      await page.evaluate(() => (document.querySelector<HTMLIFrameElement>('.frames iframe[data-unit="front"]')?.contentWindow as unknown as { untouched?: boolean }).untouched),
      true,
      'the front matter was laid out again',
    );

    await page.click('.views button[data-view="web"]');
    await page.waitForFunction(
      (text: string) => document.querySelector<HTMLIFrameElement>('.web-frame')?.contentDocument?.body?.textContent?.includes(text),
      { timeout: 30_000, polling: 50 },
      marker,
    );
    assert.equal(await page.$eval('.web-frame', (f) => (f as HTMLIFrameElement).hidden), false);
    await page.click('.views button[data-view="paged"]');
  });

  test('a cross-reference shows the number of the page its target is shown on, as print fills it in, not "blz. 000"', async () => {
    const target = 'ch1-de-burgeroorlog';
    await writeFile(chapter, withSentence(original, `Zie [@sec:${target}].`));
    // No named helpers inside the function: tsx would wrap them in a __name() the page does not have.
    const shown = await page.waitForFunction(
      (id: string) => {
        const docs = Array.from(document.querySelectorAll<HTMLIFrameElement>('.frames iframe:not(.next)'), (f) => f.contentDocument).filter((d): d is Document => d !== null);
        const number = docs.map((d) => d.querySelector(`a.xref[data-xref-page="${id}"] .xref-page`)?.textContent).find((n) => n);
        const page = docs.map((d) => d.getElementById(id)?.closest<HTMLElement>('.pagedjs_page')?.dataset.bookPage).find((p) => p);
        return number && page && number === page ? number : false;
      },
      { timeout: 60_000, polling: 100 },
      target,
    );
    assert.match(String(await shown.jsonValue()), /^\d+$/);
    await writeFile(chapter, original);
    await page.waitForFunction(() => !Array.from(document.querySelectorAll<HTMLIFrameElement>('.frames iframe:not(.next)')).some((f) => f.contentDocument?.querySelector('a.xref')), { timeout: 60_000, polling: 100 });
  });

  test('a broken edit shows the problems overlay with file and line; the fix clears it', async () => {
    const broken = withSentence(original, 'Een verwijzing naar een noot die niet bestaat.[^ontbreekt]');
    const line = broken.split('\n').findIndex((l) => l.includes('[^ontbreekt]')) + 1;
    await writeFile(chapter, broken);
    await page.waitForSelector('.problems:not([hidden])', { timeout: 30_000 });
    const overlay = await page.$eval('.problems', (el) => el.textContent ?? '');
    assert.match(overlay, new RegExp(`${CHAPTER.replace(/\./g, '\\.')}:${line}:\\d+`));
    assert.match(overlay, /\[\^ontbreekt\]/);
    assert.match(overlay, /notes\/undefined-reference/);
    // The server is still up and still shows the last good pages.
    assert.equal((await rawGet(server.port, '/')).status, 200);
    assert.ok((await pagedText(page)).length > 1000);

    const marker = `${Date.now()}`;
    await writeFile(chapter, withSentence(original, `Weer hersteld ${marker}.`));
    await page.waitForSelector('.problems[hidden]', { timeout: 30_000 });
    await waitForPagedText(page, marker);
  });

  test('a broken book.yaml shows in the overlay too, with its line', async () => {
    const configFile = path.join(work, 'book.yaml');
    const config = await readFile(configFile, 'utf8');
    await writeFile(configFile, config.replace(/^slug: (.*)$/m, 'slug: Geen Slug'));
    const line = config.split('\n').findIndex((l) => l.startsWith('slug:')) + 1;
    await page.waitForSelector('.problems:not([hidden])', { timeout: 30_000 });
    assert.match(await page.$eval('.problems', (el) => el.textContent ?? ''), new RegExp(`book\\.yaml:${line}:\\d+`));
    await writeFile(configFile, config);
    await page.waitForSelector('.problems[hidden]', { timeout: 30_000 });
  });

  test('paths that climb out, listings and anything outside the site are refused', async () => {
    const attempts = [
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2f..%2fetc/passwd',
      '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/styles/../package.json',
      '/styles/..%2f..%2fpackage.json',
      '/web/..%2f..%2f..%2fetc/passwd',
      '/pkg/pagedjs/..%2f..%2f..%2fpackage.json',
      '/manuscript/%2e%2e/%2e%2e/package.json',
      '/package.json',
      '/scripts/preview.ts',
      '/node_modules/pagedjs/package.json',
      '/%ff',
    ];
    for (const attempt of attempts) {
      const { status, body } = await rawGet(server.port, attempt);
      assert.ok(status === 403 || status === 404, `${attempt} answered ${status}`);
      assert.doesNotMatch(body, /"name"|root:/, attempt);
    }
    for (const folder of ['/styles/', '/web/fonts/', '/manuscript/', '/pkg/pagedjs/']) {
      assert.equal((await rawGet(server.port, folder)).status, 404, `${folder} listed`);
    }
    assert.equal((await rawGet(server.port, '/', { host: 'evil.example' })).status, 403, 'a foreign Host header must be refused');
    assert.equal((await rawGet(server.port, '/styles/print.css')).status, 200);
    assert.equal((await rawGet(server.port, '/web/index.html')).status, 200);
  });
});

describe('the preview command', () => {
  test('binds to 127.0.0.1 unless told otherwise, answers, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, commandLine('preview', ['--port', '0']), {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const found = /preview: (http:\/\/\S+)/.exec(out);
          if (found?.[1]) resolve(found[1]);
        });
        child.on('close', (code) => reject(new Error(`preview exited with ${code}: ${out}`)));
      });
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const { status, body } = await rawGet(Number(new URL(url).port), '/');
      assert.equal(status, 200);
      assert.match(body, /Pagina’s/);
    } finally {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      await closed;
      clearTimeout(kill);
    }
  });
});
