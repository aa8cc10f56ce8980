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
});
