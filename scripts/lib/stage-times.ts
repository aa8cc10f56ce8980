/**
 * Where a build's time goes, stage by stage, for measuring (docs/performance.md): with BOOK_STAGE_TIMES=1
 * (internal, off by default) each build ends with one line on stderr naming every stage timed and its
 * seconds; otherwise timing a stage costs one comparison.
 */
const enabled = process.env.BOOK_STAGE_TIMES === '1';
let stages: [string, number][] = [];

/** Notes that `stage` took from `since` (performance.now()) until now; returns now, for the next stage. */
export function stageDone(stage: string, since: number): number {
  const now = performance.now();
  if (enabled) stages.push([stage, now - since]);
  return now;
}

/** Notes that `stage` took `ms`, as measured elsewhere (a page's own clock). */
export function stageTook(stage: string, ms: number): void {
  if (enabled) stages.push([stage, ms]);
}

/** Writes the stages timed since the last report as one line, and starts over. */
export function reportStages(write: (line: string) => void = (line) => process.stderr.write(line)): void {
  if (!enabled) return;
  write(`stage times: ${stages.map(([stage, ms]) => `${stage} ${(ms / 1000).toFixed(3)} s`).join(', ')}\n`);
  stages = [];
}
