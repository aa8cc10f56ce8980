// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderChapter } from '../scripts/lib/book.ts';
import { parseConfig } from '../scripts/lib/config/load-config.ts';
import type { Diagnostic } from '../scripts/lib/diagnostics.ts';
import { MINIMAL_CONFIG } from './helpers.ts';

/** A note inside a note has no place in any format: an error where the inner note is called, never dropped. */

const { config } = parseConfig(MINIMAL_CONFIG, 'book.yaml');

function nested(source: string): [number, number, string][] {
  const diagnostics: Diagnostic[] = [];
  renderChapter({ index: 0, file: 'ch.md', source, config, diagnostics });
  return diagnostics.map((d) => [d.line, d.column, `${d.rule} ${d.message}`]);
}

test('a reference in a note definition: error at the inner reference', () => {
  assert.deepEqual(nested('# H\n\nTekst.[^a]\n\n[^a]: Een noot met een eigen noot.[^b]\n[^b]: De binnenste.\n'), [
    [5, 35, 'notes/nested note [^b] is called inside note [^a]: a note cannot have a note of its own; put its text in the note itself'],
  ]);
});

test('on a later line of a note of several lines, and a note that calls itself', () => {
  const [first] = nested('# H\n\nTekst.[^a]\n\n[^a]: Eerste regel\n    tweede regel, met[^b] erin.\n\n[^b]: Binnen.\n');
  assert.deepEqual(first?.slice(0, 2), [6, 22]);
  const [self] = nested('# H\n\nTekst.[^a]\n\n[^a]: Zie ook[^a].\n');
  assert.deepEqual(self?.slice(0, 2), [5, 14]);
  assert.match(self?.[2] ?? '', /note \[\^a\] is called inside note \[\^a\]/);
});

test('an inline note in a note definition, and a note called inside an inline note', () => {
  assert.deepEqual(nested('# H\n\nTekst.[^a]\n\n[^a]: Buiten ^[binnen].\n').map((d) => d.slice(0, 2)), [[5, 14]]);
  const inInline = nested('# H\n\nTekst.^[Buiten, met een noot[^b] erin.]\n\n[^b]: Binnen.\n');
  assert.deepEqual(inInline.map((d) => d.slice(0, 2)), [[3, 29]]);
  assert.match(inInline[0]?.[2] ?? '', /note \[\^b\] is called inside an inline note/);
  const inlineInInline = nested('# H\n\nTekst.^[Buiten ^[binnen] erna.]\n');
  assert.deepEqual(inlineInInline.map((d) => d.slice(0, 2)), [[3, 16]]);
});

test('notes side by side, and a citation-free note with brackets, are fine', () => {
  assert.deepEqual(nested('# H\n\nEen.[^a] Twee.[^b] Drie.^[inline]\n\n[^a]: Noot [zie boven].\n[^b]: Noot twee.\n'), []);
});
