#!/usr/bin/env tsx
// npm run bench [-- --scales 1,5,20] [--runs 3] [--edit-scale 20] [--big 100] [--manuscript DIR] [--measure build,preview]
// Builds synthetic manuscripts of N times the book, cold (no cache), and the same book HTML with
// pagedjs-cli 0.4.3 as a reference in the same run; then N× with one chapter edited (warm cache), and a
// big book once with peak memory (PSS) of the whole process tree; medians of the runs; the line-stretch
// figures of the largest book; then how long the preview takes from saving a chapter to the updated pages.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runTimed } from './lib/bench/process-tree.ts';
import { runPagedjsCli, writeReferenceHtml } from './lib/bench/reference.ts';
import { writeSyntheticBook } from './lib/bench/synthetic-book.ts';
import { measureWatchLatency } from './lib/bench/watch-latency.ts';
import { formatLineStretch, measureLineStretch } from './lib/layout/line-stretch.ts';
import { readPdfLines } from './lib/layout/pdf-lines.ts';
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

async function buildOnce(manuscript: string, out: string, extra: string[] = [], measureMemory = false): Promise<Sample> {
  const run = await runTimed([path.join(projectRoot, 'scripts/run.mjs'), 'build', '--quiet', '--manuscript', manuscript, '--out', out, '--format', 'pdf', ...extra], { measureMemory });
  if (run.code !== 0) throw new Error(`build failed (${run.code}):\n${run.stderr.split('\n').filter((l) => !/\binfo\b|\bwarning\b/.test(l)).join('\n')}`);
  return { seconds: run.seconds, peakBytes: run.peakBytes, pages: Number(/(\d+) pages/.exec(run.stdout)?.[1] ?? 0) };
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

function row(label: string, pages: number, ours: number, reference: number | undefined, peak: number, refPeak?: number): void {
  const ratio = reference ? (ours / reference).toFixed(2) : '–';
  console.log(
    `${label.padEnd(26)} ${String(pages).padStart(5)}  ${ours.toFixed(2).padStart(7)}  ${reference ? reference.toFixed(2).padStart(9) : '        –'}  ${ratio.padStart(5)}  ${((ours * 1000) / Math.max(1, pages)).toFixed(1).padStart(7)}  ${peak ? mb(peak).padStart(7) : '      –'}  ${refPeak ? mb(refPeak).padStart(7) : '      –'}`,
  );
}

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      scales: { type: 'string', default: '1,5,20' },
      runs: { type: 'string', default: '3' },
      'edit-scale': { type: 'string', default: '20' },
      big: { type: 'string', default: '100' },
      manuscript: { type: 'string', default: path.join(projectRoot, 'manuscript') },
      measure: { type: 'string', default: 'build,preview' },
    },
  });
  const measure = values.measure.split(',');
  const scales = values.scales.split(',').filter(Boolean).map(Number);
  const runs = Number(values.runs);
  const editScale = Number(values['edit-scale']);
  const big = Number(values.big);
  const source = path.resolve(values.manuscript);
  if (measure.includes('preview')) {
    await benchPreview(source, Math.max(runs, 5), '1×');
    if (editScale > 1) {
      const work = await mkdtemp(path.join(tmpdir(), 'book-bench-preview-'));
      try {
        await writeSyntheticBook(source, path.join(work, 'book'), editScale);
        await benchPreview(path.join(work, 'book'), Math.max(runs, 5), `${editScale}×`);
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    }
  }
  if (!measure.includes('build')) return;
  const work = await mkdtemp(path.join(tmpdir(), 'book-bench-'));
  const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`bench: ${availableParallelism()} cores, load average ${load()}; ${runs} run(s) per row, median`);
  console.log('ours: npm run build (parallel chapters, cache off unless said); reference: pagedjs-cli 0.4.3 on the same book HTML');
  console.log('times: median of runs without memory sampling; peak memory (PSS of the process tree): one more run of each');
  console.log('case                       pages   ours s  pagedjs s  ratio  ms/page  peak MB  ref MB');
  const rows: { pages: number; seconds: number }[] = [];
  try {
    const prepare = async (scale: number): Promise<{ manuscript: string; html: string }> => {
      const manuscript = path.join(work, `book-${scale}x`);
      await writeSyntheticBook(source, manuscript, scale);
      const html = path.join(work, `reference-${scale}x.html`);
      await writeReferenceHtml(manuscript, html);
      return { manuscript, html };
    };
    for (const scale of scales) {
      const { manuscript, html } = await prepare(scale);
      const ours: Sample[] = [];
      const reference: { seconds: number; peakBytes: number }[] = [];
      for (let r = 0; r < runs; r++) {
        ours.push(await buildOnce(manuscript, path.join(work, `out-${scale}x`), ['--no-cache']));
        reference.push(await runPagedjsCli(html, path.join(work, `reference-${scale}x.pdf`)));
      }
      // Memory from one more run of each, not from the timed ones: reading a process's smaps_rollup holds
      // its memory map's lock while the kernel walks it, which stalls a busy renderer. Sampled every 250 ms,
      // it slowed our build (both cores busy) by 1-2 s of 10 and pagedjs-cli (one core mostly) far less.
      const ourPeak = (await buildOnce(manuscript, path.join(work, `out-${scale}x`), ['--no-cache'], true)).peakBytes;
      const referencePeak = (await runPagedjsCli(html, path.join(work, `reference-${scale}x.pdf`), true)).peakBytes;
      const seconds = median(ours.map((s) => s.seconds));
      const pages = ours[0]?.pages ?? 0;
      rows.push({ pages, seconds });
      row(`${scale}× cold`, pages, seconds, median(reference.map((r) => r.seconds)), ourPeak, referencePeak);
    }
    if (editScale > 0) {
      const { manuscript, html } = await prepare(editScale);
      const out = path.join(work, `out-${editScale}x-warm`);
      await buildOnce(manuscript, out);
      const chapters = (await readFile(path.join(manuscript, 'book.yaml'), 'utf8')).match(/^ {2}- (.+\.md)$/gm) ?? [];
      const edited = path.join(manuscript, (chapters[Math.floor(chapters.length / 2)] ?? '').replace(/^ {2}- /, ''));
      const original = await readFile(edited, 'utf8');
      const samples: Sample[] = [];
      for (let r = 0; r < runs; r++) {
        // A different edit each run, one sentence in one chapter: the cache must see it.
        await writeFile(edited, original.replace('congres', `congres${' echt'.repeat(r + 1)}`));
        samples.push(await buildOnce(manuscript, out));
      }
      const reference = (await runPagedjsCli(html, path.join(work, 'reference-edit.pdf'))).seconds;
      row(`${editScale}× one chapter edited`, samples[0]?.pages ?? 0, median(samples.map((s) => s.seconds)), reference, median(samples.map((s) => s.peakBytes)));
      // The same edit in a watching build (`npm run build -- --watch`): from the save to the new PDF.
      const watched = await measureWatchLatency({ manuscript, out, pdf: path.join(out, `bench-${editScale}x.pdf`), edited, runs: Math.max(runs, 5) });
      const sorted = [...watched].sort((a, b) => a - b);
      console.log(
        `${editScale}× one chapter edited, build --watch: save -> new PDF, ${watched.length} saves: median ${Math.round(median(watched))} ms, ` +
          `min ${Math.round(sorted[0] ?? 0)} ms, max ${Math.round(sorted[sorted.length - 1] ?? 0)} ms (target < 1500 ms)`,
      );
    }
    if (big > 0) {
      const { manuscript, html } = await prepare(big);
      // One run each, timed and sampled for memory at once (the issue asks for the peak of this one).
      const ours = await buildOnce(manuscript, path.join(work, `out-${big}x`), ['--no-cache'], true);
      rows.push({ pages: ours.pages, seconds: ours.seconds });
      // pagedjs-cli may not finish a book this long (puppeteer's protocol timeout): say so, keep our row.
      const reference = await runPagedjsCli(html, path.join(work, `reference-${big}x.pdf`), true).catch((error: Error) => {
        console.log(`pagedjs-cli on ${big}×: failed: ${error.message.split('\n').find((l) => /Error/.test(l)) ?? error.message.split('\n')[0]}`);
        return undefined;
      });
      row(`${big}× cold (1 run)`, ours.pages, ours.seconds, reference?.seconds, ours.peakBytes, reference?.peakBytes);
    }
    if (scales.length > 0) {
      const largest = Math.max(...scales);
      const stretch = measureLineStretch(await readPdfLines(path.join(work, `out-${largest}x`, `bench-${largest}x.pdf`)));
      console.log(`${largest}× book, ${formatLineStretch(stretch)}`);
      console.log('  target: at most 2% beyond 1.5×, none beyond 2×, no more than 3 hyphenated line ends in a row');
    }
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (first && last && last !== first) {
      const growth = last.seconds / first.seconds / (last.pages / first.pages);
      console.log(`time grew ${(last.seconds / first.seconds).toFixed(2)}× for ${(last.pages / first.pages).toFixed(2)}× the pages (ratio ${growth.toFixed(2)}; ≤ 1 means no faster than the page count)`);
    }
    console.log(`load average at the end: ${load()}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

/** Preview latency: save a chapter, wait for the paged view in Chromium to show it (target: under 1 s). */
async function benchPreview(manuscript: string, runs: number, label: string): Promise<void> {
  const samples = (await measurePreviewLatency(manuscript, runs)).map((s) => s.ms);
  const sorted = [...samples].sort((a, b) => a - b);
  console.log(`preview, ${label} book: save a chapter -> updated pages on screen, ${runs} edits: median ${Math.round(median(samples))} ms, ` +
    `min ${Math.round(sorted[0] ?? 0)} ms, max ${Math.round(sorted[sorted.length - 1] ?? 0)} ms (target < 1000 ms)`);
}
