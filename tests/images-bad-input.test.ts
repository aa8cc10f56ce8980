import assert from 'node:assert/strict';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { $ } from 'zx';
import { MINIMAL_CONFIG, makeManuscript, removeDir, runScript } from './helpers.ts';

/**
 * Images a build cannot use: missing, remote, climbing out of the manuscript folder, a link inside it that
 * leads outside, a file that does not decode. Each is one error at the image's place in the chapter, found
 * while the manuscript is read (before any format is made), in every format and in `npm run check`; the
 * previous outputs stay as they were.
 */
const CHAPTER = [
  '# Afbeeldingen', // 1
  '',
  'Een goede afbeelding: ![grijs](beelden/goed.png)', // 3
  '',
  '![ontbreekt](beelden/weg.png)', // 5
  '',
  'Van het net: ![kaart](http://example.com/kaart.png).', // 7
  '',
  '![klimt](../../etc/hostname)', // 9
  '',
  '  ![link](beelden/link.png)', // 11
  '',
  '![kapot](beelden/kapot.jpg)', // 13
  '',
].join('\n');

const EXPECTED = [
  [5, 1, 'images/missing'],
  [7, 14, 'images/remote'],
  [9, 1, 'images/outside'],
  [11, 3, 'images/outside'],
  [13, 1, 'images/unreadable'],
];

const PREVIOUS: Record<string, string> = {
  'proefboek.pdf': '%PDF-1.7 the previous print edition\n',
  'proefboek.epub': 'the previous EPUB\n',
  'web/index.html': '<!doctype html><title>the previous web edition</title>\n',
};

/** `file:line:col  severity  message  [rule]` lines of a run's output. */
function diagnosticsOf(output: string): [string, number, number, string, string][] {
  return [...output.matchAll(/^(\S+):(\d+):(\d+)\s+(error|warning|info)\s+.*\[([\w/-]+)\]$/gm)].map((m) => [m[1] as string, Number(m[2]), Number(m[3]), m[4] as string, m[5] as string]);
}

describe('bad images: one error each at file:line:col, exit 1, previous outputs untouched', () => {
  let dir: string;
  let manuscript: string;
  let out: string;

  before(async () => {
    dir = await makeManuscript({ 'outside.png': '' });
    manuscript = path.join(dir, 'boek');
    out = path.join(dir, 'out');
    await mkdir(path.join(manuscript, 'beelden'), { recursive: true });
    await writeFile(path.join(manuscript, 'book.yaml'), MINIMAL_CONFIG);
    await writeFile(path.join(manuscript, '01-hoofdstuk.md'), CHAPTER);
    await $({ quiet: true })`convert -size 60x40 xc:gray50 ${path.join(manuscript, 'beelden', 'goed.png')}`;
    await $({ quiet: true })`convert -size 60x40 xc:gray50 ${path.join(dir, 'outside.png')}`;
    await $({ quiet: true })`convert -size 600x400 gradient: ${path.join(dir, 'heel.jpg')}`;
    const whole = await readFile(path.join(dir, 'heel.jpg'));
    await writeFile(path.join(manuscript, 'beelden', 'kapot.jpg'), whole.subarray(0, Math.floor(whole.length / 3)));
    await symlink(path.join(dir, 'outside.png'), path.join(manuscript, 'beelden', 'link.png'));
    for (const [name, text] of Object.entries(PREVIOUS)) {
      await mkdir(path.dirname(path.join(out, name)), { recursive: true });
      await writeFile(path.join(out, name), text);
    }
    // As a previous build leaves them: the marker says the web edition's folder is the build's own.
    await writeFile(path.join(out, '.book-output.json'), `${JSON.stringify({ written: ['proefboek.epub', 'proefboek.pdf', 'web'] })}\n`);
  });
  after(() => removeDir(dir));

  async function assertUntouched(): Promise<void> {
    for (const [name, text] of Object.entries(PREVIOUS)) assert.equal(await readFile(path.join(out, name), 'utf8'), text, `${name} changed`);
  }

  for (const format of ['pdf', 'epub', 'web']) {
    test(`--format ${format}`, async () => {
      const run = await runScript('build.ts', ['--manuscript', manuscript, '--out', out, '--format', format]);
      assert.equal(run.code, 1, run.stderr);
      const found = diagnosticsOf(run.stderr);
      assert.deepEqual(
        found.map(([file, line, column, severity, rule]) => [path.basename(file), line, column, severity, rule]),
        EXPECTED.map(([line, column, rule]) => ['01-hoofdstuk.md', line, column, 'error', rule]),
        run.stderr,
      );
      assert.doesNotMatch(run.stderr, /at \w+ \(|book\.invalid|Error:/);
      await assertUntouched();
    });
  }

  test('npm run check reports the same', async () => {
    const run = await runScript('check.ts', ['--manuscript', manuscript, '--out', out, '--report', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const { diagnostics } = JSON.parse(run.stdout) as { diagnostics: { file: string; line: number; column: number; rule: string; message: string }[] };
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.column, d.rule]),
      EXPECTED,
    );
    assert.match(diagnostics[1]?.message ?? '', /http:\/\/example\.com\/kaart\.png .*network/);
    assert.match(diagnostics[3]?.message ?? '', /link to .*outside\.png, outside the manuscript folder/);
    await assertUntouched();
  });
});
