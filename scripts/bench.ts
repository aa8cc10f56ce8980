#!/usr/bin/env tsx
// npm run bench [-- --scales 1,5,20] [--runs 3] [--manuscript DIR] [--measure build,preview]
// Builds synthetic manuscripts of N times the book and prints pages, wall time and peak memory of the
// whole process tree (node and every Chromium process), median of the runs; then how long the preview takes
// from saving a chapter to the updated pages on screen.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sampleTreePeak } from './lib/bench/process-tree.ts';
import { writeSyntheticBook } from './lib/bench/synthetic-book.ts';
import { projectRoot } from './lib/paths.ts';
import { measurePreviewLatency } from './lib/preview/measure-latency.ts';
import { runCli } from './lib/run-cli.ts';

interface Sample {
  seconds: number;
  peakBytes: number;
  pages: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function buildOnce(manuscript: string, out: string): Promise<Sample> {
  const start = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts/build.ts'), '--quiet', '--manuscript', manuscript, '--out', out, '--format', 'pdf'], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const sampler = sampleTreePeak(child.pid ?? 0);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = (performance.now() - start) / 1000;
  const peakBytes = await sampler.stop();
  if (code !== 0) throw new Error(`build failed (${code}):\n${stderr}`);
  const pages = Number(/(\d+) pages/.exec(stdout)?.[1] ?? 0);
  return { seconds, peakBytes, pages };
}

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      scales: { type: 'string', default: '1,5,20' },
      runs: { type: 'string', default: '3' },
      manuscript: { type: 'string', default: path.join(projectRoot, 'manuscript') },
      measure: { type: 'string', default: 'build,preview' },
    },
  });
  const measure = values.measure.split(',');
  const scales = values.scales.split(',').map(Number);
  const runs = Number(values.runs);
  if (measure.includes('preview')) await benchPreview(path.resolve(values.manuscript), Math.max(runs, 5));
  if (!measure.includes('build')) return;
  const work = await mkdtemp(path.join(tmpdir(), 'book-bench-'));
  console.log(`bench: ${runs} run(s) per size, median; wall time and peak PSS of the whole process tree`);
  console.log('size   chapters  pages   wall s   ms/page   peak MB');
  const rows: { scale: number; pages: number; seconds: number }[] = [];
  try {
    for (const scale of scales) {
      const manuscript = path.join(work, `book-${scale}x`);
      await writeSyntheticBook(path.resolve(values.manuscript), manuscript, scale);
      const samples: Sample[] = [];
      for (let r = 0; r < runs; r++) samples.push(await buildOnce(manuscript, path.join(work, `out-${scale}x`)));
      const seconds = median(samples.map((s) => s.seconds));
      const peak = median(samples.map((s) => s.peakBytes));
      const pages = samples[0]?.pages ?? 0;
      rows.push({ scale, pages, seconds });
      console.log(
        `${`${scale}×`.padEnd(6)} ${String(scale).padStart(8)}  ${String(pages).padStart(5)}  ${seconds.toFixed(2).padStart(7)}  ${((seconds * 1000) / pages).toFixed(1).padStart(8)}  ${(peak / 2 ** 20).toFixed(0).padStart(8)}`,
      );
    }
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (first && last && last !== first) {
      const growth = last.seconds / first.seconds / (last.pages / first.pages);
      console.log(`time grew ${(last.seconds / first.seconds).toFixed(2)}× for ${(last.pages / first.pages).toFixed(2)}× the pages (ratio ${growth.toFixed(2)}; ≤ 1 means no faster than the page count)`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

/** Preview latency: save a chapter, wait for the paged view in Chromium to show it (target: under 1.5 s). */
async function benchPreview(manuscript: string, runs: number): Promise<void> {
  const samples = (await measurePreviewLatency(manuscript, runs)).map((s) => s.ms);
  const sorted = [...samples].sort((a, b) => a - b);
  console.log(`preview: save a chapter -> updated pages on screen, ${runs} edits of the book: median ${Math.round(median(samples))} ms, ` +
    `min ${Math.round(sorted[0] ?? 0)} ms, max ${Math.round(sorted[sorted.length - 1] ?? 0)} ms (target < 1500 ms)`);
}
