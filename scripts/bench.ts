#!/usr/bin/env tsx
// npm run bench [-- --scales 1,5,20,long,100] [--runs 3] [--rows ours,plain,latex,reference,untagged]
//   [--measure build,edit,preview] [--memory] [--long-copies 14] [--edit-scale 20] [--preview-scales 1,20,long] [--manuscript DIR]
//   [--document FILE.md [--document-language en]]
// Builds books of N times the manuscript (and the same in one chapter, and an outside document) with our build
// and, on the same text, in the same run and interleaved with it: pagedjs-cli on a plain HTML version,
// Pandoc + XeLaTeX (when installed), pagedjs-cli on our own book HTML, our build with the screen PDF untagged
// (asked for only); medians of paired runs and their ratios.
// At 1×, `ours` also builds every format through npm (`npm run build -- --no-cache`: issue 24's start-up target).
// Then N× with one chapter edited (warm cache) and in `build --watch`, and the preview's latency.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runTimed } from './lib/bench/process-tree.ts';
import { runPagedjsCli, writeReferenceHtml } from './lib/bench/reference.ts';
import { LONG_COPIES, parseScales, scaleName, scaleSlug, writeScaleManuscript, type Scale } from './lib/bench/scales.ts';
import { writeSyntheticBook } from './lib/bench/synthetic-book.ts';
import { measureWatchLatency } from './lib/bench/watch-latency.ts';
import { DEFAULT_ROW_IDS, median, prepareRow, ROW_IDS, runRows, TAGGING_BUDGET, type PreparedRow, type RowId, type RowResult } from './lib/bench/yardsticks.ts';
import { UsageError } from './lib/cli-args.ts';
import { formatLineStretch, measureLineStretch } from './lib/layout/line-stretch.ts';
import { readPdfLines } from './lib/layout/pdf-lines.ts';
import { projectRoot } from './lib/paths.ts';
import { measurePreviewLatency, type EditPlace } from './lib/preview/measure-latency.ts';
import { runCli } from './lib/run-cli.ts';

interface Sample {
  seconds: number;
  peakBytes: number;
  pages: number;
}

async function buildOnce(manuscript: string, out: string, extra: string[] = []): Promise<Sample> {
  const run = await runTimed([path.join(projectRoot, 'scripts/run.mjs'), 'build', '--quiet', '--manuscript', manuscript, '--out', out, '--format', 'pdf', ...extra], { measureMemory: false });
  if (run.code !== 0) throw new Error(`build failed (${run.code}):\n${run.stderr.split('\n').filter((l) => !/\binfo\b|\bwarning\b/.test(l)).join('\n')}`);
  return { seconds: run.seconds, peakBytes: run.peakBytes, pages: Number(/(\d+) pages/.exec(run.stdout)?.[1] ?? 0) };
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

/** Books of this many copies or more are built once, with memory sampled (the issue asks for their peak). */
const BIG = 100;

function printRows(rows: RowResult[]): void {
  console.log(`  ${'row'.padEnd(48)} ${'pages'.padStart(5)}  ${'wall s'.padStart(7)}  ${'ms/page'.padStart(7)}  ${'ours/row'.padStart(8)}  ${'peak MB'.padStart(7)}`);
  for (const row of rows) {
    const ratio = row.ratio === undefined ? '–' : `${row.ratio.toFixed(2)}×`;
    const perPage = row.pages ? ((row.seconds * 1000) / row.pages).toFixed(1) : '–';
    console.log(`  ${row.label.padEnd(48)} ${String(row.pages).padStart(5)}  ${row.seconds.toFixed(2).padStart(7)}  ${perPage.padStart(7)}  ${ratio.padStart(8)}  ${(row.peakBytes ? mb(row.peakBytes) : '–').padStart(7)}`);
    if (row.runs.length > 1) console.log(`    runs: ${row.runs.map((r) => r.seconds.toFixed(2)).join(', ')} s`);
    for (const note of row.notes) console.log(`    ${note}`);
    if (row.id === 'untagged' && row.ratio !== undefined) {
      const within = row.ratio <= TAGGING_BUDGET;
      console.log(`    tagged/untagged ${row.ratio.toFixed(3)}× (${row.ratio >= 1 ? '+' : ''}${((row.ratio - 1) * 100).toFixed(1)} %): ${within ? 'within' : 'over'} the tagged PDF's budget of ${TAGGING_BUDGET.toFixed(2)}× (issue 20)`);
    }
  }
}

/** An unknown or malformed option is a usage error (exit 2), as in every other command, not an internal one. */
function asUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

await runCli(async () => {
  const { values } = asUsageError(() => parseArgs({
    options: {
      scales: { type: 'string', default: '1,5,20,long,100' },
      runs: { type: 'string', default: '3' },
      rows: { type: 'string', default: DEFAULT_ROW_IDS.join(',') },
      measure: { type: 'string', default: 'build,edit,preview' },
      memory: { type: 'boolean', default: false },
      'long-copies': { type: 'string', default: String(LONG_COPIES) },
      'edit-scale': { type: 'string', default: '20' },
      'preview-scales': { type: 'string', default: '1,20,long' },
      manuscript: { type: 'string', default: path.join(projectRoot, 'manuscript') },
      document: { type: 'string', multiple: true, default: [] },
      'document-language': { type: 'string' },
    },
  }));
  const measure = values.measure.split(',').filter(Boolean);
  for (const m of measure) if (!['build', 'edit', 'preview'].includes(m)) throw new UsageError(`--measure: "${m}" is not one of build, edit, preview`);
  const rowIds = values.rows.split(',').filter(Boolean) as RowId[];
  for (const id of rowIds) if (!(ROW_IDS as readonly string[]).includes(id)) throw new UsageError(`--rows: "${id}" is not one of ${ROW_IDS.join(', ')}`);
  if (rowIds.includes('untagged') && !rowIds.includes('ours')) throw new UsageError('--rows: "untagged" is measured against "ours": ask for both');
  const scales: Scale[] = [
    ...parseScales(values.scales, Number(values['long-copies'])),
    ...values.document.map((file): Scale => ({ kind: 'document', file: path.resolve(file), ...(values['document-language'] ? { language: values['document-language'] } : {}) })),
  ];
  const runs = Number(values.runs);
  const editScale = Number(values['edit-scale']);
  const source = path.resolve(values.manuscript);
  if (measure.includes('preview')) {
    const work = await mkdtemp(path.join(tmpdir(), 'book-bench-preview-'));
    try {
      for (const scale of parseScales(values['preview-scales'], Number(values['long-copies']))) {
        // The book itself at 1×, as a user's preview shows it.
        const manuscript = scale.kind === 'copies' && scale.times === 1 ? source : path.join(work, scaleSlug(scale));
        if (manuscript !== source) await writeScaleManuscript(scale, source, manuscript);
        for (const place of ['start', 'middle', 'end'] as const) await benchPreview(manuscript, Math.max(runs, 5), scaleName(scale), place);
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  const work = await mkdtemp(path.join(tmpdir(), 'book-bench-'));
  try {
    if (measure.includes('build') && scales.length > 0) await benchScales(scales, rowIds, runs, values.memory, source, work);
    if (measure.includes('edit') && editScale > 0) await benchEdit(source, editScale, runs, work);
    console.log(`load average at the end: ${load()}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

async function benchScales(scales: Scale[], rowIds: RowId[], runs: number, memory: boolean, source: string, work: string): Promise<void> {
  console.log(`bench: ${availableParallelism()} cores, load average ${load()}`);
  console.log(`each scale: ${runs} run(s) of every row, interleaved (the order turned by one each run); wall time from spawn to exit, median;`);
  console.log(`ours/row: median of the paired ratios, our run r against the row's run r (< 1: ours is faster); books of ${BIG}× and more: one run, memory sampled`);
  console.log(`peak MB: PSS of the whole process tree, sampled every 250 ms ${memory ? 'in every run (slows the runs)' : `only at ${BIG}× and more (--memory: every run)`}`);
  const growth: { pages: number; seconds: number }[] = [];
  let largest: { scale: Scale; pdf: string } | undefined;
  for (const scale of scales) {
    const slug = scaleSlug(scale);
    const manuscript = path.join(work, `book-${slug}`);
    await writeScaleManuscript(scale, source, manuscript);
    const rows: PreparedRow[] = [];
    const skipped: string[] = [];
    const prepared = performance.now();
    const oneCopy = scale.kind === 'copies' && scale.times === 1;
    for (const id of oneCopy && rowIds.includes('ours') ? [...rowIds, 'formats' as const] : rowIds) {
      const row = await prepareRow(id, manuscript, path.join(work, `rows-${slug}`));
      if ('run' in row) rows.push(row);
      else skipped.push(`${row.label}: skipped, ${row.reason}`);
    }
    const big = scale.kind === 'copies' && scale.times >= BIG;
    const chapters = (await readFile(path.join(manuscript, 'book.yaml'), 'utf8')).match(/^ {2}- .+\.md$/gm)?.length ?? 0;
    console.log(`\n${scaleName(scale)}: ${chapters} chapter file(s); inputs of the rows written in ${((performance.now() - prepared) / 1000).toFixed(1)} s (not timed); load average ${load()}`);
    const results = await runRows(rows, big ? 1 : runs, big || memory);
    printRows(results);
    for (const line of skipped) console.log(`  ${line}`);
    const ours = results.find((r) => r.id === 'ours');
    if (ours && scale.kind === 'copies') {
      growth.push({ pages: ours.pages, seconds: ours.seconds });
      if (!largest || (largest.scale.kind === 'copies' && scale.times > largest.scale.times)) largest = { scale, pdf: path.join(work, `rows-${slug}`, 'ours', `bench-${slug}.pdf`) };
    }
  }
  if (largest) {
    const stretch = measureLineStretch(await readPdfLines(largest.pdf));
    console.log(`\n${scaleName(largest.scale)} book, ours: ${formatLineStretch(stretch)}`);
    console.log('  target: at most 2% beyond 1.5×, none beyond 2×, no more than 3 hyphenated line ends in a row');
  }
  const first = growth[0];
  const last = growth[growth.length - 1];
  if (first && last && last !== first) {
    const ratio = last.seconds / first.seconds / (last.pages / first.pages);
    console.log(`ours: time grew ${(last.seconds / first.seconds).toFixed(2)}× for ${(last.pages / first.pages).toFixed(2)}× the pages (ratio ${ratio.toFixed(2)}; ≤ 1 means no faster than the page count)`);
  }
}

/** N× with one chapter edited: a new `npm run build` on a warm cache, then the same edit in `build --watch`. */
async function benchEdit(source: string, editScale: number, runs: number, work: string): Promise<void> {
  const manuscript = path.join(work, `edit-${editScale}x`);
  await writeSyntheticBook(source, manuscript, editScale);
  const html = path.join(work, `reference-edit-${editScale}x.html`);
  await writeReferenceHtml(manuscript, html);
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
  const seconds = median(samples.map((s) => s.seconds));
  console.log(`\n${editScale}× one chapter edited, npm run build (warm cache): ${samples[0]?.pages ?? 0} pages, median ${seconds.toFixed(2)} s of ${runs} (pagedjs-cli on our book HTML, whole book: ${reference.toFixed(2)} s)`);
  // The same edit in a watching build (`npm run build -- --watch`): from the save to the new PDF.
  const watched = await measureWatchLatency({ manuscript, out, pdf: path.join(out, `bench-${editScale}x.pdf`), edited, runs: Math.max(runs, 5) });
  const sorted = [...watched].sort((a, b) => a - b);
  console.log(
    `${editScale}× one chapter edited, build --watch: save -> new PDF, ${watched.length} saves: median ${Math.round(median(watched))} ms, ` +
      `min ${Math.round(sorted[0] ?? 0)} ms, max ${Math.round(sorted[sorted.length - 1] ?? 0)} ms (target < 500 ms)`,
  );
}

/** Preview latency: save a chapter, wait for the paged view in Chromium to show it (target: under 1 s). */
async function benchPreview(manuscript: string, runs: number, label: string, place: EditPlace): Promise<void> {
  const measured = await measurePreviewLatency(manuscript, runs, place);
  const range = (values: number[]): string => {
    const sorted = [...values].sort((a, b) => a - b);
    return `median ${Math.round(median(values))} ms, min ${Math.round(sorted[0] ?? 0)} ms, max ${Math.round(sorted[sorted.length - 1] ?? 0)} ms`;
  };
  console.log(`preview, ${label} book: save its first chapter (a sentence in its ${place === 'start' ? 'first' : place === 'middle' ? 'middle' : 'last'} paragraph) -> updated pages on screen, ${runs} edits: ` +
    `${range(measured.map((s) => s.ms))} (target < 1000 ms); the whole chapter on show: ${range(measured.map((s) => s.wholeMs))}; load ${load()}`);
}
