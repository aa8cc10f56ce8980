import assert from 'node:assert/strict';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FORMATS } from '../scripts/lib/formats.ts';
import { pdfInfo } from '../scripts/lib/pdf/poppler.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { hashTree } from '../scripts/lib/release/make-release.ts';
import { removeDir, runScript, type RunResult } from './helpers.ts';
import { BOOK_EPOCH, bookRelease } from './shared-build.ts';

/**
 * Two full builds (every format: the press PDF and the cover too) of the book, each from its own copy of the manuscript into
 * its own output folder, with the same SOURCE_DATE_EPOCH: every file either build writes must be the same bytes.
 * The first is the book's shared release (built from the repository's manuscript/, its checks run besides), the
 * second a build of every format from a copy elsewhere; what only the release writes (its folder, the checks' proof
 * report, the output folder's marker naming both) is left out. The comparison walks the output folders, so a format added later is covered
 * without changing this test.
 */
describe('reproducible builds: same sources and SOURCE_DATE_EPOCH give the same bytes', () => {
  const roots: string[] = [];
  const runs: RunResult[] = [];
  const sums: Map<string, string>[] = [];
  const outs: string[] = [];
  const built = (all: Map<string, string>): Map<string, string> =>
    new Map([...all].filter(([file]) => !file.startsWith('release/') && file !== '.book-output.json' && !file.endsWith('-proof.html')));

  before(async () => {
    const release = await bookRelease();
    runs.push(release.run);
    outs.push(release.out);
    sums.push(built(await hashTree(release.out)));
    const root = await mkdtemp(path.join(tmpdir(), 'repro-second-'));
    roots.push(root);
    await cp(path.join(projectRoot, 'manuscript'), path.join(root, 'manuscript'), { recursive: true });
    const out = path.join(root, 'out');
    // Every format the release builds: the press PDF and the cover too.
    runs.push(await runScript('build.ts', ['--format', FORMATS.join(','), '--manuscript', path.join(root, 'manuscript'), '--out', out], { SOURCE_DATE_EPOCH: BOOK_EPOCH }));
    outs.push(out);
    sums.push(built(await hashTree(out)));
  });
  after(async () => {
    for (const root of roots) await removeDir(root);
  });

  test('both builds succeed', () => {
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
  });

  test('they write the same files, the screen and the press PDF among them', () => {
    const [a, b] = sums as [Map<string, string>, Map<string, string>];
    assert.deepEqual([...a.keys()], [...b.keys()]);
    assert.ok(a.has('lenins-strijd-tegen-het-stalinisme.pdf'), [...a.keys()].join(', '));
    assert.ok(a.has('lenins-strijd-tegen-het-stalinisme-press.pdf'), [...a.keys()].join(', '));
  });

  test('every file has the same SHA-256 in both', () => {
    const [a, b] = sums as [Map<string, string>, Map<string, string>];
    const differ = [...a].filter(([file, hash]) => b.get(file) !== hash).map(([file]) => file);
    assert.deepEqual(differ, [], `differ between the two builds: ${differ.join(', ')}`);
  });

  test('the PDFs are dated SOURCE_DATE_EPOCH', async () => {
    const out = outs[1] as string;
    for (const file of ['lenins-strijd-tegen-het-stalinisme.pdf', 'lenins-strijd-tegen-het-stalinisme-press.pdf']) {
      const { fields } = await pdfInfo(path.join(out, file));
      assert.match(fields.CreationDate ?? '', /Nov 14 22:13:20 2023/, file);
      assert.match(fields.ModDate ?? '', /Nov 14 22:13:20 2023/, file);
    }
  });
});
