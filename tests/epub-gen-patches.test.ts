// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixHTML } from 'epub-gen-memory/dist/lib/util/html-parse.js';
import { ADDED_ATTRIBUTES, patchEpubGen } from '../scripts/lib/epub/epub-gen-patches.ts';

/** epub-gen-memory's own clean-up of a content document, as it runs on each chapter. */
function clean(html: string): { html: string; warnings: string[] } {
  const warnings: string[] = [];
  const context = { warn: (message: string) => warnings.push(message), options: { version: 3 } };
  return { html: fixHTML.call(context, 0, html, (src) => src), warnings };
}

const LIST = '<ol start="3" reversed=""><li value="7">Seven</li></ol><table><tr><th scope="col">Head</th></tr></table>';

// One process per test file: the package is unpatched until the second test patches it.
test('unpatched, epub-gen-memory drops the numbering of an ordered list', () => {
  const { html, warnings } = clean(LIST);
  assert.doesNotMatch(html, /start=|reversed=|value=|scope=/);
  assert.equal(warnings.length, ADDED_ATTRIBUTES.length);
});

test('patched, it keeps start, reversed and value, and still drops what it does not know', () => {
  patchEpubGen();
  patchEpubGen();
  const { html, warnings } = clean(`${LIST}<p foo="bar">Text</p>`);
  assert.match(html, /<ol start="3" reversed=""><li value="7">Seven<\/li><\/ol>/);
  assert.match(html, /<th scope="col">Head<\/th>/);
  assert.doesNotMatch(html, /foo=/);
  assert.deepEqual(warnings, ["Warning (content[0]): attribute foo isn't allowed."]);
});
