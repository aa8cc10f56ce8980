import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { compareEntries, pageRanges, sortKey } from '../scripts/lib/book-index/book-index.ts';
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
