// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chapterOpening, contentsEntries, contentsParts, formatNumber, numberLabel, outlineLevel, romanNumeral, withChapterOpening } from '../scripts/lib/book-structure.ts';
import { parseConfig } from '../scripts/lib/config/load-config.ts';
import { escapeHtml } from '../scripts/lib/html.ts';
import { runningHeadsOf, withRunningHeads } from '../scripts/lib/print/running-heads.ts';
import { configDiagnostics, MINIMAL_CONFIG } from './helpers.ts';

const EDITION = `title: Staat en revolutie
author: V.I. Lenin
language: nl
numbering: { chapters: roman }
contents:
  - file: voorwoord.md
    kind: preface
    author: Per-Åke Westerlund
  - part: Staat en revolutie
    author: V.I. Lenin
    chapters:
      - een.md
      - { file: twee.md, author: N.N. }
  - nawoord.md
`;

describe('numbering', () => {
  test('roman, arabic, words in the book’s language, none', () => {
    assert.deepEqual([1, 4, 9, 14, 40, 1999].map(romanNumeral), ['I', 'IV', 'IX', 'XIV', 'XL', 'MCMXCIX']);
    assert.equal(formatNumber(3, 'arabic', 'nl'), '3');
    assert.equal(formatNumber(1, 'words', 'nl'), 'één');
    assert.equal(formatNumber(2, 'words', 'en-GB'), 'Two');
    assert.equal(formatNumber(21, 'words', 'nl'), '21');
    assert.equal(formatNumber(2, 'none', 'nl'), undefined);
  });

  test('labels in the book’s language, replaceable by labels:', () => {
    const { config } = parseConfig(EDITION, 'book.yaml');
    assert.deepEqual(numberLabel('chapter', 2, config), { label: 'Hoofdstuk II', number: 'II' });
    assert.deepEqual(numberLabel('part', 1, config), { label: 'Deel I', number: 'I' });
    const en = parseConfig(`${EDITION.replace('language: nl', 'language: en')}labels: { partNumber: "Book {n}" }\n`, 'book.yaml').config;
    assert.deepEqual(numberLabel('chapter', 3, en), { label: 'Chapter III', number: 'III' });
    assert.deepEqual(numberLabel('part', 2, en), { label: 'Book II', number: 'II' });
    assert.equal(numberLabel('chapter', 1, parseConfig(MINIMAL_CONFIG, 'book.yaml').config), undefined, 'chapters are not numbered unless book.yaml says so');
  });
});

describe('contents in book.yaml', () => {
  test('a flat chapters: list is a book of chapters without parts, as before', () => {
    const { config } = parseConfig(MINIMAL_CONFIG, 'book.yaml');
    assert.deepEqual(contentsEntries(config), [{ file: '01-hoofdstuk.md', keyPath: ['chapters', 0], kind: 'chapter' }]);
    assert.deepEqual(contentsParts(config), []);
  });

  test('contents: chapters, chapters with kind and author, parts whose author their chapters inherit', () => {
    const { config } = parseConfig(EDITION, 'book.yaml');
    assert.deepEqual(contentsEntries(config), [
      { file: 'voorwoord.md', keyPath: ['contents', 0, 'file'], kind: 'preface', author: 'Per-Åke Westerlund' },
      { file: 'een.md', keyPath: ['contents', 1, 'chapters', 0], kind: 'chapter', author: 'V.I. Lenin', part: 0 },
      { file: 'twee.md', keyPath: ['contents', 1, 'chapters', 1, 'file'], kind: 'chapter', author: 'N.N.', part: 0 },
      { file: 'nawoord.md', keyPath: ['contents', 2], kind: 'chapter' },
    ]);
    assert.deepEqual(contentsParts(config), [{ title: 'Staat en revolutie', author: 'V.I. Lenin', keyPath: ['contents', 1, 'part'] }]);
  });

  test('both lists, neither, an unknown kind and an empty part are errors at their line', () => {
    const both = configDiagnostics(`${EDITION}chapters: [a.md]\n`);
    assert.deepEqual(both.map((d) => [d.rule, d.line]), [['config/contents', 6]]);
    const neither = configDiagnostics(EDITION.replace(/contents:[\s\S]*$/, ''));
    assert.ok(neither.some((d) => d.rule === 'config/missing-key' && /"chapters"/.test(d.message)));
    const kind = configDiagnostics(EDITION.replace('kind: preface', 'kind: voorwoord'));
    assert.equal(kind[0]?.rule, 'config/invalid');
    assert.equal(kind[0]?.line, 7);
    const empty = configDiagnostics(EDITION.replace(/    chapters:\n      - een.md\n      - \{ file: twee.md, author: N.N. \}\n/, '    chapters: []\n'));
    assert.equal(empty[0]?.rule, 'config/invalid');
    assert.equal(empty[0]?.line, 11);
  });

  test('the PDF outline: a part’s title at the top, its chapters’ headings one level down, other chapters as they are', () => {
    const level = outlineLevel(parseConfig(EDITION, 'book.yaml').config);
    assert.equal(level('ch1-voorwoord', 1), 1);
    assert.equal(level('part1-title', 1), 1);
    assert.equal(level('ch2-titel', 1), 2);
    assert.equal(level('ch3-sectie', 2), 3);
    // A heading with the author's own id is in the chapter of the heading before it.
    assert.equal(level('afsterven', 2), 3);
    assert.equal(level('ch4-nawoord', 1), 1);
    assert.equal(level('uitkomst', 2), 2);
  });
});

describe('a chapter’s opening', () => {
  test('its label above the heading, its author under it when the part does not already name them', () => {
    const parts = [{ author: 'V.I. Lenin' }];
    assert.deepEqual(chapterOpening({ author: 'V.I. Lenin', number: { label: 'Hoofdstuk I' }, part: 0 }, parts), { label: 'Hoofdstuk I' });
    assert.deepEqual(chapterOpening({ author: 'N.N.', part: 0 }, parts), { author: 'N.N.' });
    assert.deepEqual(chapterOpening({ author: 'Per-Åke Westerlund' }, parts), { author: 'Per-Åke Westerlund' });
    const html = '<h1 id="ch2-t" data-line="1">Titel</h1>\n<p data-line="3">Tekst</p>';
    assert.equal(
      withChapterOpening(html, { label: 'Hoofdstuk I', author: 'A & B' }, escapeHtml),
      '<header class="chapter-opening">\n<p class="chapter-label">Hoofdstuk I</p>\n<h1 id="ch2-t" data-line="1">Titel</h1>\n<p class="chapter-author">A &amp; B</p>\n</header>\n<p data-line="3">Tekst</p>',
    );
    assert.equal(withChapterOpening(html, {}, escapeHtml), html);
  });
});

describe('running heads (print.runningHeads, a part’s or a text’s runningHeads:)', () => {
  const WITH_HEADS = EDITION.replace('numbering: { chapters: roman }\n', 'numbering: { chapters: roman }\nprint:\n  runningHeads: { verso: author }\n')
    .replace('    author: V.I. Lenin\n    chapters:', '    author: V.I. Lenin\n    runningHeads: { recto: part }\n    chapters:')
    .replace('{ file: twee.md, author: N.N. }', '{ file: twee.md, author: N.N., runningHeads: { verso: book } }');

  test('by default the chapter title on the verso and the section on the recto; a part’s and a text’s own over book.yaml’s', () => {
    assert.deepEqual(runningHeadsOf(parseConfig(EDITION, 'book.yaml').config), { verso: 'chapter', recto: 'section' });
    const { config } = parseConfig(WITH_HEADS, 'book.yaml');
    assert.deepEqual(contentsEntries(config).map((entry) => runningHeadsOf(config, entry.runningHeads)), [
      { verso: 'author', recto: 'section' },
      { verso: 'author', recto: 'part' },
      { verso: 'book', recto: 'part' },
      { verso: 'author', recto: 'section' },
    ]);
  });

  test('a head that is none of book, author, part, chapter, section is an error at its line', () => {
    const [wrong] = configDiagnostics(WITH_HEADS.replace('verso: author', 'verso: auteur'));
    assert.equal(wrong?.rule, 'config/invalid');
    assert.equal(wrong?.line, 6);
    assert.match(wrong?.message ?? '', /print\.runningHeads\.verso/);
    const [inPart] = configDiagnostics(WITH_HEADS.replace('recto: part', 'recto: deel'));
    assert.equal(inPart?.rule, 'config/invalid');
    assert.equal(inPart?.line, 13);
    assert.deepEqual(configDiagnostics(WITH_HEADS.replace('runningHeads: { verso: book }', 'runningHeads: { left: book }')).map((d) => [d.rule, d.line]), [['config/unknown-key', 16]]);
  });

  test('a text names its heads on its section, or on its headings when they change with its sections', () => {
    const body = '<section class="chapter" id="ch2">\n<h1 id="ch2-t">Titel &amp; meer</h1>\n<h2 id="ch2-s">Sectie</h2>\n<h2 id="refs">De <em>bronnen</em></h2>\n</section>';
    const text = { title: 'Titel & meer', author: 'V.I. Lenin', headings: [{ level: 1, id: 'ch2-t', text: 'Titel & meer' }, { level: 2, id: 'ch2-s', text: 'Sectie' }] };
    assert.equal(
      withRunningHeads(body, text, { verso: 'author', recto: 'chapter' }, 'Boek'),
      body.replace('<section ', '<section data-verso-head="V.I. Lenin" data-recto-head="Titel &amp; meer" '),
    );
    assert.equal(
      withRunningHeads(body, text, { verso: 'part', recto: 'section' }, 'Boek'),
      '<section data-verso-head="Boek" class="chapter" id="ch2">\n<h1 id="ch2-t" data-recto-head="Titel &amp; meer">Titel &amp; meer</h1>\n<h2 id="ch2-s" data-recto-head="Sectie">Sectie</h2>\n<h2 id="refs" data-recto-head="De bronnen">De <em>bronnen</em></h2>\n</section>',
    );
  });
});
