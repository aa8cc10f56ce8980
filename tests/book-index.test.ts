// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { compareEntries, linkedIndexHtml, pageRanges, printIndexHtml, sortKey, splitKey } from '../scripts/lib/book-index/book-index.ts';
import { parseNames } from '../scripts/lib/book-index/names.ts';
import { readBook, type Book } from '../scripts/lib/book.ts';
import { makeManuscript, removeDir } from './helpers.ts';

test('Dutch index order: by surname, particles not counted, accents only where all else is equal', () => {
  assert.equal(sortKey('de Vries, Anna'), 'Vries, Anna');
  assert.equal(sortKey('van der Linden, Marcel'), 'Linden, Marcel');
  assert.equal(sortKey('Vries, Anna de'), 'Vries, Anna de');
  const names = ['Zetkin, Clara', 'van der Linden, Marcel', 'Émile, Jean', 'Lenin, V.I.', 'de Vries, Anna', 'Engels, Friedrich', 'Linde, Jan', 'Lénin, X.'];
  assert.deepEqual([...names].sort(compareEntries), ['Émile, Jean', 'Engels, Friedrich', 'Lenin, V.I.', 'Lénin, X.', 'Linde, Jan', 'van der Linden, Marcel', 'de Vries, Anna', 'Zetkin, Clara']);
});

test('pages as an index prints them: each once, ascending, runs as ranges, never a range from roman into arabic', () => {
  assert.equal(pageRanges([27, 24, 25, 25, 30, 31, 33], 20), '4–5, 7, 10–11, 13');
  assert.equal(pageRanges([7, 8, 9, 20, 21, 22], 20), 'vii–ix, xx, 1–2');
  assert.equal(pageRanges([3], 0), '3');
  assert.equal(pageRanges([], 0), '');
});

test('the list of names: entries with aliases and "zie ook"; a malformed entry is an error at its line', () => {
  const { names, diagnostics } = parseNames('- key: "Lenin, V.I."\n  aliases: [Lenin, Oeljanov]\n  see: ["Trotski, Leon"]\n- Trotski, Leon\n- { aliases: [X] }\n- key: Y\n  kleur: rood\n', 'namen.yaml');
  assert.deepEqual(names.map((n) => [n.key, n.aliases, n.see, n.line]), [['Lenin, V.I.', ['Lenin', 'Oeljanov'], ['Trotski, Leon'], 1], ['Trotski, Leon', [], [], 4]]);
  assert.deepEqual(diagnostics.map((d) => [d.rule, d.line, d.column]), [['index/names', 5, 3], ['index/names', 6, 3]]);
  assert.match(diagnostics[0]!.message, /needs `key:`/);
  assert.match(diagnostics[1]!.message, /unknown key `kleur`/);
});

describe('an index read from a small manuscript', () => {
  let dir: string;
  let book: Book;

  before(async () => {
    dir = await makeManuscript({
      'book.yaml': 'title: T\nauthor: A\nlanguage: nl\nchapters: [een.md]\nindex: { names: namen.yaml }\n',
      'namen.yaml': '- key: "Lenin, V.I."\n  aliases: [Lenin, Oeljanov]\n- key: "Kautsky, Karl"\n- key: "Zetkin, Clara"\n  see: ["Nergens, Niemand"]\n',
      'een.md': '# Een\n\nOeljanov, later Lenin, schreef tegen [Kautsky]{.person key="Kautsky, Karl"}.[^n]\n\nEn tegen [Bernstein]{.person}, en [Lenins]{.person key="Lenin, V.I."} broer.\n\n`Lenin` in code telt niet.\n\n[^n]: Over Lenin.\n',
    });
    book = await readBook({ manuscriptDir: dir });
  });
  after(() => removeDir(dir));

  test('places: the list\'s names found as words (not in code), the marked spans with their keys; `key` never reaches the HTML', () => {
    const chapter = book.chapters[0]!;
    assert.deepEqual(chapter.indexMarks?.map((m) => [m.key, m.marked]).sort(), [
      ['Kautsky, Karl', true],
      ['Lenin, V.I.', false],
      ['Lenin, V.I.', false],
      ['Lenin, V.I.', false],
      ['Lenin, V.I.', true],
      ['Bernstein', true],
    ].sort());
    assert.match(chapter.html, /<span class="person" id="ch1-idx-\d+" data-index-key="Kautsky, Karl">Kautsky<\/span>/);
    assert.doesNotMatch(chapter.html, /\skey=/);
    assert.match(chapter.notes[0]!.html, /<span class="index-mark" id="ch1-idx-\d+" data-index-key="Lenin, V.I.">Lenin<\/span>/);
    assert.match(chapter.html, /<code>Lenin<\/code>/);
  });

  test('a marked name not in the list is an error at the mark; one of the list never found a warning; a "zie ook" to nothing an error', () => {
    const found = book.diagnostics.filter((d) => d.rule.startsWith('index/')).map((d) => [d.rule, path.basename(d.file), d.line, d.column, d.severity]);
    assert.deepEqual(found, [
      ['index/unknown-name', 'een.md', 5, 10, 'error'],
      ['index/unused-name', 'namen.yaml', 4, 3, 'warning'],
      ['index/unknown-see', 'namen.yaml', 4, 3, 'error'],
    ]);
    assert.deepEqual(book.index?.entries.map((e) => [e.key, e.places.length]), [['Bernstein', 1], ['Kautsky, Karl', 1], ['Lenin, V.I.', 4], ['Zetkin, Clara', 0]]);
  });
});

test('a range that runs from one part into another, or out of a part, is a warning at the place on its last page', async () => {
  const dir = await makeManuscript({
    'book.yaml': 'title: T\nauthor: A\nlanguage: nl\nindex: {}\ncontents:\n  - part: Een\n    chapters: [een.md]\n  - part: Twee\n    chapters: [twee.md]\n  - drie.md\n',
    'een.md': '# Een\n\nOver [Kautsky]{.person key="Kautsky, Karl"} en [Zetkin]{.person key="Zetkin, Clara"}.\n',
    'twee.md': '# Twee\n\nWeer [Kautsky]{.person key="Kautsky, Karl"}.\n\nEn [Zetkin]{.person key="Zetkin, Clara"}.\n',
    'drie.md': '# Drie\n\nTot slot [Zetkin]{.person key="Zetkin, Clara"}.\n',
  });
  try {
    const { indexRangeFindings } = await import('../scripts/lib/checks/layout-check.ts');
    const book = await readBook({ manuscriptDir: dir });
    const ids = book.chapters.map((c) => (c.indexMarks ?? []).map((m) => m.id));
    // Part one's title page is 5, its chapter 7–8; part two's title page 9, its chapter 11–12; the third chapter 13.
    const page = (n: number): { page: number } => ({ page: n });
    const anchors: Record<string, { page: number }> = { part1: page(5), ch1: page(7), part2: page(9), ch2: page(11), ch3: page(13) };
    const [een, twee, drie] = ids as [string[], string[], string[]];
    Object.assign(anchors, { [een[0]!]: page(8), [een[1]!]: page(8), [twee[0]!]: page(11), [twee[1]!]: page(12), [drie[0]!]: page(13) });
    // Kautsky 8, 11: two ranges of a page each. Zetkin 8, 12–13: the second runs out of part two into the third chapter.
    const found = indexRangeFindings(book, anchors, 0);
    assert.deepEqual(found.map((d) => [d.rule, d.severity, path.basename(d.file), d.line, d.column, d.page]), [['index/range-across-parts', 'warning', 'drie.md', 3, 10, 13]]);
    assert.match(found[0]!.message, /"Zetkin, Clara": the index prints pages 12–13 as one range, but it runs from part 2 into a text outside the parts/);
    // From one part into the next: Kautsky on part one's last page and (as if part two began on the page after
    // it, without a title page of its own) on part two's first.
    anchors[twee[0]!] = page(9);
    assert.deepEqual(indexRangeFindings(book, anchors, 0).map((d) => [path.basename(d.file), d.line]), [['twee.md', 3], ['drie.md', 3]]);
  } finally {
    await removeDir(dir);
  }
});

test('sub-entries: a mark keyed "Entry!sub-entry" is a place of the sub-entry, under its entry, in print, EPUB and web', async () => {
  assert.deepEqual(splitKey('Lenin, V.I.!over de staat'), ['Lenin, V.I.', 'over de staat']);
  assert.deepEqual(splitKey(' Kautsky, Karl '), ['Kautsky, Karl', undefined]);
  assert.deepEqual(splitKey('Kautsky, Karl!'), ['Kautsky, Karl', undefined]);
  const dir = await makeManuscript({
    'book.yaml': 'title: T\nauthor: A\nlanguage: nl\nchapters: [een.md]\nindex: { names: namen.yaml }\n',
    'namen.yaml': '- key: "Lenin, V.I."\n  aliases: [Lenin]\n- key: "Zetkin, Clara"\n',
    'een.md': '# Een\n\nLenin schreef over [de staat]{.person key="Lenin, V.I.!over de staat"}.\n\nOver [Zetkin]{.person key="Zetkin, Clara!als redacteur"} en [de Vries]{.person key="Vries, Anna!aan het werk"}.\n\nWeer [de staat]{.person key="Lenin, V.I.! over de staat"} en [de partij]{.person key="Lenin, V.I.!over de Partij"}.\n',
  });
  try {
    const book = await readBook({ manuscriptDir: dir });
    // The sub-entry's entry must be in the list, as any marked name: error at the mark.
    assert.deepEqual(book.diagnostics.filter((d) => d.rule.startsWith('index/')).map((d) => [d.rule, d.line, d.column]), [['index/unknown-name', 5, 61]]);
    // Zetkin occurs only as a sub-entry: not an unused name.
    const index = book.index!;
    assert.deepEqual(index.entries.map((e) => [e.key, e.places.length, e.subentries.map((s) => [s.key, s.places.length])]), [
      ['Lenin, V.I.', 1, [['over de Partij', 1], ['over de staat', 2]]],
      ['Vries, Anna', 0, [['aan het werk', 1]]],
      ['Zetkin, Clara', 0, [['als redacteur', 1]]],
    ]);
    const lenin = index.entries[0]!;
    const pages: Record<string, number> = { [lenin.places[0]!.id]: 3, [lenin.subentries[0]!.places[0]!.id]: 5, [lenin.subentries[1]!.places[0]!.id]: 3, [lenin.subentries[1]!.places[1]!.id]: 4 };
    const printed = printIndexHtml(index, 'zie ook', { of: pages, romanPages: 0 });
    assert.match(printed, /<p class="index-entry"><span class="index-key">Lenin, V\.I\.<\/span> <span class="index-pages">3<\/span>\n<span class="index-subentry"><span class="index-subkey">over de Partij<\/span> <span class="index-pages">5<\/span><\/span>\n<span class="index-subentry"><span class="index-subkey">over de staat<\/span> <span class="index-pages">3–4<\/span><\/span><\/p>/);
    const linked = linkedIndexHtml(index, 'zie ook', (place) => `#${place.id}`, () => 'Een');
    assert.match(linked, /<li class="index-entry"><span class="index-key">Zetkin, Clara<\/span>\n<ul class="index-subentries"><li class="index-subentry"><span class="index-subkey">als redacteur<\/span>: <a href="#ch1-idx-\d+">Een<\/a><\/li><\/ul><\/li>/);
  } finally {
    await removeDir(dir);
  }
});
