import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../paths.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `npm run build -- --watch` on a manuscript: after its first build, saves `edited` with a different
 * sentence `runs` times and measures each time from the save until the book's PDF is replaced (the build
 * writes a new file and renames it over the old one, so the file's inode changes).
 */
export async function measureWatchLatency(options: { manuscript: string; out: string; pdf: string; edited: string; runs: number }): Promise<number[]> {
  const child = spawn(
    process.execPath,
    [path.join(projectRoot, 'scripts/run.mjs'), 'build', '--watch', '--quiet', '--manuscript', options.manuscript, '--out', options.out, '--format', 'pdf'],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const builds = (): number => stdout.match(/^done in /gm)?.length ?? 0;
  const waitForBuilds = async (count: number): Promise<void> => {
    const start = Date.now();
    while (builds() < count) {
      if (child.exitCode !== null || Date.now() - start > 300_000) throw new Error(`watching build stopped or hung:\n${stderr}`);
      await sleep(20);
    }
  };
  const original = await readFile(options.edited, 'utf8');
  const samples: number[] = [];
  try {
    await waitForBuilds(1);
    for (let r = 0; r < options.runs; r++) {
      await sleep(500);
      const before = (await stat(options.pdf)).ino;
      const saved = performance.now();
      await writeFile(options.edited, original.replace('congres', `congres${' nogmaals'.repeat(r + 1)}`));
      while ((await stat(options.pdf).catch(() => undefined))?.ino === before) {
        if (performance.now() - saved > 120_000) throw new Error(`no new PDF within 120 s:\n${stderr}`);
        await sleep(5);
      }
      samples.push(performance.now() - saved);
      await waitForBuilds(r + 2);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('close', resolve));
    await writeFile(options.edited, original);
  }
  return samples;
}
