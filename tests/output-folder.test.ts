import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { projectRoot } from '../scripts/lib/paths.ts';
import { copyOfOutput, guardedRun, outputDigest } from './build-guard.ts';
import { chapterWithNotes, minimalConfig } from './fixtures.ts';
import { makeManuscript, removeDir, runScript } from './helpers.ts';
import { sharedBuild } from './shared-build.ts';

/**
 * The output folder: every format goes in together or none does, and a build writes only into a folder that
 * is its own.
 */

const FILES = {
  'book.yaml': minimalConfig('slug: proefboek\n'),
  '01-hoofdstuk.md': chapterWithNotes('Het eerste hoofdstuk', 2, 3),
};

let work: string;
let manuscript: string;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'book-test-out-'));
  manuscript = await makeManuscript(FILES);
});
after(async () => {
  await removeDir(work);
  await removeDir(manuscript);
});

describe('all or nothing: a build that fails late leaves every previous output as it was', () => {
  test('the press stage fails after the screen PDF was made: PDF, press PDF, EPUB and web edition are the previous ones', async () => {
    const good = await sharedBuild(manuscript, ['--press']);
    assert.equal(good.run.code, 0, good.run.stderr);
    // The print edition and the EPUB's cover ask for Chromium at once: one start for both.
    assert.equal(good.run.stderr.match(/starting Chromium/g)?.length, 1, good.run.stderr);
    const before = await outputDigest(good.out);
    assert.deepEqual(Object.keys(before).filter((f) => !f.startsWith('web/')), ['.book-output.json', 'proefboek-press.pdf', 'proefboek.epub', 'proefboek.pdf']);
    const out = await copyOfOutput(good.out, path.join(work, 'late-failure'));
    await writeFile(path.join(manuscript, '01-hoofdstuk.md'), chapterWithNotes('Een nieuwe titel', 2, 3));
    try {
      // No Ghostscript on the PATH: the press stage fails once the screen PDF is in staging.
      const run = await guardedRun('build', ['--manuscript', manuscript, '--out', out, '--press'], { PATH: path.join(work, 'no-programs'), CHROMIUM_PATH: '/usr/bin/chromium' });
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /error\s+Ghostscript \(gs\) could not be run.*\[press\/build\]/);
      assert.match(run.stderr, /print: \d+ pages/, 'the screen PDF was made before the failure');
      assert.deepEqual(await outputDigest(out), before, 'an output changed');
      assert.deepEqual((await readdir(out)).filter((n) => n.startsWith('.book-staging')), [], 'staging left behind');
      assert.deepEqual(run.strayFiles, []);
      assert.deepEqual(run.leftProcesses, []);
    } finally {
      await writeFile(path.join(manuscript, '01-hoofdstuk.md'), FILES['01-hoofdstuk.md']);
    }
  });
});

describe('--out: only a folder of its own', () => {
  const usage = async (out: string, extra: string[] = [], dir = manuscript): Promise<{ code: number | null; stderr: string }> => {
    const run = await guardedRun('build', ['--manuscript', dir, '--out', out, '--format', 'pdf', ...extra]);
    assert.equal(run.code, 2, `exit ${run.code}: ${run.stderr}`);
    assert.doesNotMatch(run.stderr, /reading|Chromium/, 'refused before any work');
    assert.deepEqual(run.strayFiles, []);
    assert.deepEqual(run.leftProcesses, []);
    return run;
  };

  test('a file is a usage error before any work, and the file is left alone', async () => {
    const file = path.join(work, 'boek.pdf');
    await writeFile(file, 'mijn eigen bestand');
    const { stderr } = await usage(file);
    assert.match(stderr, /^usage error: --out .*boek\.pdf is a file, not a folder/m);
    assert.equal(await readFile(file, 'utf8'), 'mijn eigen bestand');
  });

  test('/, the home folder, the repository, the manuscript folder and a folder holding it are refused, --force or not', async () => {
    assert.match((await usage('/')).stderr, /is the root of the file system/);
    assert.match((await usage(homedir(), ['--force'])).stderr, /is your home folder/);
    assert.match((await usage(projectRoot, ['--force'])).stderr, /is the repository/);
    assert.match((await usage(manuscript, ['--force'])).stderr, /is the manuscript folder/);
    // A clone under the system's temporary folder has the manuscript's parent hold the repository as well:
    // that is refused first.
    const parent = path.dirname(manuscript);
    const holdsRepository = projectRoot.startsWith(parent + path.sep);
    assert.match((await usage(parent, ['--force'])).stderr, holdsRepository ? /holds the repository/ : /holds the manuscript folder/);
  });

  test('a folder that holds unrelated files is refused; with --force the book goes in beside them', async () => {
    const out = path.join(work, 'foreign');
    await mkdir(path.join(out, 'foto'), { recursive: true });
    await writeFile(path.join(out, 'notities.txt'), 'niet weggooien');
    await writeFile(path.join(out, 'foto', 'kat.jpg'), 'miauw');
    const refused = await usage(out);
    assert.match(refused.stderr, /is not empty and not a previous build's output \(it holds "foto", "notities\.txt"\).*--force/);
    const forced = await guardedRun('build', ['--manuscript', manuscript, '--out', out, '--format', 'web', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(await readFile(path.join(out, 'notities.txt'), 'utf8'), 'niet weggooien');
    assert.equal(await readFile(path.join(out, 'foto', 'kat.jpg'), 'utf8'), 'miauw');
    assert.match(await readFile(path.join(out, 'web', 'index.html'), 'utf8'), /Het eerste hoofdstuk/);
    assert.deepEqual(JSON.parse(await readFile(path.join(out, '.book-output.json'), 'utf8')), { written: ['web'] });
    const again = await guardedRun('build', ['--manuscript', manuscript, '--out', out, '--format', 'web']);
    assert.equal(again.code, 0, 'a folder the build has written into is its output from then on');
  });

  test('a web/ folder the build did not write is never replaced without --force', async () => {
    const out = path.join(work, 'own-web');
    await mkdir(path.join(out, 'web'), { recursive: true });
    await writeFile(path.join(out, 'web', 'index.html'), '<p>mijn eigen site</p>');
    await writeFile(path.join(out, 'proefboek.pdf'), 'an old PDF');
    const webRun = await guardedRun('build', ['--manuscript', manuscript, '--out', out, '--format', 'web']);
    assert.equal(webRun.code, 2);
    assert.match(webRun.stderr, /has a web\/ folder the build did not write: .* --force to replace it/);
    assert.equal(await readFile(path.join(out, 'web', 'index.html'), 'utf8'), '<p>mijn eigen site</p>');
    const forced = await guardedRun('build', ['--manuscript', manuscript, '--out', out, '--format', 'web', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(await readFile(path.join(out, 'web', 'index.html'), 'utf8'), /Het eerste hoofdstuk/);
  });

  test('an output folder from before the marker (only what builds write) is a previous output', async () => {
    const out = await copyOfOutput((await sharedBuild(manuscript, ['--press'])).out, path.join(work, 'legacy'));
    await removeDir(path.join(out, '.book-output.json'));
    const run = await guardedRun('build', ['--manuscript', manuscript, '--out', out, '--format', 'web']);
    assert.equal(run.code, 0, run.stderr);
  });
});

describe('two builds into one folder at once', () => {
  test('all succeed; the folder holds one whole book and no staging', async () => {
    const out = path.join(work, 'together');
    const runs = await Promise.all([
      runScript('build.ts', ['--manuscript', manuscript, '--out', out, '--format', 'pdf,web']),
      runScript('build.ts', ['--manuscript', manuscript, '--out', out, '--format', 'pdf,web']),
      runScript('build.ts', ['--manuscript', manuscript, '--out', out, '--format', 'web']),
    ]);
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((await readdir(out)).sort(), ['.book-output.json', '.cache', 'proefboek.pdf', 'web']);
    const pdf = await readFile(path.join(out, 'proefboek.pdf'));
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.match(pdf.subarray(-8).toString(), /%%EOF/);
    assert.match(await readFile(path.join(out, 'web', 'index.html'), 'utf8'), /<\/html>\s*$/);
  });
});

describe('a manuscript on a read-only file system', () => {
  test('builds: the pipeline writes nothing into the manuscript folder', async (t) => {
    const copy = await makeManuscript(FILES);
    const out = path.join(work, 'from-read-only');
    try {
      const args = ['--manuscript', copy, '--out', out, '--format', 'pdf'];
      let run: { code: number | null; stderr: string };
      if (process.getuid?.() === 0) {
        // Root writes through file modes: mount the copy read-only, in a mount namespace of the build's own.
        const probe = spawnSync('unshare', ['--mount', 'true']);
        if (probe.status !== 0) return t.skip('root without mount namespaces: cannot make a read-only folder here');
        const script = `mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && touch "$0/probe" 2>/dev/null && exit 99; exec "$@"`;
        const result = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, copy, copy, process.execPath, path.join(projectRoot, 'scripts', 'run.mjs'), 'build', ...args], { cwd: projectRoot, encoding: 'utf8', timeout: 180_000 });
        assert.notEqual(result.status, 99, 'the copy was writable');
        run = { code: result.status, stderr: result.stderr };
      } else {
        spawnSync('chmod', ['-R', 'a-w', copy]);
        run = await runScript('build.ts', args);
        spawnSync('chmod', ['-R', 'u+w', copy]);
      }
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual((await readdir(copy)).sort(), ['01-hoofdstuk.md', 'book.yaml']);
      assert.deepEqual(Object.keys(await outputDigest(out)), ['.book-output.json', 'proefboek.pdf']);
    } finally {
      await removeDir(copy);
    }
  });
});
