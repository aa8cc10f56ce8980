// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INFINITY, knuthPlass, PARAMS, type Item } from '../scripts/lib/print/runtime/knuth-plass.ts';

const END: Item[] = [
  { type: 'penalty', width: 0, penalty: INFINITY, flagged: false },
  { type: 'glue', width: 0, stretch: 1e6, shrink: 0 },
  { type: 'penalty', width: 0, penalty: -INFINITY, flagged: false },
];
/** A box that may take a tenth of its width in tracking, as the line breaker's pieces may. */
const box = (width: number): Item => ({ type: 'box', width, stretch: width / 10 });
const space: Item = { type: 'glue', width: 4, stretch: 4 * PARAMS.stretchRatio, shrink: 4 * PARAMS.shrinkRatio };
const softHyphen: Item = { type: 'penalty', width: 3, penalty: PARAMS.hyphenPenalty, flagged: true };

/** Words of the given widths with spaces between them, ended as the line breaker ends a paragraph. */
const words = (widths: number[]): Item[] => [...widths.flatMap((w, i) => (i > 0 ? [space, box(w)] : [box(w)])), ...END];

/** As the line breaker tries: each tolerance in turn until one fits. */
function breaksOf(items: Item[], measure: number): number[] | null {
  for (const tolerance of PARAMS.tolerances) {
    const breaks = knuthPlass(items, () => measure, tolerance);
    if (breaks) return breaks;
  }
  return null;
}

/** The natural width of each line the breaks make (glue at a break vanishes). */
function lineWidths(items: Item[], breaks: number[]): number[] {
  let from = 0;
  return breaks.map((b) => {
    let width = (items[b] as Item).type === 'penalty' ? (items[b] as Item).width : 0;
    for (let k = from; k < b; k++) if ((items[k] as Item).type !== 'penalty') width += (items[k] as Item).width;
    from = b + 1;
    return width;
  });
}

test('total fit: every line but the last is set near the measure, none over it', () => {
  const items = words([30, 30, 20, 40, 30, 25, 35, 20, 30, 30]);
  const breaks = breaksOf(items, 100) as number[];
  assert.ok(breaks, 'a set of breaks fits');
  assert.equal(breaks[breaks.length - 1], items.length - 1, 'the paragraph ends with its forced break');
  const widths = lineWidths(items, breaks);
  for (const width of widths.slice(0, -1)) assert.ok(width > 70 && width <= 100 - PARAMS.safety, `a line of ${width} in a measure of 100: ${widths.join(', ')}`);
});

test('no line is overfull: a word wider than the measure finds no breaks at any tolerance', () => {
  assert.equal(breaksOf(words([30, 120, 30]), 100), null);
});

test('never more than maxHyphenRun hyphenated line ends in a row', () => {
  // One long word with a soft hyphen between every two pieces: each line must end at a hyphen.
  const word = (pieces: number): Item[] => [...Array.from({ length: pieces }, (_, i) => (i > 0 ? [softHyphen, box(25)] : [box(25)])).flat(), ...END];
  const lines = PARAMS.maxHyphenRun + 1;
  assert.ok(breaksOf(word(2 * lines), 60), `${lines} lines need ${lines - 1} hyphens in a row: allowed`);
  assert.equal(breaksOf(word(2 * (lines + 1)), 60), null, `${lines + 1} lines would need ${lines} in a row`);
});
