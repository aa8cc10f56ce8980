// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readBook, type Book } from '../scripts/lib/book.ts';
import { citationDiagnostics } from '../scripts/lib/checks/citations-check.ts';
import { crossReferencesIn, fillCrossReferences } from '../scripts/lib/cross-references.ts';
import { referencePages } from '../scripts/lib/print/numbering.ts';
import { bookUnits } from '../scripts/lib/print/units.ts';
import { webHtml } from '../scripts/lib/web/web-html.ts';
import { makeManuscript, removeDir } from './helpers.ts';

/** Cross-references read from a small manuscript (no browser): what they resolve to, what is refused where. */
describe('cross-references: [@sec:id], [@fig:id], [@tbl:id], [@note:label], [@page:id]', () => {
  let dir: string;
  let book: Book;

  before(async () => {
    dir = await makeManuscript({
      'book.yaml': 'title: T\nauthor: A\nlanguage: nl\nchapters: [een.md, twee.md]\ncitations: { bibliography: bronnen.json }\n',
      'bronnen.json': JSON.stringify([{ id: 'sec:bron', type: 'book', title: 'Een bron die zo heet', author: [{ family: 'X' }], issued: { 'date-parts': [[2000]] } }]),
      'een.md': '# Een\n\n## De staat {#staat}\n\nTekst met [een naam]{#kautsky} erin.[^bron]\n\n[^bron]: Een noot.\n',
      'twee.md': '# Twee\n\nZie [@sec:staat] en [@page:kautsky], en [@note:bron].\nMaar [@sec:nergens] en\n  [@note:geen] niet; [@sec:bron, p. 3] is een bron.\n',
    });
    book = await readBook({ manuscriptDir: dir });
  });
  after(() => removeDir(dir));

  test('a reference to nothing is an error at its file, line and column; one to a heading, a span or a note is not', () => {
    const unresolved = book.diagnostics.filter((d) => d.rule === 'manuscript/unresolved-reference');
    assert.deepEqual(unresolved.map((d) => [path.basename(d.file), d.line, d.column, d.severity]), [
      ['twee.md', 4, 6, 'error'],
      ['twee.md', 5, 3, 'error'],
    ]);
    assert.match(unresolved[0]!.message, /\[@sec:nergens\] names nothing/);
    assert.match(unresolved[1]!.message, /no footnote \[\^geen\]/);
  });

  test('a prefixed key the sources have stays a citation; the citations check passes over references', () => {
    const twee = book.chapters[1]!;
    assert.deepEqual(crossReferencesIn(twee.html).map((r) => `${r.kind}:${r.name}`), ['sec:staat', 'page:kautsky', 'note:bron', 'sec:nergens', 'note:geen']);
    assert.ok(twee.citedKeys?.includes('sec:bron'), 'sec:bron is cited');
    assert.deepEqual(citationDiagnostics(book).filter((d) => d.rule === 'citations/unknown-key'), []);
  });

  test('print: "blz." and a page number to fill in, a note by its number; EPUB and web: the target\'s text', () => {
    const twee = bookUnits(book, { version: '1', buildDate: new Date(0) }).find((u) => u.id === 'ch2');
    assert.ok(twee);
    assert.match(twee.body, /<a class="xref" href="#staat" data-xref-page="staat">blz\.&nbsp;<span class="xref-page">000<\/span><\/a>/);
    assert.match(twee.body, /<a class="xref" href="#ch1-fn-1">noot 1<\/a>/);
    assert.deepEqual(twee.references, ['staat', 'kautsky']);
    const text = fillCrossReferences(book.chapters[1]!.html, 'ch2', book.crossReferences!, (target) => `[${target.text}]`);
    assert.match(text, /Zie \[De staat\] en \[De staat\]/, 'a span reads as the heading it stands under');
    // An unresolved reference (reported) is left as written.
    assert.match(text, /Maar \[@sec:nergens\] en/);
  });

  test('page numbers: each id on the printed page of the unit it is in, as folios', () => {
    // Front matter 6 pages (roman, 6 pages + none blank), a chapter of 5 whose "staat" is on its page 2, one of 3.
    const anchors: Record<string, { page: number }>[] = [{ toc: { page: 5 } }, { staat: { page: 2 } }, { kautsky: { page: 3 } }];
    assert.deepEqual(referencePages(['staat', 'kautsky', 'toc', 'nergens'], anchors, [1, 7, 13], 6), { staat: '2', kautsky: '9', toc: 'v' });
  });
});

/** Figures and tables a reference names by number, as Pandoc-crossref and LaTeX print them ("figuur 1", "tabel 2"). */
describe('cross-references to figures and tables: [@fig:id] and [@tbl:id] print their numbers', () => {
  const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#888"/></svg>';
  const TABLE = (caption: string): string => `| a | b |\n|---|---|\n| 1 | 2 |\n\nTable: ${caption}\n`;
  const files = (yaml = ''): Record<string, string> => ({
    'book.yaml': `title: T\nauthor: A\nlanguage: nl\nchapters: [een.md, twee.md]\n${yaml}`,
    'kaart.svg': SVG,
    'een.md': `# Een\n\n![Een kaart van de stad](kaart.svg){#kaart}\n\n${TABLE('Lonen')}`,
    'twee.md': `# Twee\n\n${TABLE('Prijzen {#prijzen}')}\nZie [@fig:kaart] en [@tbl:prijzen]; [@page:prijzen] blijft een bladzijde.\n`,
  });
  const read = async (yaml?: string): Promise<Book> => {
    const dir = await makeManuscript(files(yaml));
    try {
      return await readBook({ manuscriptDir: dir });
    } finally {
      await removeDir(dir);
    }
  };

  test('numbered through the book when the text refers to one: captions "Figuur 1." and "Tabel 2.", references "figuur 1" and "tabel 2" in print and on the web', async () => {
    const book = await read();
    assert.deepEqual(book.diagnostics.filter((d) => d.severity === 'error'), []);
    const units = bookUnits(book, { version: '1', buildDate: new Date(0) });
    const [een, twee] = ['ch1', 'ch2'].map((id) => units.find((u) => u.id === id)?.body ?? '');
    assert.match(een!, /<figure class="figure" id="kaart"[^>]*>.*<figcaption[^>]*><span class="figure-label">Figuur 1\.<\/span> Een kaart/);
    assert.match(een!, /<caption><span class="table-label">Tabel 1\.<\/span> /);
    assert.match(twee!, /<table id="prijzen"[^>]*>\s*<caption><span class="table-label">Tabel 2\.<\/span> /);
    assert.match(twee!, /Zie <a class="xref" href="#kaart">figuur&nbsp;1<\/a> en <a class="xref" href="#prijzen">tabel&nbsp;2<\/a>; <a class="xref" href="#prijzen" data-xref-page="prijzen">blz\.&nbsp;<span class="xref-page">000<\/span><\/a>/);
    const web = webHtml(book, { version: '1', buildDate: new Date(0), stylesheets: [], scripts: [] });
    assert.match(web, /Zie <a class="xref" href="#kaart">figuur 1<\/a> en <a class="xref" href="#prijzen">tabel 2<\/a>/);
    assert.match(web, /<span class="table-label">Tabel 2\.<\/span>/);
  });

  test('not numbered when book.yaml says so, or when nothing refers to them: a reference then prints the page', async () => {
    const off = await read('figures: { numbering: false }\ntables: { numbering: false }\n');
    const twee = bookUnits(off, { version: '1', buildDate: new Date(0) }).find((u) => u.id === 'ch2')?.body ?? '';
    assert.doesNotMatch(twee, /table-label|figuur/);
    assert.match(twee, /Zie <a class="xref" href="#kaart" data-xref-page="kaart">blz\.&nbsp;/);
    const dir = await makeManuscript({ ...files(), 'twee.md': '# Twee\n\nGeen verwijzing.\n' });
    try {
      const plain = await readBook({ manuscriptDir: dir });
      const een = bookUnits(plain, { version: '1', buildDate: new Date(0) }).find((u) => u.id === 'ch1')?.body ?? '';
      assert.doesNotMatch(een, /figure-label|table-label/);
    } finally {
      await removeDir(dir);
    }
  });
});
