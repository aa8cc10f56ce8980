import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chapterWithNotes, minimalConfig } from './fixtures.ts';
import { assertSameBook, summarize, type PdfSummary } from './equivalence.ts';
import { makeManuscript, removeDir, runScript, type RunResult } from './helpers.ts';
import { BOOK_EPOCH, bookRelease } from './shared-build.ts';
import { batchUnits } from '../scripts/lib/print/batches.ts';

const ENV = { SOURCE_DATE_EPOCH: BOOK_EPOCH };

async function build(manuscript: string, out: string, ...args: string[]): Promise<RunResult> {
  const run = await runScript('build.ts', ['--manuscript', manuscript, '--out', out, '--format', 'pdf', ...args], ENV);
  assert.equal(run.code, 0, run.stderr);
  return run;
}

/** Three chapters of different lengths (so some end on a recto and get a blank verso), notes in each, and
 * links from the first chapter to sections of the others. */
function fixture(numbering: 'book' | 'chapter'): Record<string, string> {
  const config = minimalConfig(`slug: proefboek\nprint:\n  noteNumbering: ${numbering}\n`).replace(
    '  - 01-hoofdstuk.md\n',
    '  - 01-hoofdstuk.md\n  - 02-tweede.md\n  - 03-derde.md\n',
  );
  const first = chapterWithNotes('Het eerste hoofdstuk', 3, 6).replace(
    '## Deel 2\n',
    '## Deel 2\n\nZie ook [het derde hoofdstuk](#ch3) en [zijn tweede deel](#ch3-deel-2).\n',
  );
  return {
    'book.yaml': config,
    '01-hoofdstuk.md': first,
    '02-tweede.md': chapterWithNotes('Het tweede hoofdstuk', 2, 5),
    '03-derde.md': chapterWithNotes('Het derde hoofdstuk', 4, 7),
  };
}

describe('units are batched into documents', () => {
  const sizeOf = (batches: number[][], sizes: number[]): number[] => batches.map((b) => b.reduce((sum, i) => sum + (sizes[i] ?? 0), 0));
  const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

  test('as many documents as a multiple of the jobs, of about equal size, in reading order', () => {
    // The 20× book: a small front matter, 20 chapters of 35,000 characters, the sources.
    const sizes = [2_000, ...Array.from({ length: 20 }, () => 35_000), 2_000];
    const two = batchUnits(all(sizes.length), sizes, 2, 300_000);
    assert.equal(two.length, 2, 'three documents on two workers leave one core idle at the end');
    assert.deepEqual(two.flat(), all(sizes.length));
    const [a, b] = sizeOf(two, sizes) as [number, number];
    assert.ok(Math.abs(a - b) <= 35_000, `${a} against ${b}`);
    // A long book: documents stay about the aimed size, still a multiple of the jobs.
    const long = Array.from({ length: 100 }, () => 35_000);
    const batches = batchUnits(all(100), long, 2, 300_000);
    assert.equal(batches.length % 2, 0);
    assert.ok(Math.max(...sizeOf(batches, long)) <= 1.5 * 300_000, JSON.stringify(sizeOf(batches, long)));
  });

  test('a small book stays one document unless the jobs were asked for', () => {
    // The book itself: front matter, one chapter, the sources (one document: 3.2 s; as two: 4.1 s).
    const book = [2_000, 35_600, 1_900];
    assert.deepEqual(batchUnits(all(3), book, 2, 300_000, 75_000), [[0, 1, 2]]);
    assert.equal(batchUnits(all(3), book, 2, 300_000, 0).length, 2);
    const fiveTimes = [2_000, ...Array.from({ length: 5 }, () => 35_000), 2_000];
    assert.equal(batchUnits(all(fiveTimes.length), fiveTimes, 2, 300_000, 75_000).length, 2);
  });

  test('never more documents than units, never an empty one', () => {
    assert.deepEqual(batchUnits([4], [1, 1, 1, 1, 50], 2, 300_000), [[4]]);
    assert.deepEqual(batchUnits([], [], 2, 300_000), []);
    for (const batch of batchUnits(all(3), [10, 10, 10], 4, 300_000)) assert.ok(batch.length > 0);
  });
});

describe('a parallel build gives the same book as the sequential one', () => {
  let dir: string;
  let sequential: PdfSummary;
  const pdf = (out: string): string => path.join(dir, out, 'proefboek.pdf');

  before(async () => {
    dir = await makeManuscript(fixture('book'));
    await build(dir, path.join(dir, 'seq'), '--jobs', '1');
    sequential = await summarize(pdf('seq'));
  });
  after(() => removeDir(dir));

  test('the sequential build has a contents page, blank versos and links between chapters', () => {
    assert.match(sequential.pages[4] ?? '', /Inhoud[\s\S]*Het eerste hoofdstuk\s+7[\s\S]*Het tweede hoofdstuk\s+\d+[\s\S]*Het derde hoofdstuk\s+\d+/i);
    const chapterPages = sequential.outline.filter(([depth]) => depth === 0).map(([, , page]) => page);
    assert.equal(chapterPages[0], 7);
    for (const page of chapterPages) assert.equal(page % 2, 1, 'a chapter opens on a verso');
    const contentsLinks = sequential.links.filter(([page]) => page === 5).map(([, target]) => target);
    assert.deepEqual(contentsLinks, chapterPages);
    // The numbers printed on the contents page (filled in after pagination) are where the chapters start.
    const printed = [...(sequential.pages[4] ?? '').matchAll(/hoofdstuk\s+(\d+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(printed, chapterPages);
    assert.ok(sequential.pages.some((text) => text.trim() === ''), 'no blank verso');
    const third = chapterPages[2] as number;
    assert.ok(sequential.links.some(([page, target]) => page > 7 && page < (chapterPages[1] as number) && target === third));
  });

  test('running on (the default) numbers the second chapter after the first', () => {
    // The parallel builds below are the same book as this one (asserted there).
    const { pages } = sequential;
    assert.equal((pages.join('\n').match(/^1 ?Bronvermelding nummer 1,/gm) ?? []).length, 1);
    assert.match(pages.join('\n'), /^10 ?Bronvermelding nummer 1,/m);
  });

  test('cold, two documents at once', async () => {
    const run = await build(dir, path.join(dir, 'par'), '--jobs', '2');
    assert.match(run.stderr, /4 unit\(s\) paginated in 2 document\(s\), 0 from the cache/);
    assertSameBook(await summarize(pdf('par')), sequential, 'parallel');
  });

  test('warm: everything from the cache', async () => {
    const run = await build(dir, path.join(dir, 'par'), '--jobs', '2');
    assert.match(run.stderr, /0 unit\(s\) paginated in 0 document\(s\), 4 from the cache/);
    assertSameBook(await summarize(pdf('par')), sequential, 'cached');
  });

  test('one document per unit (more jobs than needed)', async () => {
    const run = await build(dir, path.join(dir, 'par4'), '--jobs', '4', '--no-cache');
    assert.match(run.stderr, /4 unit\(s\) paginated in 4 document\(s\)/);
    assertSameBook(await summarize(pdf('par4')), sequential, 'four documents');
  });

  test('incremental: a chapter edited, only that chapter paginated again', async () => {
    const file = path.join(dir, '02-tweede.md');
    await writeFile(file, (await readFile(file, 'utf8')).replace('## Deel 2', '## Deel twee, herschreven'));
    const run = await build(dir, path.join(dir, 'par'), '--jobs', '2');
    assert.match(run.stderr, /1 unit\(s\) paginated in 1 document\(s\), 3 from the cache/);
    await build(dir, path.join(dir, 'seq-edited'), '--jobs', '1');
    const expected = await summarize(pdf('seq-edited'));
    assert.ok(expected.outline.some(([, title]) => title === 'Deel twee, herschreven'));
    assertSameBook(await summarize(pdf('par')), expected, 'incremental');
  });
});

describe('footnote numbers restart per chapter when book.yaml says so', () => {
  let dir: string;

  before(async () => {
    dir = await makeManuscript(fixture('chapter'));
  });
  after(() => removeDir(dir));

  test('parallel and sequential agree, and each chapter starts at 1', async () => {
    await build(dir, path.join(dir, 'seq'), '--jobs', '1');
    await build(dir, path.join(dir, 'par'), '--jobs', '2');
    const sequential = await summarize(path.join(dir, 'seq', 'proefboek.pdf'));
    assertSameBook(await summarize(path.join(dir, 'par', 'proefboek.pdf')), sequential, 'per-chapter notes');
    const firstNotes = sequential.pages.join('\n').match(/^1 ?Bronvermelding nummer 1,/gm) ?? [];
    assert.equal(firstNotes.length, 3, 'note 1 of every chapter is numbered 1');
  });
});

describe('the book itself: parallel equals sequential', () => {
  let dir: string;
  before(async () => {
    dir = await makeManuscript({});
  });
  after(() => removeDir(dir));

  test('same pages, text, notes, outline and metadata', async () => {
    // The sequential book is the shared release's (same SOURCE_DATE_EPOCH): a book this small is paginated in
    // one document whatever the jobs, as --jobs 1 does; two jobs asked for make two.
    const release = await bookRelease();
    assert.equal(release.run.code, 0, release.run.stderr);
    assert.match(release.run.stderr, /3 unit\(s\) paginated in 1 document\(s\)/);
    const run = await build(path.resolve('manuscript'), path.join(dir, 'par'), '--jobs', '2');
    assert.match(run.stderr, /3 unit\(s\) paginated in 2 document\(s\)/);
    const file = 'lenins-strijd-tegen-het-stalinisme.pdf';
    assertSameBook(await summarize(path.join(dir, 'par', file)), await summarize(path.join(release.out, file)), 'the book');
  });
});
