// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderChapter } from '../scripts/lib/book.ts';
import { bookConfigSchema } from '../scripts/lib/config/schema.ts';
import { placePageBreaks } from '../scripts/lib/epub/content-documents.ts';
import { DPUB_ROLES, epubTypeAttributes } from '../scripts/lib/epub/epub-types.ts';

const config = bookConfigSchema.parse({ title: 'T', author: 'A', language: 'en', chapters: ['a.md'], print: { hyphenation: { enabled: false } } });

describe('page-break markers in the EPUB', () => {
  const source = [
    '- a list whose first item shares its line', // 1
    '- second item', // 2
    '',
    '> a quotation whose paragraph shares its line', // 4
    '',
    '| H1 | H2 |', // 6
    '|----|----|',
    '| a  | b  |', // 8
    '| c  | d  |', // 9
    '',
    'Text with a note.[^n]', // 11
    '',
    '[^n]: The note.', // 13
    '',
    'Last paragraph.', // 15
  ].join('\n');
  const chapter = renderChapter({ index: 0, file: 'a.md', source, config, diagnostics: [] });
  const body = placePageBreaks(chapter.html, new Map([[1, [1]], [4, [2]], [6, [3]], [8, [4]], [9, [5]], [13, [6]]]));
  const ids = [...body.matchAll(/id="(pagina-\d+)"/g)].map((m) => m[1]);

  test('each page once, in reading order, though a block and its first child share a line', () => {
    assert.deepEqual(ids, ['pagina-1', 'pagina-2', 'pagina-3', 'pagina-4', 'pagina-5', 'pagina-6']);
    assert.doesNotMatch(body, /data-line/);
  });

  test('only where a span may stand: before a list or quotation, in a table row\'s first cell', () => {
    assert.match(body, /<span [^>]*id="pagina-1"[^>]*><\/span><ul>/);
    assert.match(body, /<span [^>]*id="pagina-2"[^>]*><\/span><blockquote>/);
    assert.match(body, /<span [^>]*id="pagina-3"[^>]*><\/span><table>/);
    assert.match(body, /<tr>\n<td><span [^>]*id="pagina-4"[^>]*><\/span>a<\/td>/);
    assert.match(body, /<tr>\n<td><span [^>]*id="pagina-5"[^>]*><\/span>c<\/td>/);
    assert.doesNotMatch(body, /<(tbody|tr|thead)>\s*<span/);
  });

  test('a page that begins in a note is marked at the next block', () => {
    assert.match(body, /<span [^>]*id="pagina-6"[^>]*><\/span><p>Last paragraph\./);
  });
});

describe('epub:type and its ARIA role', () => {
  test('a type with a DPUB-ARIA role gets it; one without gets none', () => {
    assert.equal(epubTypeAttributes('colophon'), 'epub:type="colophon" role="doc-colophon"');
    assert.equal(epubTypeAttributes('titlepage'), 'epub:type="titlepage"');
    assert.equal(DPUB_ROLES.cover, undefined);
  });
});


describe('Ace reports', () => {
  test('each failed assertion is one finding, with its document, rule, impact and elements', async () => {
    const { aceDiagnostics, aceFindings } = await import('../scripts/lib/epub/ace.ts');
    const report = {
      assertions: [
        { 'earl:testSubject': { url: 'toc.xhtml' }, assertions: [] },
        {
          'earl:testSubject': { url: 'titelpagina.xhtml' },
          assertions: [
            {
              'earl:test': { 'dct:title': 'epub-type-has-matching-role', 'earl:impact': 'moderate', help: { 'dct:title': 'ARIA role' } },
              'earl:result': { 'earl:outcome': 'fail', 'dct:description': 'Element has no ARIA role matching its epub:type', 'earl:pointer': { css: ['.colophon'] } },
            },
            { 'earl:test': { 'dct:title': 'image-alt' }, 'earl:result': { 'earl:outcome': 'pass' } },
          ],
        },
      ],
    };
    const findings = aceFindings(report);
    assert.equal(findings.length, 1);
    assert.deepEqual(aceDiagnostics(findings, 'build/book.epub').map((d) => [d.file, d.rule, d.severity, d.message]), [
      ['build/book.epub!/titelpagina.xhtml', 'epub/ace', 'error', 'epub-type-has-matching-role (moderate): Element has no ARIA role matching its epub:type; at .colophon'],
    ]);
  });
});
