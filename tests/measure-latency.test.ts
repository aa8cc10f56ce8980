// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSentence } from '../scripts/lib/preview/measure-latency.ts';

const CHAPTER = ['# Hoofdstuk', 'Een inleiding. {.lead}', 'Eerste alinea.', '> Een citaat.', 'Middelste alinea.[^1]', 'Laatste alinea.', '[^1]: Een noot.', ''].join('\n\n');

test('the preview bench edits the first plain paragraph, the middle one or the last: never a heading, lead, quotation or note', () => {
  assert.match(withSentence(CHAPTER, 'Meting 1.'), /\n\nEerste alinea\. Meting 1\.\n\n/);
  assert.match(withSentence(CHAPTER, 'Meting 2.', 'end'), /\n\nLaatste alinea\. Meting 2\.\n\n\[\^1\]: Een noot\./);
  assert.equal(withSentence(CHAPTER, 'Meting 2.', 'end').split('Meting').length, 2);
  assert.match(withSentence(CHAPTER, 'Meting 4.', 'middle'), /\n\nMiddelste alinea\.\[\^1\] Meting 4\.\n\n/);
  assert.equal(withSentence('# Alleen een kop\n', 'Meting 3.', 'end'), '# Alleen een kop\n\nMeting 3.\n');
});
