// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBibliography } from '../scripts/lib/citations/bibliography.ts';
import type { Diagnostic } from '../scripts/lib/diagnostics.ts';

const CSL_JSON = `[
  {
    "id": "marx-1867",
    "type": "book",
    "title": "Het kapitaal",
    "custom": { "status": "partial", "remark": "deel 1" }
  },
\t{"type": "article-newspaper", "id": "krant", "title": "Één dag"}
]
`;

function parse(text: string, yaml = false): { entries: [string, number, number][]; diagnostics: [number, number, string, string][]; items: unknown[] } {
  const diagnostics: Diagnostic[] = [];
  const bibliography = parseBibliography(text, 'bronnen.json', diagnostics, yaml);
  return {
    entries: [...bibliography.entries.values()].map((e) => [e.id, e.line, e.column]),
    diagnostics: diagnostics.map((d) => [d.line ?? 0, d.column ?? 0, d.rule, d.message]),
    items: [...bibliography.entries.values()].map((e) => e.item),
  };
}

test('a CSL-JSON bibliography: each entry placed at its id value, the custom block kept from citeproc', () => {
  const parsed = parse(CSL_JSON);
  assert.deepEqual(parsed.diagnostics, []);
  assert.deepEqual(parsed.entries, [
    ['marx-1867', 3, 11],
    ['krant', 8, 38],
  ]);
  assert.deepEqual(parsed.items, [
    { id: 'marx-1867', type: 'book', title: 'Het kapitaal' },
    { type: 'article-newspaper', id: 'krant', title: 'Één dag' },
  ]);
});

test('the same items as CSL-YAML are placed at their ids too, with the same values but the dates', () => {
  const yaml = 'references:\n- id: marx-1867\n  type: book\n  title: Het kapitaal\n  issued: 1867\n';
  const parsed = parse(yaml, true);
  assert.deepEqual(parsed.entries, [['marx-1867', 2, 7]]);
  assert.deepEqual(parsed.items, [{ id: 'marx-1867', type: 'book', title: 'Het kapitaal', issued: { 'date-parts': [[1867]] } }]);
});

test('what is wrong in a CSL-JSON bibliography is reported where it is', () => {
  const rule = 'citations/bad-bibliography';
  assert.deepEqual(parse('{"id": "a", "type": "book"}').diagnostics, [[1, 1, rule, 'the bibliography must be a CSL-JSON array of items']]);
  assert.deepEqual(parse('[\n  {"id": "a", "type": "book",\n   "title": "x", "title": "y"}\n]').diagnostics, [[3, 18, rule, 'cannot read the bibliography: the key "title" is in one object twice']]);
  assert.deepEqual(parse('[\n  {"id": "a", "type": "book", "author": [{"family": "X", "family": "Y"}]}\n]').diagnostics.map((d) => d.slice(0, 2)), [[2, 58]], 'in a nested object too');
  assert.deepEqual(parse('[\n  "marx",\n  {"type": "book"},\n  {"id": "b"}\n]').diagnostics, [
    [2, 3, rule, 'a bibliography item must be an object'],
    [3, 3, rule, 'a bibliography item needs an "id" (the citation key)'],
    [4, 10, rule, 'item "b" needs a CSL "type" (book, chapter, article-newspaper, ...)'],
  ]);
  const twice = parse('[{"id": "a", "type": "book"},\n {"id": "a", "type": "chapter"}]');
  assert.deepEqual(twice.diagnostics, [[2, 9, 'citations/duplicate-key', 'citation key "a" is used by two bibliography items (first on line 1)']]);
  assert.deepEqual(twice.entries, [['a', 1, 9]]);
  assert.deepEqual(parse('[{"id": "a", "type": "book",}]').diagnostics.map((d) => d.slice(0, 3)), [[1, 29, rule]], 'JSON, not JSON with trailing commas');
});
