// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PDFDocument, PDFName, PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import { colophonParagraphs } from '../scripts/lib/colophon.ts';
import { parseConfig } from '../scripts/lib/config/load-config.ts';
import { RELATORS, relatorOf } from '../scripts/lib/contributor-roles.ts';
import { authorNames, contributorLines, contributorsOf, creatorsOf, fileAs } from '../scripts/lib/contributors.ts';
import { epubPeople } from '../scripts/lib/epub/package-epub.ts';
import { postprocessDocument } from '../scripts/lib/print/pdf-postprocess.ts';
import { configDiagnostics, MINIMAL_CONFIG } from './helpers.ts';

const EDITION = `title: Staat en revolutie
language: nl
contributors:
  - { name: V.I. Lenin, role: author, fileAs: "Lenin, V.I." }
  - { name: Per-Åke Westerlund, role: preface }
  - { name: Anna de Vries, role: translator }
  - { name: Marcel van der Linden, role: editor }
chapters: [a.md]
`;

describe('relator roles', () => {
  test('each role has its MARC relator code; prefaces and introductions their own, not the deprecated aui', () => {
    assert.equal(relatorOf('author'), 'aut');
    assert.equal(relatorOf('preface'), 'wpr');
    assert.equal(relatorOf('introduction'), 'win');
    assert.equal(relatorOf('foreword'), 'wfw');
    assert.equal(relatorOf('translator'), 'trl');
    assert.equal(relatorOf('editor'), 'edt');
    for (const code of Object.values(RELATORS)) assert.match(code, /^[a-z]{3}$/);
    assert.ok(!Object.values(RELATORS).includes('aui' as never));
  });

  test('file-as: the last word first, particles kept with the surname, a single name as it is', () => {
    assert.equal(fileAs('Per-Åke Westerlund'), 'Westerlund, Per-Åke');
    assert.equal(fileAs('Marcel van der Linden'), 'van der Linden, Marcel');
    assert.equal(fileAs('Lenin'), 'Lenin');
  });
});

describe('contributors in book.yaml', () => {
  test('author: is the one-author shorthand, as before', () => {
    const { config } = parseConfig(MINIMAL_CONFIG, 'book.yaml');
    assert.deepEqual(contributorsOf(config).map((c) => [c.name, c.role, c.fileAs]), [['Anna de Vries', 'author', 'de Vries, Anna']]);
    assert.deepEqual(creatorsOf(config), ['Anna de Vries']);
    assert.deepEqual(contributorLines(config), []);
  });

  test('contributors with roles: the author as creator, the others one line per role in the book’s language', () => {
    const { config } = parseConfig(EDITION, 'book.yaml');
    assert.deepEqual(creatorsOf(config), ['V.I. Lenin']);
    assert.equal(authorNames(config), 'V.I. Lenin');
    assert.deepEqual(contributorLines(config), ['Met een voorwoord van Per-Åke Westerlund', 'Vertaald door Anna de Vries', 'Bezorgd door Marcel van der Linden']);
    const en = parseConfig(EDITION.replace('language: nl', 'language: en'), 'book.yaml').config;
    assert.deepEqual(contributorLines(en), ['With a preface by Per-Åke Westerlund', 'Translated by Anna de Vries', 'Edited by Marcel van der Linden']);
    const colophon = colophonParagraphs(config, { version: '1.0.0', date: new Date(0), medium: 'ebook' }).join('\n');
    assert.match(colophon, /<p>V\.I\. Lenin<\/p>\n<p>Met een voorwoord van Per-Åke Westerlund<\/p>\n<p>Vertaald door Anna de Vries<\/p>/);
  });

  test('two translators are named together; author: and contributors: together name the author once', () => {
    const { config } = parseConfig(`${MINIMAL_CONFIG}contributors:\n  - { name: Anna de Vries, role: author, fileAs: "Vries, Anna de" }\n  - { name: A, role: translator }\n  - { name: B, role: translator }\n`, 'book.yaml');
    assert.deepEqual(contributorsOf(config).map((c) => c.name), ['Anna de Vries', 'A', 'B']);
    assert.equal(contributorsOf(config)[0]?.fileAs, 'Vries, Anna de');
    assert.deepEqual(contributorLines(config), ['Vertaald door A en B']);
  });

  test('a collection without author is credited to its editor', () => {
    const { config } = parseConfig('title: T\nlanguage: nl\ncontributors:\n  - { name: Jan Jansen, role: editor }\n  - { name: Piet, role: contributor }\nchapters: [a.md]\n', 'book.yaml');
    assert.deepEqual(creatorsOf(config), ['Jan Jansen']);
    const people = epubPeople(config);
    assert.deepEqual(people.creators.map((p) => [p.id, p.name, p.role]), [['creator', 'Jan Jansen', 'edt']]);
    assert.deepEqual(people.contributors.map((p) => [p.id, p.name, p.role]), [['contributor-1', 'Piet', 'ctb']]);
  });

  test('no author at all is refused at the top of book.yaml', () => {
    const [d, ...rest] = configDiagnostics('title: T\nlanguage: nl\ncontributors:\n  - { name: A, role: translator }\nchapters: [a.md]\n');
    assert.equal(rest.length, 0);
    assert.equal(d?.rule, 'config/missing-key');
    assert.match(d?.message ?? '', /"author"/);
  });

  test('an unknown role is an error at its value, naming the roles there are', () => {
    const [d] = configDiagnostics(EDITION.replace('role: translator', 'role: vertaler'));
    assert.equal(d?.rule, 'config/invalid');
    assert.equal(d?.line, 6);
    assert.equal(d?.column, 34);
    assert.match(d?.message ?? '', /"contributors\.2\.role".*"translator"/);
  });

  test('one person twice in one role is an error at the second', () => {
    const [d] = configDiagnostics(EDITION.replace('chapters:', '  - { name: Anna de Vries, role: translator }\nchapters:'));
    assert.equal(d?.rule, 'config/duplicate-contributor');
    assert.equal(d?.line, 8);
    assert.match(d?.message ?? '', /Anna de Vries is named twice as translator/);
  });

  test('the EPUB: authors as dc:creator, everyone else as dc:contributor, each with role and file-as', () => {
    const { creators, contributors } = epubPeople(parseConfig(EDITION, 'book.yaml').config);
    assert.deepEqual(creators, [{ id: 'creator', name: 'V.I. Lenin', role: 'aut', fileAs: 'Lenin, V.I.' }]);
    assert.deepEqual(
      contributors.map((p) => [p.id, p.name, p.role, p.fileAs]),
      [
        ['contributor-1', 'Per-Åke Westerlund', 'wpr', 'Westerlund, Per-Åke'],
        ['contributor-2', 'Anna de Vries', 'trl', 'de Vries, Anna'],
        ['contributor-3', 'Marcel van der Linden', 'edt', 'van der Linden, Marcel'],
      ],
    );
  });

  test('the PDF: Author names the authors, XMP has dc:creator and every other contributor in dc:contributor, as UTF-8', async () => {
    const { config } = parseConfig(EDITION.replace('role: translator', 'role: author'), 'book.yaml');
    const pdf = await PDFDocument.create();
    pdf.addPage([400, 600]);
    postprocessDocument(pdf, { config, layout: { pageCount: 1, pageWidth: 400, pageHeight: 600, headings: [], calls: [], notes: [], blocks: [], hyphens: 0, errors: [], timings: { paginateMs: 0, settleMs: 0, collectMs: 0 } }, date: new Date(0), producer: 'test' });
    const saved = await PDFDocument.load(await pdf.save(), { updateMetadata: false });
    assert.equal(saved.getAuthor(), 'V.I. Lenin; Anna de Vries');
    const stream = saved.context.lookup(saved.catalog.get(PDFName.of('Metadata')));
    assert.ok(stream instanceof PDFRawStream);
    const xmp = Buffer.from(decodePDFRawStream(stream).decode()).toString('utf8');
    assert.match(xmp, /<dc:creator><rdf:Seq><rdf:li>V\.I\. Lenin<\/rdf:li><rdf:li>Anna de Vries<\/rdf:li><\/rdf:Seq><\/dc:creator>/);
    assert.match(xmp, /<dc:contributor><rdf:Bag><rdf:li>Per-Åke Westerlund<\/rdf:li><rdf:li>Marcel van der Linden<\/rdf:li><\/rdf:Bag><\/dc:contributor>/);
  });
});
