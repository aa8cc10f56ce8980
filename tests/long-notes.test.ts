import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { projectRoot } from '../scripts/lib/paths.ts';
import { dutchParagraphs, minimalConfig } from './fixtures.ts';
import { makeManuscript, removeDir, runScript } from './helpers.ts';

/**
 * A note longer than the page's text area. Paged.js 0.4.3 stopped laying out the document at it, and the
 * build made a book that silently ended there (or failed on an internal error when a chapter followed).
 * The page runtime records every manuscript block before the layout and the build refuses a layout that lost
 * any (runtime/lost-text.ts): an error at the first lost block's line, the previous book left as it was.
 */

interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: string;
  message: string;
}

const [a, b, c, d] = dutchParagraphs(4) as string[];

/** A chapter whose paragraph on line 5 calls a note of `noteParagraphs` paragraphs' text, run together. */
function chapter(noteParagraphs: number): string {
  const note = dutchParagraphs(noteParagraphs, 1).join(' ');
  return ['# Lange noot', '', a, '', `${b} Een lange noot.[^lang] ${c}`, '', `${d} Slotalinea van het hoofdstuk.`, '', `[^lang]: Begin van de noot. ${note} Einde van de noot.`, ''].join('\n');
}
const SECOND = ['# Tweede hoofdstuk', '', ...dutchParagraphs(2, 3), 'Het einde van het boek.', ''].join('\n\n');
const CONFIG = minimalConfig().replace('  - 01-hoofdstuk.md\n', '  - 01-hoofdstuk.md\n  - 02-hoofdstuk.md\n');
/** Forty paragraphs of note: about three pages of the book's note type. */
const TOO_LONG = 40;

const diagnosticsOf = (stdout: string): Finding[] => (JSON.parse(stdout || '{"diagnostics":[]}') as { diagnostics: Finding[] }).diagnostics;

describe('text that Paged.js does not lay out is an error at its line, never a shorter book', () => {
  let dir: string;
  let out: string;
  before(async () => {
    dir = await makeManuscript({ 'book.yaml': CONFIG, '01-hoofdstuk.md': chapter(2), '02-hoofdstuk.md': SECOND });
    out = path.join(dir, 'out');
  });
  after(() => removeDir(dir));

  test('a chapter after the note: the build fails at the first line not laid out, and the previous PDF stays', async () => {
    const good = await runScript('build.ts', ['--manuscript', dir, '--out', out, '--format', 'pdf', '--jobs', '1']);
    assert.equal(good.code, 0, good.stderr);
    const pdf = path.join(out, 'proefboek.pdf');
    const before = await readFile(pdf);

    await writeFile(path.join(dir, '01-hoofdstuk.md'), chapter(TOO_LONG));
    const run = await runScript('build.ts', ['--manuscript', dir, '--out', out, '--format', 'pdf', '--jobs', '1']);
    assert.equal(run.code, 1, run.stderr);
    const file = path.relative(projectRoot, path.join(dir, '01-hoofdstuk.md'));
    // Line 5 is the paragraph that calls the note: its end, after the call, is the first text lost.
    assert.match(run.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:1  error  Paged.js stopped laying out the pages here: .*\\[print/layout-stopped\\]`));
    assert.doesNotMatch(run.stderr, /internal error|not found in its laid-out document/);
    assert.deepEqual(await readFile(pdf), before);
  });

  test('the note in the last chapter: check reports the same error at the chapter\'s line, not at book.yaml', async () => {
    const alone = await makeManuscript({ 'book.yaml': minimalConfig(), '01-hoofdstuk.md': chapter(TOO_LONG) });
    try {
      const run = await runScript('check.ts', ['--manuscript', alone, '--out', path.join(alone, 'out'), '--format', 'pdf', '--report', 'json']);
      assert.equal(run.code, 1, run.stderr);
      const stopped = diagnosticsOf(run.stdout).filter((x) => x.rule === 'print/layout-stopped');
      assert.equal(stopped.length, 1, run.stdout);
      const x = stopped[0] as Finding;
      assert.deepEqual([path.resolve(projectRoot, x.file), x.line, x.column, x.severity], [path.join(alone, '01-hoofdstuk.md'), 5, 1, 'error']);
      assert.match(x.message, /and 1 more block after it/);
    } finally {
      await removeDir(alone);
    }
  });
});
