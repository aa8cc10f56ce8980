import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bookPageCount, contentsNumbers, firstPageAfter, firstPages, folioIncrements, nextRecto, printedAnchors, printedNumbers } from '../scripts/lib/print/numbering.ts';

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
  assert.deepEqual(contentsNumbers(ids, firstPages(counts)), { ch1: 7, ch2: 13, bronnen: 21 });
  assert.deepEqual(printedNumbers(0, true, ids, counts), { first: 1, contents: { ch1: 7, ch2: 13, bronnen: 21 } });
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
