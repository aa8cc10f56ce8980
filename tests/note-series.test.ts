import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { pdfPageTexts } from '../scripts/lib/pdf/poppler.ts';
import { renderChapter } from '../scripts/lib/book.ts';
import { parseConfig } from '../scripts/lib/config/load-config.ts';
import type { Diagnostic } from '../scripts/lib/diagnostics.ts';
import { endnoteFindings } from '../scripts/lib/checks/layout-check.ts';
import { bookCharacters } from '../scripts/lib/fonts/book-text.ts';
import { ENDNOTES_ID } from '../scripts/lib/print/endnotes.ts';
import { DEFAULT_SERIES, noteMarker, notesBeforeEach, noteSeries } from '../scripts/lib/markdown/note-series.ts';
import { configDiagnostics, makeManuscript, MINIMAL_CONFIG, removeDir, runScript } from './helpers.ts';

const SERIES = `notes:
  series:
    - { id: ed, marker: alpha }
    - { id: vert, marker: symbols, placement: end, suffix: "(vert.)" }
`;

function render(source: string, yaml = MINIMAL_CONFIG + SERIES): { html: string; diagnostics: Diagnostic[]; chapter: ReturnType<typeof renderChapter> } {
  const { config } = parseConfig(yaml, 'book.yaml');
  const diagnostics: Diagnostic[] = [];
  const chapter = renderChapter({ index: 0, file: 'ch.md', source, config, diagnostics });
  return { html: chapter.html, diagnostics, chapter };
}

test('a prefix names the series: each series is numbered on its own in order of first call', () => {
  const { chapter, diagnostics, html } = render(
    'Lenin.[^1] De redactie.[^ed:engels] Weer Lenin.[^2] De vertaler.[^vert:staat] De redactie.[^ed:marx]\n\n' +
      '[^1]: Eerste van Lenin.\n[^2]: Tweede van Lenin.\n[^ed:engels]: Over Engels.\n[^ed:marx]: Over Marx.\n[^vert:staat]: *Staat* vertaalt *gosoedarstvo*.\n',
  );
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(
    chapter.notes.map((n) => [n.number, n.label, n.series, n.seriesNumber]),
    [
      [1, '1', DEFAULT_SERIES, 1],
      [2, 'ed:engels', 'ed', 1],
      [3, '2', DEFAULT_SERIES, 2],
      [4, 'vert:staat', 'vert', 1],
      [5, 'ed:marx', 'ed', 2],
    ],
  );
  assert.match(html, /data-note-ref="1".*data-note-ref="2".*data-note-ref="3".*data-note-ref="4".*data-note-ref="5"/s);
  // The series' suffix closes its notes' text, and no one else's.
  assert.match(chapter.notes[3]!.html, /<em>gosoedarstvo<\/em>\. <span class="note-suffix">\(vert\.\)<\/span><\/span>$/);
  assert.ok(chapter.notes.filter((n) => n.series !== 'vert').every((n) => !n.html.includes('note-suffix')));
});

test('a book without note series is unchanged: every note in the default series, numbered as before', () => {
  const { chapter, diagnostics } = render('Een.[^a] Twee.^[Inline.] Drie.[^b]\n\n[^a]: A.\n[^b]: B.\n', MINIMAL_CONFIG);
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(chapter.notes.map((n) => [n.number, n.series, n.seriesNumber]), [[1, '', 1], [2, '', 2], [3, '', 3]]);
});

test('a series book.yaml does not declare is an error at the call, line and column', () => {
  const { diagnostics } = render('Eerste regel.\n\nTekst met een noot.[^red:x] En nog een.[^red:x]\n\n[^red:x]: Onbekende reeks.\n');
  assert.deepEqual(
    diagnostics.map((d) => [d.rule, d.line, d.column, d.severity]),
    [['notes/unknown-series', 3, 20, 'error']],
  );
  assert.match(diagnostics[0]!.message, /"red".*declares "ed", "vert"/);
  // A colon elsewhere in a label names no series.
  assert.deepEqual(render('Tekst.[^1:2]\n\n[^1:2]: Een noot.\n').diagnostics, []);
});

test('markers: letters, roman numerals and symbols, doubled after the sixth', () => {
  assert.deepEqual([1, 2, 26, 27, 28].map((n) => noteMarker('alpha', n)), ['a', 'b', 'z', 'aa', 'ab']);
  assert.deepEqual([1, 4, 9, 14, 40].map((n) => noteMarker('roman', n)), ['i', 'iv', 'ix', 'xiv', 'xl']);
  assert.deepEqual([1, 2, 3, 6, 7, 8].map((n) => noteMarker('symbols', n)), ['*', '†', '‡', '¶', '**', '††']);
  assert.equal(noteMarker('arabic', 12), '12');
});

test('numbering through the book counts each series on its own; per chapter starts each at 1', () => {
  const { chapter: one } = render('A.[^1] B.[^ed:x] C.[^ed:y]\n\n[^1]: 1.\n[^ed:x]: x.\n[^ed:y]: y.\n');
  const { chapter: two } = render('D.[^ed:z]\n\n[^ed:z]: z.\n');
  const book = notesBeforeEach([one, two, one], 'book');
  assert.deepEqual(book.map((m) => Object.fromEntries(m)), [{}, { '': 1, ed: 2 }, { '': 1, ed: 3 }]);
  assert.deepEqual(notesBeforeEach([one, two], 'chapter').map((m) => m.size), [0, 0]);
});

test('book.yaml notes.series: defaults, and a series declared twice or with a bad id refused at its line', () => {
  const { config } = parseConfig(`${MINIMAL_CONFIG}notes:\n  series:\n    - id: ed\n`, 'book.yaml');
  assert.deepEqual(noteSeries(config).map((s) => [s.id, s.marker, s.placement, s.rank]), [['', 'arabic', 'foot', 0], ['ed', 'alpha', 'foot', 1]]);
  const twice = configDiagnostics(`${MINIMAL_CONFIG}notes:\n  series:\n    - id: ed\n    - id: ed\n`);
  assert.deepEqual(twice.map((d) => [d.rule, d.line]), [['config/invalid', 11]]);
  const bad = configDiagnostics(`${MINIMAL_CONFIG}notes:\n  series:\n    - { id: "Ed!" }\n`);
  assert.deepEqual(bad.map((d) => [d.rule, d.line]), [['config/invalid', 10]]);
});

test('the layout check finds every note of an end series by where its call and its note were printed', () => {
  const { chapter } = render('Tekst.[^vert:a] Meer.[^1] Nog.[^vert:b]\n\n[^vert:a]: A.\n[^1]: Een.\n[^vert:b]: B.\n');
  const { config } = parseConfig(MINIMAL_CONFIG + SERIES, 'book.yaml');
  const book = { config, chapters: [chapter] };
  const printed = { [ENDNOTES_ID]: { page: 9 }, 'ch1-enref-1': { page: 5 }, 'ch1-en-1': { page: 9 }, 'ch1-enref-3': { page: 6 }, 'ch1-en-3': { page: 10 } };
  assert.deepEqual(endnoteFindings(book, printed), []);
  // A note that did not reach the endnotes, and a call that is not in the text.
  const { 'ch1-en-3': _gone, ...missing } = printed;
  assert.deepEqual(
    endnoteFindings(book, { ...missing, 'ch1-enref-1': { page: 9 } }).map((d) => [d.rule, d.file, d.line, d.page, d.message]),
    [
      ['notes/endnote-placement', 'ch.md', 3, 9, 'the call of note [^vert:a] is not printed in the text'],
      ['notes/endnote-placement', 'ch.md', 5, 6, 'note [^vert:b] is not printed in the endnotes'],
    ],
  );
});

test('the markers a series prints are characters of the book: each checked against its fonts, at the series\' marker in book.yaml', () => {
  const yaml = `${MINIMAL_CONFIG}notes:\n  series:\n    - { id: ed, marker: symbols }\n`;
  const { chapter } = render('Een.[^ed:a] Twee.[^ed:b] Drie.[^ed:c]\n\n[^ed:a]: A.\n[^ed:b]: B.\n[^ed:c]: C.\n', yaml);
  const { config } = parseConfig(yaml, 'book.yaml');
  const asked: unknown[] = [];
  const book = { config, chapters: [chapter], configFile: 'book.yaml', manuscriptDir: '.', locateConfig: (keyPath: readonly (string | number)[]) => (asked.push(keyPath), { line: 10, column: 25 }) };
  const markers = bookCharacters(book as unknown as Parameters<typeof bookCharacters>[0]).filter((use) => use.file === 'book.yaml' && '*†‡§‖¶'.includes(use.char));
  assert.deepEqual(markers.map((use) => [use.char, use.line, use.column]), [['*', 10, 25], ['†', 10, 25], ['‡', 10, 25]]);
  assert.deepEqual(asked.at(-1), ['notes', 'series', 0, 'marker']);
});

test('print: the endnotes\' running heads name the text pages of the calls of the notes on each page', async () => {
  const para = 'Dit is een alinea van de proef, lang genoeg om een deel van een bladzijde te vullen met gewone woorden van de zetter. '.repeat(4).trim();
  const note = 'Een lange aantekening van de vertaler die enkele regels beslaat, zodat de aantekeningen samen meer dan een bladzijde vullen. '.repeat(3).trim();
  const chapter = (n: number): string =>
    `# Hoofdstuk ${n}\n\n${Array.from({ length: 12 }, (_, i) => `${para}[^vert:n${i}]`).join('\n\n')}\n\n${Array.from({ length: 12 }, (_, i) => `[^vert:n${i}]: ${note}`).join('\n\n')}\n`;
  const dir = await makeManuscript({
    'book.yaml': 'title: Proef\nauthor: A\nlanguage: nl\nchapters: [01.md, 02.md]\nnotes:\n  series:\n    - { id: vert, marker: arabic, placement: end }\n',
    '01.md': chapter(1),
    '02.md': chapter(2),
  });
  const out = path.join(dir, 'out');
  try {
    const run = await runScript('build.ts', ['--manuscript', dir, '--out', out, '--format', 'pdf']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const pages = await pdfPageTexts(path.join(out, 'proef.pdf'));
    const first = pages.findIndex((p) => p.trim().startsWith('Aantekeningen'));
    assert.ok(first > 0);
    // Each later page of the section: its head names the pages the calls of its notes are on, which hold them.
    const later = pages.slice(first + 1).filter((p) => /AANTEKENINGEN BIJ BLZ\./.test(p));
    assert.ok(later.length >= 2, `${later.length} endnote pages with a head`);
    for (const page of later) {
      const [, from, to] = /AANTEKENINGEN BIJ BLZ\. (\d+)(?:–(\d+))?/.exec(page) ?? [];
      const notes = Array.from(page.matchAll(/^\s*(\d+)\s+Een lange aantekening/gm), (m) => Number(m[1]));
      assert.ok(notes.length > 0, page);
      // The calls of those notes, found in the text pages named.
      const named = pages.slice(Number(from) - 1, Number(to ?? from));
      assert.ok(named.length > 0 && named.every((p) => /Dit is een alinea/.test(p)), `pages ${from}–${to ?? from} are text pages`);
    }
  } finally {
    await removeDir(dir);
  }
});
