// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { watchFolders } from '../scripts/lib/preview/watch.ts';

describe('watchFolders', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  test('a second write of a file right after the first, which chokidar drops, still runs again with the last text', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'watch-folders-'));
    dirs.push(dir);
    const file = path.join(dir, 'hoofdstuk.md');
    await writeFile(file, 'begin\n');
    const seen: string[] = [];
    let lastSeen: (text: string) => void = () => undefined;
    const sawFixed = new Promise<string>((resolve) => {
      lastSeen = (text) => {
        if (text === 'hersteld\n') resolve(text);
      };
    });
    const watcher = await watchFolders([dir], async () => {
      const text = await readFile(file, 'utf8');
      seen.push(text);
      // The fix lands while the first run is under way, well within chokidar's 50 ms for the first change.
      if (seen.length === 1) await writeFile(file, 'hersteld\n');
      lastSeen(text);
    });
    try {
      await writeFile(file, 'kapot\n');
      const outcome = await Promise.race([sawFixed, new Promise<string>((resolve) => setTimeout(() => resolve('timed out'), 3000))]);
      assert.equal(outcome, 'hersteld\n', `runs saw ${JSON.stringify(seen)}`);
      assert.equal(seen[0], 'kapot\n');
    } finally {
      await watcher.close();
    }
  });

  test('eager: a file written in two steps, its text read between them, settles only as its final text', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'watch-folders-'));
    dirs.push(dir);
    const file = path.join(dir, 'hoofdstuk.md');
    await writeFile(file, 'begin\n');
    const runs: { text: string; settled: boolean }[] = [];
    let sawFinal: () => void = () => undefined;
    const settledFinal = new Promise<void>((resolve) => (sawFinal = resolve));
    // The editor's second step comes well after the run began (at the first) and well before the files count
    // as settled: the first run reads the emptied file, and must not count it.
    const settleMs = 300;
    const watcher = await watchFolders(
      [dir],
      async (_paths, settled) => {
        const text = await readFile(file, 'utf8');
        const ok = await settled();
        runs.push({ text, settled: ok });
        if (ok && text === 'het einde\n') sawFinal();
      },
      { eager: true, settleMs },
    );
    try {
      const begun = performance.now();
      await writeFile(file, '');
      await new Promise((resolve) => setTimeout(resolve, 100));
      await writeFile(file, 'het einde\n');
      const outcome = await Promise.race([settledFinal.then(() => 'settled'), new Promise<string>((resolve) => setTimeout(() => resolve('timed out'), 5000))]);
      assert.equal(outcome, 'settled', `runs: ${JSON.stringify(runs)}`);
      // Both steps fell within one settling, as the test means them to (a machine slower than that tests nothing).
      assert.ok(performance.now() - begun > settleMs);
      assert.deepEqual(runs.filter((run) => run.settled).map((run) => run.text), ['het einde\n'], JSON.stringify(runs));
      assert.equal(runs[0]?.text, '', `the first run began at the first step: ${JSON.stringify(runs)}`);
      assert.equal(runs[0]?.settled, false);
    } finally {
      await watcher.close();
    }
  });

  test('eager: a single write settles once, no sooner than the settling time after it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'watch-folders-'));
    dirs.push(dir);
    const file = path.join(dir, 'hoofdstuk.md');
    await writeFile(file, 'begin\n');
    const runs: { text: string; settled: boolean; began: number; ended: number }[] = [];
    let done: () => void = () => undefined;
    const ran = new Promise<void>((resolve) => (done = resolve));
    let written = 0;
    const watcher = await watchFolders(
      [dir],
      async (_paths, settled) => {
        const began = performance.now();
        const text = await readFile(file, 'utf8');
        const ok = await settled();
        runs.push({ text, settled: ok, began, ended: performance.now() });
        done();
      },
      { eager: true, settleMs: 200 },
    );
    try {
      written = performance.now();
      await writeFile(file, 'eens\n');
      await Promise.race([ran, new Promise((resolve) => setTimeout(resolve, 5000))]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(runs.map((run) => [run.text, run.settled]), [['eens\n', true]], JSON.stringify(runs));
      const [run] = runs;
      // Begun before the settling time was over, settled after it.
      assert.ok((run?.began ?? Infinity) - written < 200, JSON.stringify(runs));
      assert.ok((run?.ended ?? 0) - written >= 200, JSON.stringify(runs));
    } finally {
      await watcher.close();
    }
  });
});
