/**
 * Splits units (in reading order) into documents of about equal size, about `aim` each, and as many as a
 * multiple of `jobs`, so the workers finish together (with three documents on two workers the third runs
 * alone at the end, one core idle). A document also costs about a second of set-up (tab, fonts, Paged.js
 * reading the styles), so fewer, larger ones win until memory binds, and none is made smaller than `least`
 * characters (0: at least `jobs` documents).
 */
export function batchUnits(indices: number[], sizes: number[], jobs: number, aim: number, least = 0): number[][] {
  if (indices.length === 0) return [];
  const total = indices.reduce((sum, i) => sum + (sizes[i] ?? 0), 0);
  const rounds = Math.max(1, Math.round(total / (aim * jobs)));
  const worthwhile = least > 0 ? Math.max(1, Math.floor(total / least)) : Infinity;
  const count = Math.min(indices.length, rounds * jobs, worthwhile);
  const share = total / count;
  const batches: number[][] = [[]];
  let filled = 0;
  for (const [n, index] of indices.entries()) {
    const current = batches[batches.length - 1] as number[];
    const size = sizes[index] ?? 0;
    const mustSplit = indices.length - n <= count - batches.length;
    if (current.length > 0 && batches.length < count && (mustSplit || filled + size / 2 > share * batches.length)) {
      batches.push([index]);
    } else current.push(index);
    filled += size;
  }
  return batches;
}
