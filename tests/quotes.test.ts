// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CLEAN_CHAPTER, citedBook, diagnose, places } from './citation-fixtures.ts';
import { renderChapter, type Book } from '../scripts/lib/book.ts';
import { parseConfig } from '../scripts/lib/config/load-config.ts';
import { quotesCheck } from '../scripts/lib/checks/quotes-check.ts';
import { MINIMAL_CONFIG } from './helpers.ts';

const book = (paragraphs: string): Record<string, string> => citedBook(`${CLEAN_CHAPTER}\n${paragraphs}\n`);

describe('quotation marks', () => {
  test('apostrophes inside and at the edge of words are not closing quotes', async () => {
    const d = await diagnose(book('Trotski’s leger, de massa’s, ’t is zo: ‘Trotski’s plan’ en ‘Brood, land en vrede’.'));
    assert.deepEqual(places(d), []);
  });

  test('a double quote never closed: error at the column where it opened', async () => {
    const d = await diagnose(book('Hij zei: “Dit citaat sluit niet. En de alinea eindigt.'));
    assert.deepEqual(places(d), [['01-hoofdstuk.md', 7, 10, 'error', 'quotes/unbalanced']]);
    assert.match(d[0]!.message, /“ opened here is never closed/);
  });

  test('an inner single quote left open at the closing double quote: error where the single quote opened', async () => {
    const d = await diagnose(book('Hij zei: “Ze riepen ‘kom terug en gingen.”'));
    assert.deepEqual(places(d), [['01-hoofdstuk.md', 7, 21, 'error', 'quotes/unbalanced']]);
  });

  test('a closing quote that closes nothing: error at that quote', async () => {
    const d = await diagnose(book('Geen begin hier.” Zo.'));
    assert.deepEqual(places(d), [['01-hoofdstuk.md', 7, 17, 'error', 'quotes/unbalanced']]);
  });

  test('double quotes inside double quotes: wrong nesting, at the inner quote', async () => {
    const d = await diagnose(book('Hij zei: “Zij riep “ja” en ging.”[@marx-1867, p. 3]'));
    assert.deepEqual(places(d), [['01-hoofdstuk.md', 7, 20, 'error', 'quotes/wrong-nesting']]);
  });

  test('double quotes inside single quotes: wrong nesting', async () => {
    const d = await diagnose(book('De titel ‘Over “autonomisering”’ klopt niet.'));
    assert.deepEqual(places(d), [['01-hoofdstuk.md', 7, 16, 'error', 'quotes/wrong-nesting']]);
  });

  test('a long quotation with no citation or note in its paragraph: warning "unsourced quotation"', async () => {
    const d = await diagnose(book('Hij schreef: “Dit is een citaat van acht woorden of meer lang.” Verder niets.'));
    assert.deepEqual(places(d), [['01-hoofdstuk.md', 7, 14, 'warning', 'quotes/unsourced-quotation']]);
    assert.match(d[0]!.message, /unsourced quotation: 10 words/);
  });

  test('a short quotation, or a long one with a citation or note, is not flagged', async () => {
    const d = await diagnose(
      book(
        'Een “kort citaat van zeven woorden hier” is goed.\n\n' +
          'Hij schreef: “Dit is een citaat van acht woorden of meer lang.”[@marx-1867, p. 4]\n\n' +
          'Zij schreef: “Dit is een citaat van acht woorden of meer lang.”[^n]\n\n' +
          '[^n]: Een noot met “een citaat van acht woorden of meer erin”.',
      ),
    );
    assert.deepEqual(places(d), []);
  });

  test('quotes in code are not read', async () => {
    const d = await diagnose(book('Code: `“open` en\n\n```\n“ook open\n```'));
    assert.deepEqual(places(d), []);
  });
});

test('a book that marks quotations otherwise (British English, German) is not held to “ ” outside, ‘ ’ inside', async () => {
  const source = '# Titel\n\nHe said ‘a “quoted” word’ here.\n';
  const bookIn = (language: string): Book => {
    const { config } = parseConfig(MINIMAL_CONFIG.replace('language: nl', `language: ${language}`), 'book.yaml');
    const chapter = renderChapter({ index: 0, file: 'ch.md', source, config, diagnostics: [] });
    return { config, manuscriptDir: '.', chapters: [chapter], diagnostics: [], configFile: 'book.yaml', locateConfig: () => ({ line: 1, column: 1 }) };
  };
  const noBrowser = () => Promise.reject(new Error('the quotes check uses no browser'));
  assert.deepEqual(await quotesCheck.run({ book: bookIn('en-GB'), outputs: {}, outDir: '.', browser: noBrowser }), []);
  assert.ok((await quotesCheck.run({ book: bookIn('nl'), outputs: {}, outDir: '.', browser: noBrowser })).some((d) => d.rule === 'quotes/wrong-nesting'));
});
