import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { HTTPRequest, Page } from 'puppeteer';
import { launchBrowser, type BrowserSession } from '../scripts/lib/browser.ts';
import { readBook } from '../scripts/lib/book.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { chapterWithNotes, minimalConfig } from './fixtures.ts';
import { listFiles, makeManuscript, removeDir, runScript, type RunResult } from './helpers.ts';
import { bookRelease, type BookRelease } from './shared-build.ts';

describe('the web edition of the book', () => {
  let release: BookRelease;
  let run: RunResult;
  let web: string;
  let html: string;
  let session: BrowserSession;

  before(async () => {
    // The book's shared release: its web edition, and the Nu checker's and axe-core's findings on it.
    release = await bookRelease();
    run = release.run;
    web = path.join(release.out, 'web');
    html = run.code === 0 ? await readFile(path.join(web, 'index.html'), 'utf8') : '';
    session = await launchBrowser();
  });
  after(async () => {
    await session?.close();
  });

  test('the edition folder: the page, its styles, its script and the fonts it names', async () => {
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual(await listFiles(web), ['fonts', 'fonts.css', 'index.html', 'theme.js', 'web.css']);
    const fonts = await listFiles(path.join(web, 'fonts'));
    assert.ok(fonts.length > 0 && fonts.every((f) => f.endsWith('.woff2')));
    for (const [, name] of (await readFile(path.join(web, 'fonts.css'), 'utf8')).matchAll(/url\(fonts\/([^)]+)\)/g)) {
      assert.ok(fonts.includes(name ?? ''), `fonts.css names ${name}, which is not copied`);
    }
  });

  test('Dutch, titled, with sharing metadata, contents and every note of the manuscript', async () => {
    assert.match(html, /^<!DOCTYPE html>\n<html lang="nl">/);
    assert.match(html, /<title>Lenins strijd tegen het stalinisme — Een voorwoord bij ‘Staat en revolutie’<\/title>/);
    assert.match(html, /<meta name="description" content="Hoe Lenin/);
    assert.match(html, /<meta property="og:title" content="Lenins strijd tegen het stalinisme">/);
    assert.match(html, /<meta property="og:type" content="book">/);
    assert.match(html, /<meta property="og:locale" content="nl_NL">/);
    assert.match(html, /<meta name="viewport"/);
    const ids = new Set([...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
    const tocLinks = [...(/<nav class="toc"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '').matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    assert.ok(tocLinks.length >= 5, `${tocLinks.length} contents entries`);
    for (const id of tocLinks) assert.ok(ids.has(id), `contents link to missing #${id}`);
    // Written notes and the notes made from citations: the book model has them all.
    const book = await readBook({ manuscriptDir: path.join(projectRoot, 'manuscript') });
    const calls = [...html.matchAll(/<a class="note-ref" id="([^"]+)" href="#([^"]+)"/g)];
    assert.equal(calls.length, book.chapters.reduce((n, c) => n + c.notes.length, 0));
    assert.match(html, /Ibid\./);
    for (const [, ref, note] of calls) {
      assert.ok(ids.has(note), `call to missing note #${note}`);
      assert.match(html, new RegExp(`<a class="note-back" href="#${ref}"`));
    }
  });

  test('loads nothing from elsewhere', async () => {
    for (const file of ['index.html', 'web.css', 'fonts.css', 'theme.js']) {
      const text = await readFile(path.join(web, file), 'utf8');
      assert.doesNotMatch(text, /(src|href)="(https?:)?\/\/|url\((['"]?)(https?:)?\/\//, `${file} links outside the edition`);
    }
    const page = await session.browser.newPage();
    const outside: string[] = [];
    await page.setRequestInterception(true);
    page.on('request', (request: HTTPRequest) => {
      const url = request.url();
      if (!url.startsWith(pathToFileURL(web).href) && !url.startsWith('data:')) outside.push(url);
      void request.continue();
    });
    await page.goto(pathToFileURL(path.join(web, 'index.html')).href, { waitUntil: 'load' });
    const fontLoaded = await page.evaluate(async () => {
      await document.fonts.ready;
      return document.fonts.check('20px "EB Garamond"') && [...document.fonts].some((f) => f.status === 'loaded');
    });
    await page.close();
    assert.deepEqual(outside, []);
    assert.ok(fontLoaded, 'EB Garamond did not load from the edition');
  });

  test('the Nu Html Checker finds no error and no warning in the HTML and CSS (the release’s web-html check)', async () => {
    const report = await release.report();
    assert.deepEqual(report.diagnostics.filter((d) => /^web\/(html-|validator-)/.test(d.rule)), []);
  });

  test('axe-core finds no violation, on a phone and a desktop, light and dark (the release’s web-a11y check)', async () => {
    const report = await release.report();
    assert.deepEqual(report.diagnostics.filter((d) => d.rule === 'web/a11y-violation'), []);
  });

  describe('in the browser', () => {
    let page: Page;
    const open = async (width: number, scheme: 'light' | 'dark' = 'light'): Promise<void> => {
      await page.setViewport({ width, height: 900 });
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      await page.goto(pathToFileURL(path.join(web, 'index.html')).href, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
    };
    before(async () => {
      page = await session.browser.newPage();
    });
    after(async () => {
      await page?.close();
    });

    test('on a wide screen every note stands beside the column, level with its call', async () => {
      await open(1400);
      const layout = await page.evaluate(() => {
        const column = document.querySelector('main')!.getBoundingClientRect();
        const paragraphs = Array.from(document.querySelectorAll('main p:not(.lead)')).slice(0, 10);
        const measure = Math.max(...paragraphs.map((p) => p.getBoundingClientRect().width));
        return {
          measure,
          fontSize: parseFloat(getComputedStyle(paragraphs[0]!).fontSize),
          notes: Array.from(document.querySelectorAll('.note')).map((note) => {
            const box = note.getBoundingClientRect();
            const call = document.querySelector(`a[href="#${note.id}"]`)!.getBoundingClientRect();
            return { visible: getComputedStyle(note).display !== 'none', left: box.left, columnRight: column.right, dy: box.top - call.top };
          }),
        };
      });
      // A readable measure: roughly 60 to 75 characters of 20px Garamond.
      assert.ok(layout.measure / layout.fontSize >= 25 && layout.measure / layout.fontSize <= 36, `measure ${layout.measure}px`);
      assert.ok(layout.notes.length > 5);
      for (const note of layout.notes) {
        assert.ok(note.visible, 'a note is hidden on a wide screen');
        assert.ok(note.left >= note.columnRight, 'a side note overlaps the column');
      }
      // Floats never rise above their line; most notes sit level with their call.
      const level = layout.notes.filter((n) => Math.abs(n.dy) < 40).length;
      assert.ok(level >= layout.notes.length / 2, `${level} of ${layout.notes.length} notes level with their call`);
    });

    test('on a phone a note is hidden until its call is followed, then opens under the line and leads back', async () => {
      await open(390);
      const before = await page.$eval('#ch1-fn-1', (el) => getComputedStyle(el).display);
      assert.equal(before, 'none');
      await page.click('#ch1-ref-1');
      const opened = await page.$eval('#ch1-fn-1', (el) => {
        const box = el.getBoundingClientRect();
        const call = document.querySelector('#ch1-ref-1')!.getBoundingClientRect();
        return { display: getComputedStyle(el).display, below: box.top >= call.bottom - 2, focused: document.activeElement === el, inView: box.top >= 0 && box.bottom <= innerHeight };
      });
      assert.deepEqual(opened, { display: 'block', below: true, focused: true, inView: true });
      await page.click('#ch1-fn-1 .note-back');
      assert.equal(await page.$eval('#ch1-fn-1', (el) => getComputedStyle(el).display), 'none');
    });

    test('dark theme follows the system and the toggle, and the choice is kept', async () => {
      await open(800, 'dark');
      const background = (): Promise<string> => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      const dark = await background();
      await open(800, 'light');
      const light = await background();
      assert.notEqual(dark, light);
      assert.equal(await page.$eval('.theme-toggle', (b) => (b as HTMLButtonElement).hidden), false);
      await page.click('.theme-toggle');
      assert.equal(await background(), dark);
      assert.equal(await page.$eval('.theme-toggle', (b) => b.getAttribute('aria-pressed')), 'true');
      await open(800, 'light');
      assert.equal(await background(), dark, 'the choice was not kept');
      await page.click('.theme-toggle');
      assert.equal(await background(), light);
    });
  });
});

describe('the web edition folder is replaced whole', () => {
  let dir: string;
  before(async () => {
    dir = await makeManuscript({
      'book.yaml': minimalConfig(),
      '01-hoofdstuk.md': chapterWithNotes('Het eerste hoofdstuk', 2, 4),
    });
  });
  after(() => removeDir(dir));

  test('a rebuild swaps the folder; a failed build leaves the old one as it was', async () => {
    const out = path.join(dir, 'out');
    const first = await runScript('build.ts', ['--manuscript', dir, '--out', out, '--format', 'web']);
    assert.equal(first.code, 0, first.stderr);
    // `--format web` writes the edition folder alone and names it in the summary.
    assert.match(first.stdout, /WEB\s+.*web\s+\d+ files\s+\d+ KB/);
    assert.deepEqual(await listFiles(out), ['web']);
    const index = path.join(out, 'web', 'index.html');
    const stale = path.join(out, 'web', 'stale.txt');
    await writeFile(stale, 'from an earlier build');
    await writeFile(path.join(dir, '01-hoofdstuk.md'), chapterWithNotes('Een nieuwe titel', 2, 4));
    const second = await runScript('build.ts', ['--manuscript', dir, '--out', out, '--format', 'web']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(await readFile(index, 'utf8'), /Een nieuwe titel/);
    await assert.rejects(stat(stale), 'a file of the old folder survived the swap');

    const good = await readFile(index, 'utf8');
    await writeFile(path.join(dir, '01-hoofdstuk.md'), '# Kapot\n\nEen noot die er niet is.[^weg]\n');
    const broken = await runScript('build.ts', ['--manuscript', dir, '--out', out, '--format', 'web']);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /01-hoofdstuk\.md:3:\d+\s+error\s+footnote reference \[\^weg\]/);
    assert.equal(await readFile(index, 'utf8'), good);
    assert.deepEqual((await readdir(out)).sort(), ['.book-output.json', 'web'], 'temporary folders left behind');
  });
});

describe('writeDirAtomic', () => {
  test('a fill that fails leaves the old folder and no temporary one', async () => {
    const { writeDirAtomic } = await import('../scripts/lib/output-dir.ts');
    const parent = await makeManuscript({ 'site/keep.txt': 'old' });
    try {
      const target = path.join(parent, 'site');
      await assert.rejects(
        writeDirAtomic(target, async (temp) => {
          await writeFile(path.join(temp, 'half.txt'), 'half');
          throw new Error('disk full');
        }),
        /disk full/,
      );
      assert.deepEqual(await listFiles(parent), ['site']);
      assert.deepEqual(await listFiles(target), ['keep.txt']);
    } finally {
      await removeDir(parent);
    }
  });
});
