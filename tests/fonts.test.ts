import assert from 'node:assert/strict';
import { cp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { readBook, renderChapter, type Book } from '../scripts/lib/book.ts';
import { parseConfig } from '../scripts/lib/config/load-config.ts';
import type { FontConfig } from '../scripts/lib/config/schema.ts';
import { fontsCheck } from '../scripts/lib/checks/fonts-check.ts';
import { bookFonts } from '../scripts/lib/fonts/book-fonts.ts';
import { bookCharacters, walkHtml, type TextRole } from '../scripts/lib/fonts/book-text.ts';
import { fontCharacters } from '../scripts/lib/fonts/font-cmap.ts';
import { familyCoverage } from '../scripts/lib/fonts/font-coverage.ts';
import { packageDir } from '../scripts/lib/paths.ts';
import { makeManuscript, MINIMAL_CONFIG, removeDir, runScript } from './helpers.ts';
import { KITCHEN_SINK } from './fixtures.ts';
import { sharedBuild } from './shared-build.ts';

const GARAMOND: FontConfig = { family: 'EB Garamond', package: '@fontsource/eb-garamond', weights: [400], italic: false };
const DEJAVU: FontConfig = { family: 'DejaVu Sans', package: '@fontsource/dejavu-sans', weights: [400], italic: false };
const cp0 = (char: string): number => char.codePointAt(0) as number;

test('a WOFF2 file’s cmap: the characters it has glyphs for', () => {
  const latin = fontCharacters(path.join(packageDir('@fontsource/eb-garamond'), 'files', 'eb-garamond-latin-400-normal.woff2'));
  for (const char of 'Aaé“”–…') assert.ok(latin.has(cp0(char)), char);
  assert.ok(!latin.has(cp0('∈')));
  assert.ok(!latin.has(cp0('Д')), 'Cyrillic is in another subset');
  const cyrillic = fontCharacters(path.join(packageDir('@fontsource/eb-garamond'), 'files', 'eb-garamond-cyrillic-400-normal.woff2'));
  assert.ok(cyrillic.has(cp0('Д')));
});

test('a family covers what one of its faces declares and has: subsets together, symbols not', () => {
  const garamond = familyCoverage(GARAMOND);
  for (const char of 'AéŁДжαΩ€') assert.ok(garamond.has(cp0(char)), char);
  for (const char of '∈→≤∀') assert.ok(!garamond.has(cp0(char)), char);
  const dejavu = familyCoverage(DEJAVU);
  for (const char of '∈→≤∀') assert.ok(dejavu.has(cp0(char)), char);
});

test('the text of the rendered HTML, with code set apart and each character at its block’s line', () => {
  const seen: [string, TextRole, number][] = [];
  walkHtml('<p data-line="3">a <code>b</code> &amp;</p>\n<pre data-line="5"><code>c</code></pre>', (char, role, line) => seen.push([char, role, line]));
  assert.deepEqual(seen.filter(([char]) => char.trim()), [
    ['a', 'body', 3],
    ['b', 'mono', 3],
    ['&', 'body', 3],
    ['c', 'mono', 5],
  ]);
});

function bookOf(source: string, fonts = ''): Book {
  const { config } = parseConfig(`${MINIMAL_CONFIG}${fonts}`, 'book.yaml');
  const chapter = renderChapter({ index: 0, file: 'ch.md', source, config, diagnostics: [] });
  return { config, manuscriptDir: '.', chapters: [chapter], parts: [], diagnostics: [], configFile: 'book.yaml', locateConfig: () => ({ line: 1, column: 1 }) };
}

test('an uncovered character is an error at its line and column, once per character, in text and in code', async () => {
  const book = bookOf('# Titel\n\nTekst met x ∈ A.\n\nEn nog eens ∈, en `y → z` in code.\n');
  const found = await fontsCheck.run({ book, outputs: {}, outDir: '.', browser: () => Promise.reject(new Error('the fonts check uses no browser')) });
  assert.deepEqual(
    found.map((d) => [d.rule, d.severity, d.line, d.column, d.message.slice(0, 24)]),
    [
      ['fonts/uncovered-character', 'error', 3, 13, '“∈” (U+2208) is in none '],
      ['fonts/uncovered-character', 'error', 5, 22, '“→” (U+2192) in code is '],
    ],
  );
  assert.match(found[0]?.message ?? '', /\(2 times in this file\)/);
});

test('a fallback font covers them; only what the text needs is used, and code brings the mono font', () => {
  const fallback = '\nprint:\n  fonts:\n    body: { family: EB Garamond, package: "@fontsource/eb-garamond", weights: [400], italic: false }\n    fallback:\n      - { family: DejaVu Sans, package: "@fontsource/dejavu-sans", weights: [400], italic: false }\n';
  const withSymbols = bookFonts(bookOf('Tekst met x ∈ A en `code`.\n', fallback));
  assert.deepEqual(withSymbols.uncovered, []);
  assert.deepEqual(withSymbols.body.map((f) => f.family), ['EB Garamond', 'DejaVu Sans']);
  assert.deepEqual(withSymbols.mono.map((f) => f.family), ['Source Code Pro']);
  const plain = bookFonts(bookOf('Gewone tekst, “aanhalingstekens” en – streepjes.\n', fallback));
  assert.deepEqual(plain.families.map((f) => f.family), ['EB Garamond'], 'no fallback and no mono font without need');
  const chars = bookCharacters(bookOf('€ en ©\n'));
  assert.deepEqual(chars.filter((c) => c.file === 'ch.md').map((c) => c.char).sort(), ['©', 'e', 'n', '€'].sort());
  assert.ok(chars.some((c) => c.file === 'book.yaml' && c.char === 'P'), 'the title page’s text from book.yaml counts too');
});

test('npm run build stops on an uncovered character before it prints, and leaves the last book as it was', async () => {
  const { out } = await sharedBuild(KITCHEN_SINK, ['--report', 'json'], 'check');
  const dir = await makeManuscript({});
  try {
    const manuscript = path.join(dir, 'manuscript');
    const previous = path.join(dir, 'out');
    await cp(KITCHEN_SINK, manuscript, { recursive: true });
    await cp(out, previous, { recursive: true });
    const yaml = await readFile(path.join(manuscript, 'book.yaml'), 'utf8');
    // Without its fallback font, the fixture's symbols are in none of its fonts.
    await writeFile(path.join(manuscript, 'book.yaml'), yaml.replace(/\n {4}fallback:\n(?: {6}.*\n)+/, '\n'));
    const before = await snapshot(previous);
    const run = await runScript('build.ts', ['--manuscript', manuscript, '--out', previous]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const book = await readBook({ manuscriptDir: manuscript });
    const source = book.chapters[2]?.source.split('\n') ?? [];
    const reported = [...run.stderr.matchAll(/^(\S+):(\d+):(\d+)\s+error\s+“(.)”.*\[fonts\/uncovered-character\]$/gmu)];
    assert.deepEqual(reported.map((m) => m[4]).sort(), [...'∈⊂∀∃→≤≠', '∈', '→'].sort(), run.stderr);
    for (const [, file, line, column, char] of reported) {
      assert.equal(path.basename(file as string), '03-code-and-symbols.md');
      assert.equal(source[Number(line) - 1]?.[Number(column) - 1], char, `${char} at ${line}:${column}`);
    }
    assert.doesNotMatch(run.stderr + run.stdout, /paginating|starting Chromium/);
    assert.deepEqual(await snapshot(previous), before);
  } finally {
    await removeDir(dir);
  }
});

/** Every file under a folder with its size and modification time. */
async function snapshot(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  return Promise.all(files.sort().map(async (file) => `${path.relative(dir, file)} ${(await stat(file)).size} ${(await stat(file)).mtimeMs}`));
}
