// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { packageDir } from '../scripts/lib/paths.ts';
import { charactersOf, parseUnicodeRange, trimFontFaces } from '../scripts/lib/print/font-faces.ts';

const css = readFileSync(path.join(packageDir('@fontsource/eb-garamond'), '400.css'), 'utf8');
const subsets = (trimmed: string): string[] => Array.from(trimmed.matchAll(/src: url\(\.\/files\/eb-garamond-([a-z-]+)-400-normal\.woff2\)/g), (m) => m[1] as string);

test('unicode-range descriptors are read as code point ranges', () => {
  assert.deepEqual(parseUnicodeRange('U+0460-052F, U+20B4,U+4??'), [[0x460, 0x52f], [0x20b4, 0x20b4], [0x400, 0x4ff]]);
});

test('a Dutch text keeps the Latin faces and drops Cyrillic, Greek and Vietnamese', () => {
  const all = subsets(css);
  assert.ok(all.includes('cyrillic') && all.includes('greek') && all.includes('vietnamese'), `the package declares ${all.join(', ')}`);
  assert.deepEqual(subsets(trimFontFaces(css, charactersOf(['Per-Åke Westerlund: “Staat en Revolutie”, één'])) ), ['latin']);
});

test('a character outside Latin-1 keeps the face that has it, also when written as a reference', () => {
  assert.deepEqual(subsets(trimFontFaces(css, charactersOf(['Lenin schreef Государство']))).sort(), ['cyrillic', 'latin']);
  assert.deepEqual(subsets(trimFontFaces(css, charactersOf(['Erdős &#x151;']))).sort(), ['latin', 'latin-ext']);
  assert.deepEqual(subsets(trimFontFaces(css, charactersOf(['&#337;']))).sort(), ['latin', 'latin-ext']);
});
