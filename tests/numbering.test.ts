// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bookPageCount, contentsNumbers, firstPageAfter, firstPages, folioIncrements, folioLabel, nextRecto, printedAnchors, printedNumbers, romanPageCount } from '../scripts/lib/print/numbering.ts';

test('every unit opens on a recto: a blank verso after a unit with an odd page count', () => {
  assert.equal(nextRecto(1, 6), 7);
  assert.equal(nextRecto(1, 5), 7);
  assert.equal(nextRecto(7, 1), 9);
  // Front matter of 6 pages, chapters of 5, 8 and 3 pages, the sources on 2.
  const counts = [6, 5, 8, 3, 2];
  assert.deepEqual(firstPages(counts), [1, 7, 13, 21, 25]);
  assert.equal(firstPageAfter(counts.slice(0, 3)), 21);
  // No blank after the last unit, odd or not.
  assert.equal(bookPageCount(counts), 26);
  assert.equal(bookPageCount([6, 5]), 11);
  assert.equal(bookPageCount([]), 0);
});

test('the contents page and a unit\'s printed numbers come from the page counts alone', () => {
  const ids = ['front', 'ch1', 'ch2', 'bronnen'];
  const counts = [6, 5, 8, 2];
  assert.deepEqual(contentsNumbers(ids, firstPages(counts)), { ch1: '7', ch2: '13', bronnen: '21' });
  assert.deepEqual(printedNumbers(0, true, ids, counts), { first: 1, contents: { ch1: '7', ch2: '13', bronnen: '21' } });
  // A chapter needs only the counts of the units before it.
  assert.deepEqual(printedNumbers(2, false, ids, counts.slice(0, 2)), { first: 13 });
  // Anchors (a cross-reference's or an index entry's target) as printed pages.
  assert.deepEqual(printedAnchors({ 'ch2-deel-2': { page: 3, top: 120 } }, 13), { 'ch2-deel-2': { page: 15, top: 120 } });
});

test('folios of a document: counter changes only where the book\'s number differs from the document\'s count', () => {
  // A document holding the whole book from page 1: Paged.js's own count (with its blank versos) is the book's.
  assert.deepEqual(folioIncrements([{ pages: [1, 6] }, { pages: [7, 11] }, { pages: [13, 20] }], [1, 7, 13]), []);
  // A document of the second and third chapters alone: the first starts at the book's 13, the second runs on.
  assert.deepEqual(folioIncrements([{ pages: [1, 8] }, { pages: [9, 11] }], [13, 21]), [{ page: 1, increment: 13 }]);
  // Any unit whose printed first page is not where the document's count reaches gets the difference.
  assert.deepEqual(folioIncrements([{ pages: [1, 5] }, { pages: [7, 9] }], [7, 15]), [
    { page: 1, increment: 7 },
    { page: 7, increment: 3 },
  ]);
});

test('a front matter folioed in roman: i, ii, iii… through it and a preface after it, the main text from 1 on the next recto', () => {
  // Front matter of 6 pages, a preface of 13 (a blank verso after it), a part's title page, a chapter of 8.
  const ids = ['front', 'ch1', 'part1', 'ch2', 'bronnen'];
  const counts = [6, 13, 1, 8, 2];
  assert.equal(romanPageCount(counts, 2), 20);
  assert.equal(romanPageCount(counts, 0), 0);
  assert.deepEqual([1, 4, 19, 20, 21, 22, 30].map((page) => folioLabel(page, 20)), ['i', 'iv', 'xix', 'xx', '1', '2', '10']);
  assert.equal(folioLabel(21, 0), '21');
  // The contents print the folios; the part's title page is the main text's first page.
  assert.deepEqual(printedNumbers(0, true, ids, counts, 2), { first: 1, roman: true, contents: { ch1: 'vii', part1: '1', ch2: '3', bronnen: '11' } });
  assert.deepEqual(printedNumbers(1, false, ids, counts.slice(0, 1), 2), { first: 7, roman: true });
  // A unit of the main text counts from the page after the roman ones, whatever its place in the book.
  assert.deepEqual(printedNumbers(3, false, ids, counts.slice(0, 3), 2), { first: 3 });
  // Without a roman front matter nothing changes.
  assert.deepEqual(printedNumbers(3, false, ids, counts.slice(0, 3)), { first: 23 });
});

test('folios of a document that runs from the roman front matter into the main text: the counter starts again, the style changes', () => {
  // The whole book as one document: roman from its first page, the main text from 1 at its page 21.
  assert.deepEqual(folioIncrements([{ pages: [1, 6] }, { pages: [7, 19] }, { pages: [21, 21] }, { pages: [23, 30] }], [1, 7, 1, 3], [true, true, false, false]), [
    { page: 1, increment: 1, style: 'roman' },
    { page: 21, increment: -19, style: 'arabic' },
  ]);
  // A document of the preface alone starts at vii; one of the main text alone needs no style.
  assert.deepEqual(folioIncrements([{ pages: [1, 13] }], [7], [true]), [{ page: 1, increment: 7, style: 'roman' }]);
  assert.deepEqual(folioIncrements([{ pages: [1, 8] }], [3], [false]), [{ page: 1, increment: 3 }]);
});
