import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chapterWithNotes, dutchParagraphs, minimalConfig } from './fixtures.ts';
import { assertSameBook, summarize, unusedObjects, type PdfSummary } from './equivalence.ts';
import { copyOfRepository, makeManuscript, removeDir, runScript, type RunResult } from './helpers.ts';
import { PrintCache, type CacheEntry } from '../scripts/lib/print/cache.ts';
import type { ParagraphBreaks } from '../scripts/lib/print/line-break-memo.ts';
import { KeptDocuments } from '../scripts/lib/print/kept-documents.ts';

const ENV = { SOURCE_DATE_EPOCH: '1700000000' };

/**
 * The cache never serves a stale result: after each change the cached build must differ from before and
 * equal a build without the cache. The builds run from a copy of the repository, whose styles/print.css the
 * style test edits (other test files build beside this one).
 */
describe('the print cache follows every change that moves a page', () => {
  let repo: string;
  let dir: string;
  let out: string;
  let original: PdfSummary;
  const pdf = (folder: string): string => path.join(folder, 'proefboek.pdf');

  async function build(target: string, ...args: string[]): Promise<RunResult> {
    const run = await runScript('build.ts', ['--manuscript', dir, '--out', target, '--format', 'pdf', '--jobs', '2', ...args], ENV, undefined, repo);
    assert.equal(run.code, 0, run.stderr);
    return run;
  }

  /** Builds with the warm cache and without any, and checks that both are the same book. Ten builds in all:
   * each test builds on the cache the one before left (the tests run in order). */
  async function cachedEqualsFresh(label: string): Promise<{ cached: PdfSummary; run: RunResult }> {
    const run = await build(out);
    const fresh = path.join(dir, `fresh-${label.replace(/\W+/g, '-')}`);
    await build(fresh, '--no-cache');
    const cached = await summarize(pdf(out));
    assertSameBook(cached, await summarize(pdf(fresh)), label);
    return { cached, run };
  }

  before(async () => {
    repo = await copyOfRepository();
    dir = await makeManuscript({
      'book.yaml': minimalConfig('slug: proefboek\n').replace('  - 01-hoofdstuk.md\n', '  - 01-hoofdstuk.md\n  - 02-tweede.md\n'),
      '01-hoofdstuk.md': chapterWithNotes('Het eerste hoofdstuk', 2, 4),
      '02-tweede.md': chapterWithNotes('Het tweede hoofdstuk', 2, 3),
    });
    out = path.join(dir, 'out');
    await build(out);
    original = await summarize(pdf(out));
  });
  after(async () => {
    await removeDir(dir);
    await removeDir(repo);
  });

  test('unchanged: served from the cache, the same book', async () => {
    const run = await build(out);
    assert.match(run.stderr, /0 unit\(s\) paginated in 0 document\(s\), 3 from the cache/);
    assertSameBook(await summarize(pdf(out)), original, 'unchanged');
  });

  test('a style changed (styles/print.css): every unit laid out again', async () => {
    const sheet = path.join(repo, 'styles', 'print.css');
    const css = await readFile(sheet, 'utf8');
    try {
      await writeFile(sheet, `${css}\n.chapter p { font-size: 1.15em; }\n`);
      const { cached, run } = await cachedEqualsFresh('style');
      assert.match(run.stderr, /3 unit\(s\) paginated .*0 from the cache/);
      assert.notDeepEqual(cached.pages, original.pages);
    } finally {
      await writeFile(sheet, css);
    }
    // And back: the result is the original book again, not the styled one; the cache holds it for the next test.
    await build(out);
    assertSameBook(await summarize(pdf(out)), original, 'style reverted');
  });

  let edited: PdfSummary;

  test('a chapter changed: its text is new, the book equals a fresh build', async () => {
    // The last chapter: a longer one moves no other chapter's first page, so the others come from the cache.
    const file = path.join(dir, '02-tweede.md');
    await writeFile(file, (await readFile(file, 'utf8')).replace('## Deel 2', '## Deel 2\n\nEen geheel nieuwe alinea over de Kroonstadopstand.'));
    const { cached, run } = await cachedEqualsFresh('chapter');
    assert.match(run.stderr, /1 unit\(s\) paginated in 1 document\(s\), 2 from the cache/);
    assert.match(cached.pages.join('\n'), /Kroonstadopstand/);
    edited = cached;
  });

  test('a damaged cache is a miss, not a failure', async () => {
    // Without the damage every unit of the changed book would come from the cache.
    const cache = path.join(out, '.cache', 'print');
    for (const name of await readdir(cache)) if (name.startsWith('doc-')) await rm(path.join(cache, name));
    const run = await build(out);
    assert.match(run.stderr, /3 unit\(s\) paginated .*0 from the cache/);
    assertSameBook(await summarize(pdf(out)), edited, 'damaged cache');
  });

  test('a font setting changed (print.fontSize in book.yaml); --no-cache builds the same book, clears the cache and writes none', async () => {
    const config = path.join(dir, 'book.yaml');
    const yaml = await readFile(config, 'utf8');
    await writeFile(config, `${yaml}print:\n  fontSize: 12pt\n`);
    try {
      const run = await build(out);
      assert.match(run.stderr, /3 unit\(s\) paginated .*0 from the cache/);
      const cached = await summarize(pdf(out));
      assert.ok(cached.pages.join('').length > 0);
      assert.notDeepEqual(cached.pages, edited.pages, 'larger type: the text moves to other pages');
      // The fresh build is this one, in the same folder: --no-cache clears the cache it finds there.
      assert.ok(existsSync(path.join(out, '.cache', 'print')));
      await build(out, '--no-cache');
      assert.ok(!existsSync(path.join(out, '.cache', 'print')));
      assertSameBook(cached, await summarize(pdf(out)), 'font size');
    } finally {
      await writeFile(config, yaml);
    }
  });

  test('the first chapter grown by pages: the units whose numbers moved laid out again, though their documents were copied for the merge before that was known', async () => {
    // The merge copies every cached unit's document while Chromium lays out the changed one, guessing that
    // none moves (print-book.ts); here the guess is wrong for both (the contents page, the second chapter's
    // folios), and the copy must be made again without them.
    await build(out);
    const file = path.join(dir, '01-hoofdstuk.md');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('## Deel 2', `${dutchParagraphs(12, 7).join('\n\n')}\n\n## Deel 2`));
    try {
      const { cached, run } = await cachedEqualsFresh('grown');
      assert.match(run.stderr, /3 unit\(s\) paginated in \d+ document\(s\), 0 from the cache/);
      const second = (book: PdfSummary): number => book.pages.findIndex((page) => /Het tweede hoofdstuk/.test(page) && !/Het eerste hoofdstuk/.test(page));
      assert.ok(second(cached) > second(original) + 1, 'the second chapter begins pages later');
      // Pages copied for the wrong guess and left out of the book would still be written to the file.
      assert.ok((await unusedObjects(pdf(out))) <= (await unusedObjects(pdf(path.join(dir, 'fresh-grown')))), 'no objects written for nothing');
    } finally {
      await writeFile(file, text);
    }
  });
});

/** What a watching build keeps of the cache's entries (KeptDocuments): each file parsed once while it is the
 * same file, read again once it is rewritten, a miss once it is gone, forgotten with its unit. */
describe("a watching build's cache entries, as read before", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'book-test-entries-'));
  });
  after(async () => {
    await removeDir(dir);
  });

  const entry = (key: string, document: string, printState: string): CacheEntry =>
    ({ key, printState, layout: { layout: { pageCount: 2 } } as unknown as CacheEntry['layout'], document, pages: [1, 2], printed: 1, browserVersion: 'test' }) as CacheEntry;

  test('the same file: the entry as parsed before; rewritten: read again; gone: a miss; forgotten with its unit', async () => {
    const cache = new PrintCache(dir);
    const kept = new KeptDocuments();
    await cache.putDocument('d1', new Uint8Array([1]));
    await cache.put(entry('k1', 'd1', '[1]'));
    const first = await cache.get('k1', kept);
    assert.equal(first?.printState, '[1]');
    assert.equal(await cache.get('k1', kept), first, 'kept: the same object');
    assert.notEqual(await cache.get('k1'), first, 'a one-off build parses the file');
    assert.deepEqual(await cache.get('k1'), first);

    // Rewritten (beside and renamed, as every entry): another file.
    await cache.put(entry('k1', 'd1', '[2]'));
    const second = await cache.get('k1', kept);
    assert.equal(second?.printState, '[2]');
    assert.equal(await cache.get('k1', kept), second);

    // An entry whose document is gone is a miss, kept or not; so is an entry file that is gone.
    await rm(path.join(dir, 'doc-d1.pdf'));
    assert.equal(await cache.get('k1', kept), undefined);
    await cache.putDocument('d1', new Uint8Array([1]));
    assert.equal(await cache.get('k1', kept), second);
    await rm(path.join(dir, 'k1.json'));
    assert.equal(await cache.get('k1', kept), undefined);

    // Forgotten with its unit: a file of the same identity would be parsed again.
    await cache.put(entry('k2', 'd1', '[3]'));
    const third = await cache.get('k2', kept);
    kept.keepOnly([{ document: 'd1', pages: [1, 2] }]);
    assert.equal(await cache.get('k2', kept), third, 'its unit is in the book just built');
    kept.keepOnly([{ document: 'd2', pages: [1, 2] }]);
    assert.notEqual(await cache.get('k2', kept), third, 'its unit is not');
  });

  test("a printed document's line breaks: kept with it, pruned with it, none from a damaged file", async () => {
    const cache = new PrintCache(dir);
    const lines: [string, ParagraphBreaks][] = [['sleutel', { html: '<span class="line">regel</span>', outcome: 'pinned', hyphens: 1, softHyphens: ['re-'] }]];
    await cache.putDocument('d3', new Uint8Array([1]));
    await cache.put(entry('k3', 'd3', '[1]'));
    await cache.putLines('d3', lines);
    assert.deepEqual(await cache.lines('d3'), lines);
    assert.equal(await cache.lines('d4'), undefined, 'none kept');
    await writeFile(path.join(dir, 'lines-d3.json'), '[["sleutel", {"html": 3}]]');
    assert.equal(await cache.lines('d3'), undefined, 'not what a memo holds');
    await writeFile(path.join(dir, 'lines-d3.json'), '[["sleutel"');
    assert.equal(await cache.lines('d3'), undefined, 'cut short');
    await cache.putLines('d3', lines);
    await cache.putDocument('d5', new Uint8Array([1]));
    await cache.putLines('d5', lines);
    await cache.prune([{ key: 'k3', document: 'd3' }]);
    assert.deepEqual(await cache.lines('d3'), lines, 'its document kept: kept');
    assert.ok(!existsSync(path.join(dir, 'lines-d5.json')), 'its document pruned: pruned');
  });
});
