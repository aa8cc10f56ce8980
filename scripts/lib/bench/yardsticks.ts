import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { packageVersion, projectRoot } from '../paths.ts';
import { missingLatexTools, LATEX_PACKAGES, writePandocDefaults } from './latex.ts';
import { writePlainHtml } from './plain-html.ts';
import { runTimed, runTimedCommand } from './process-tree.ts';
import { runPagedjsCli, writeReferenceHtml } from './reference.ts';

/** The rows of a scale: our build, and what it is measured against on the same text; `untagged` is our build
 * with the screen PDF left untagged, to show what tagging costs (issue 20 allows it 10 %). */
export const ROW_IDS = ['ours', 'plain', 'latex', 'reference', 'untagged'] as const;
/** The rows run when `--rows` is not given: `untagged` only when asked (another 20× build a run). */
export const DEFAULT_ROW_IDS: readonly RowId[] = ['ours', 'plain', 'latex', 'reference'];
/** What tagging the screen PDF may add to our build's time: ours/untagged at most this (issue 20). */
export const TAGGING_BUDGET = 1.1;
/** The rows one asks for, and `formats`: with `ours`, the 1× book is also built in every format, as the issue's
 * start-up target (1× in every format under 3 s) is worded. */
export type RowId = (typeof ROW_IDS)[number] | 'formats';

export interface RowRun {
  seconds: number;
  pages: number;
  /** Peak memory (PSS) of the whole process tree; 0 when not sampled. */
  peakBytes: number;
  /** What the run said that a reader of its figures should know (characters XeLaTeX had no glyph for). */
  notes: string[];
}

/** A row made ready for one book: its input written, run on demand. */
export interface PreparedRow {
  id: RowId;
  label: string;
  run(measureMemory: boolean): Promise<RowRun>;
}

/** A row that cannot run here, and why. */
export interface SkippedRow {
  id: RowId;
  label: string;
  reason: string;
}

export function rowLabel(id: RowId): string {
  switch (id) {
    case 'ours':
      return 'ours: node scripts/run.mjs build, PDF, no cache';
    case 'formats':
      return 'ours: npm run build, every format, no cache';
    case 'untagged':
      return 'ours, untagged screen PDF';
    case 'plain':
      return `pagedjs-cli ${packageVersion('pagedjs-cli')}, plain HTML and CSS`;
    case 'latex':
      return `Pandoc ${toolVersion('pandoc')} + XeLaTeX`;
    case 'reference':
      return `pagedjs-cli ${packageVersion('pagedjs-cli')}, our book HTML`;
  }
}

function toolVersion(tool: string): string {
  try {
    return /\d+(\.\d+)+/.exec(execFileSync(tool, ['--version'], { encoding: 'utf8' }))?.[0] ?? '?';
  } catch {
    return '(not installed)';
  }
}

/** Page count of a PDF, as pdfinfo reads it. */
export function pdfPages(file: string): number {
  return Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1] ?? 0);
}

/**
 * Writes what a row needs for one manuscript into `work` (the plain HTML, our book's HTML, Pandoc's defaults
 * and fonts) and returns the row, or why it cannot run here. Nothing written here is timed.
 */
export async function prepareRow(id: RowId, manuscript: string, work: string): Promise<PreparedRow | SkippedRow> {
  await mkdir(work, { recursive: true });
  const label = rowLabel(id);
  switch (id) {
    case 'ours':
    case 'untagged': {
      const out = path.join(work, id);
      // BOOK_UNTAGGED is internal, for this measurement only: the same build, the screen PDF not tagged.
      const env = id === 'untagged' ? { BOOK_UNTAGGED: '1' } : {};
      return {
        id,
        label,
        async run(measureMemory) {
          const args = [path.join(projectRoot, 'scripts/run.mjs'), 'build', '--quiet', '--manuscript', manuscript, '--out', out, '--format', 'pdf', '--no-cache'];
          const run = await runTimed(args, { env, measureMemory });
          if (run.code !== 0) throw new Error(`build failed (${run.code}):\n${run.stderr.split('\n').filter((l) => !/\binfo\b|\bwarning\b/.test(l)).join('\n')}`);
          return { seconds: run.seconds, peakBytes: run.peakBytes, pages: Number(/(\d+) pages/.exec(run.stdout)?.[1] ?? 0), notes: [] };
        },
      };
    }
    case 'formats': {
      // Through npm, as the target is worded: npm's own start (~0.15 s) is in the figure.
      const out = path.join(work, 'formats');
      return {
        id,
        label,
        async run(measureMemory) {
          const args = ['run', '--silent', 'build', '--', '--quiet', '--manuscript', manuscript, '--out', out, '--no-cache'];
          const run = await runTimedCommand('npm', args, { measureMemory });
          if (run.code !== 0) throw new Error(`build failed (${run.code}):\n${run.stderr.split('\n').filter((l) => !/\binfo\b|\bwarning\b/.test(l)).join('\n')}`);
          return { seconds: run.seconds, peakBytes: run.peakBytes, pages: Number(/(\d+) pages/.exec(run.stdout)?.[1] ?? 0), notes: [] };
        },
      };
    }
    case 'plain':
    case 'reference': {
      const html = path.join(work, `${id}.html`);
      const pdf = path.join(work, `${id}.pdf`);
      if (id === 'plain') await writePlainHtml(manuscript, html);
      else await writeReferenceHtml(manuscript, html);
      return {
        id,
        label,
        async run(measureMemory) {
          const run = await runPagedjsCli(html, pdf, measureMemory);
          return { ...run, pages: pdfPages(pdf), notes: [] };
        },
      };
    }
    case 'latex': {
      const missing = missingLatexTools();
      if (missing.length > 0) return { id, label, reason: `${missing.join(' and ')} not installed (Debian: apt-get install ${LATEX_PACKAGES})` };
      const pdf = path.join(work, 'latex.pdf');
      const defaults = await writePandocDefaults(manuscript, path.join(work, 'latex'), pdf);
      return {
        id,
        label,
        async run(measureMemory) {
          const run = await runTimedCommand('pandoc', ['--defaults', defaults], { cwd: work, measureMemory });
          if (run.code !== 0) throw new Error(`pandoc failed (${run.code}):\n${run.stderr}`);
          const missingGlyphs = run.stderr.match(/Missing character/g)?.length ?? 0;
          return { seconds: run.seconds, peakBytes: run.peakBytes, pages: pdfPages(pdf), notes: missingGlyphs ? [`XeLaTeX: ${missingGlyphs} characters without a glyph in the font`] : [] };
        },
      };
    }
  }
}

export interface RowResult {
  id: RowId;
  label: string;
  runs: RowRun[];
  /** Median wall time of the runs. */
  seconds: number;
  pages: number;
  peakBytes: number;
  /** Median of the paired ratios ours / this row, run by run (undefined for ours, in any format). */
  ratio?: number;
  notes: string[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Runs every row `runs` times, interleaved: run r runs each row once, the order turned by one each run so that
 * no row always goes first (or last) in a drifting machine. Our build's run r is paired with each peer's run
 * r: the ratio of a row is the median of those paired ratios. `measureMemory` samples every run's process tree
 * (which slows a busy renderer: see process-tree.ts); else no run is sampled.
 */
export async function runRows(rows: PreparedRow[], runs: number, measureMemory: boolean, onRun?: (row: PreparedRow, run: RowRun) => void): Promise<RowResult[]> {
  const samples = new Map<RowId, RowRun[]>(rows.map((row) => [row.id, []]));
  for (let r = 0; r < runs; r++) {
    const order = rows.map((_, i) => rows[(i + r) % rows.length] as PreparedRow);
    for (const row of order) {
      const run = await row.run(measureMemory);
      samples.get(row.id)?.push(run);
      onRun?.(row, run);
    }
  }
  const ours = samples.get('ours');
  return rows.map((row) => {
    const list = samples.get(row.id) ?? [];
    const paired = ours && row.id !== 'ours' && row.id !== 'formats' ? list.map((run, r) => (ours[r]?.seconds ?? NaN) / run.seconds) : undefined;
    return {
      id: row.id,
      label: row.label,
      runs: list,
      seconds: median(list.map((s) => s.seconds)),
      pages: list[0]?.pages ?? 0,
      peakBytes: Math.max(0, ...list.map((s) => s.peakBytes)),
      ...(paired ? { ratio: median(paired) } : {}),
      notes: [...new Set(list.flatMap((s) => s.notes))],
    };
  });
}
