import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderChapter } from '../scripts/lib/book.ts';
import { parseConfig } from '../scripts/lib/config/load-config.ts';
import type { Diagnostic } from '../scripts/lib/diagnostics.ts';
import { hyphenateText, SOFT_HYPHEN } from '../scripts/lib/markdown/hyphenation.ts';
import { MINIMAL_CONFIG } from './helpers.ts';

const { config } = parseConfig(MINIMAL_CONFIG, 'book.yaml');

function render(source: string): { html: string; diagnostics: Diagnostic[]; chapter: ReturnType<typeof renderChapter> } {
  const diagnostics: Diagnostic[] = [];
  const chapter = renderChapter({ index: 0, file: 'ch.md', source, config, diagnostics });
  return { html: chapter.html, diagnostics, chapter };
}

test('Dutch words get soft hyphens from the patterns, with the minimums kept', () => {
  const hyphenated = hyphenateText('arbeidersdemocratie en bureaucratie', { leftmin: 2, rightmin: 3, minWordLength: 6 });
  assert.equal(hyphenated.replaceAll(SOFT_HYPHEN, '|'), 'ar|bei|ders|de|mo|cra|tie en bu|reau|cra|tie');
  const short = hyphenateText('kapitalisme', { leftmin: 4, rightmin: 4, minWordLength: 6 });
  assert.ok(!short.replaceAll(SOFT_HYPHEN, '|').startsWith('ka|'), short);
  assert.ok(!/\u00ad.{1,3}$/u.test(short));
});

test('headings are not hyphenated, running text is', () => {
  const { html } = render('## Bureaucratisering van de arbeidersstaat\n\nDe arbeidersstaat bureaucratiseerde.\n');
  const heading = /<h2[^>]*>(.*?)<\/h2>/.exec(html)?.[1] ?? '';
  assert.ok(!heading.includes(SOFT_HYPHEN));
  assert.ok(/<p[^>]*>.*\u00ad.*<\/p>/.test(html));
});

test('blocks carry their source line and headings an id', () => {
  const { html, chapter } = render('# Titel\n\nEerste alinea.\n\n## Deel twee\n\nTweede alinea.\n');
  assert.match(html, /<p data-line="3">/);
  assert.match(html, /<h2 id="ch1-deel-twee" data-line="5">/);
  assert.deepEqual(
    chapter.headings.map((h) => [h.level, h.text, h.line]),
    [
      [1, 'Titel', 1],
      [2, 'Deel twee', 5],
    ],
  );
});

test('notes are lifted into the model and called by placeholder', () => {
  const { html, chapter, diagnostics } = render('Tekst.[^a] Meer.[^b]\n\n[^a]: Eerste *bron*.\n[^b]: Tweede bron.\n');
  assert.deepEqual(diagnostics, []);
  assert.equal(chapter.notes.length, 2);
  assert.equal(chapter.notes[0]?.label, 'a');
  assert.match(chapter.notes[0]?.html ?? '', /Eerste <em>bron<\/em>/);
  assert.equal(chapter.notes[0]?.line, 3);
  assert.match(html, /<span data-note-ref="1"><\/span>.*<span data-note-ref="2"><\/span>/);
  assert.doesNotMatch(html, /footnotes|Eerste/);
});

test('a note reference without definition is an error at its line and column', () => {
  const { diagnostics } = render('Eerste regel.\n\nDit citaat mist zijn bron.[^weg]\n');
  assert.equal(diagnostics.length, 1);
  assert.deepEqual(
    [diagnostics[0]?.rule, diagnostics[0]?.line, diagnostics[0]?.column, diagnostics[0]?.severity],
    ['notes/undefined-reference', 3, 27, 'error'],
  );
});

test('a definition nobody references is an error at its line', () => {
  const { diagnostics } = render('Tekst.\n\n[^los]: Niemand verwijst hiernaar.\n');
  assert.equal(diagnostics[0]?.rule, 'notes/unused-definition');
  assert.equal(diagnostics[0]?.line, 3);
});
