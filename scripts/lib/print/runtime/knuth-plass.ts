/**
 * Total-fit (Knuth–Plass) line breaking over boxes, glue and penalties, with TeX's names. Pure: the page's
 * line breaker (line-breaks.ts) measures a paragraph into items and applies the breaks this chooses.
 */

export const INFINITY = 10000;

/** Knuth–Plass parameters. Chromium's justification only stretches; a line set tighter than natural gets a
 * negative word-spacing on its spaces, which is how glue shrinks here. */
export const PARAMS = {
  // A space grows by 40 % at r = 1; the tracking below adds about a tenth of a space to each gap a reader
  // sees, so at r = 1 the gap between two words is 1.5× its natural width.
  stretchRatio: 0.4,
  shrinkRatio: 0.4, // and loses 40 % of it at r = -1
  /** Tracking a loose line may take, em per letter at r = 1, as microtype does; the rest goes to the spaces. */
  letterStretch: 0.02,
  tolerances: [1, 1.9, 4],
  linePenalty: 10,
  hyphenPenalty: 50,
  exHyphenPenalty: 50,
  doubleHyphenDemerits: 3000,
  finalHyphenDemerits: 5000,
  adjDemerits: 10000,
  maxHyphenRun: 3,
  /** Points of slack kept so measuring error never makes a line overfull. */
  safety: 2,
};

/** Text between break opportunities. `stretch`: the tracking it may take. */
export interface Box {
  type: 'box';
  width: number;
  stretch?: number;
}

/** A space: its width, and how far it may stretch and shrink. */
export interface Glue {
  type: 'glue';
  width: number;
  stretch: number;
  shrink: number;
}

/** A place to break at a cost (a soft hyphen, a hyphen, the paragraph's end); `flagged`: a hyphen break. */
export interface Penalty {
  type: 'penalty';
  width: number;
  penalty: number;
  flagged: boolean;
}

/** A second space after a space: nothing, but where its text is. */
export interface Collapsed {
  type: 'collapsed';
  width: number;
}

export type Item = Box | Glue | Penalty | Collapsed;

interface Node {
  pos: number;
  start: number;
  line: number;
  fit: number;
  demerits: number;
  hyphens: number;
  flagged: boolean;
  prev: Node | null;
}

function fitness(r: number): number {
  return r < -0.5 ? 0 : r <= 0.5 ? 1 : r <= 1 ? 2 : 3;
}

const stretchOf = (it: Item): number => (it.type === 'penalty' ? 0 : it.type === 'collapsed' ? 0 : (it.stretch ?? 0));

/** Returns the indices of the chosen breaks (into items), or null when no set of breaks fits. */
export function knuthPlass(items: readonly Item[], lineWidth: (line: number) => number, tolerance: number): number[] | null {
  const n = items.length;
  const sumW = new Float64Array(n + 1);
  const sumS = new Float64Array(n + 1);
  const sumZ = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const it = items[i] as Item;
    sumW[i + 1] = (sumW[i] as number) + (it.type === 'penalty' ? 0 : it.width);
    sumS[i + 1] = (sumS[i] as number) + stretchOf(it);
    sumZ[i + 1] = (sumZ[i] as number) + (it.type === 'glue' ? it.shrink : 0);
  }
  // Where a line starting after break b begins: glue and penalties after a break vanish.
  const startAfter = (b: number): number => {
    let i = b + 1;
    while (i < n) {
      const it = items[i] as Item;
      if (it.type === 'box' || (it.type === 'penalty' && it.penalty === -INFINITY)) break;
      i++;
    }
    return i;
  };
  let active: Node[] = [{ pos: -1, start: 0, line: 0, fit: 1, demerits: 0, hyphens: 0, flagged: false, prev: null }];
  // The best new node for each fitness class and run of hyphens (fit * 4 + hyphens: hyphens is at most
  // maxHyphenRun), and the classes in the order each was first reached: the order the nodes join `active`, on
  // which ties are decided.
  const best: (Node | undefined)[] = new Array(4 * (PARAMS.maxHyphenRun + 1)).fill(undefined);
  const reached: number[] = [];
  for (let i = 0; i < n; i++) {
    const it = items[i] as Item;
    let legal = false;
    if (it.type === 'penalty') legal = it.penalty < INFINITY;
    else if (it.type === 'glue') legal = i > 0 && (items[i - 1] as Item).type === 'box';
    if (!legal) continue;
    const penalty = it.type === 'penalty' ? it.penalty : 0;
    const flagged = it.type === 'penalty' && it.flagged;
    const keep: Node[] = [];
    for (const a of active) {
      const width = (sumW[i] as number) - (sumW[a.start] as number) + (it.type === 'penalty' ? it.width : 0);
      const stretch = (sumS[i] as number) - (sumS[a.start] as number);
      const shrink = (sumZ[i] as number) - (sumZ[a.start] as number);
      const L = lineWidth(a.line);
      let r: number;
      if (width - shrink > L - PARAMS.safety) r = -Infinity;
      else if (width > L) r = shrink > 0 ? (L - width) / shrink : -Infinity;
      else if (width === L) r = 0;
      else r = stretch > 0 ? (L - width) / stretch : Infinity;
      if (r < -1 || penalty === -INFINITY) {
        // the line from a would be overfull (or this is the paragraph's end): a stays no longer
      } else keep.push(a);
      if (r < -1 || r > tolerance) continue;
      if (flagged && a.hyphens >= PARAMS.maxHyphenRun) continue;
      const badness = 100 * Math.abs(r) ** 3;
      let d = (PARAMS.linePenalty + badness) ** 2;
      if (penalty >= 0) d += penalty ** 2;
      else if (penalty > -INFINITY) d -= penalty ** 2;
      if (flagged && a.flagged) d += PARAMS.doubleHyphenDemerits;
      if (penalty === -INFINITY && a.flagged) d += PARAMS.finalHyphenDemerits;
      const fit = fitness(r);
      if (Math.abs(fit - a.fit) > 1) d += PARAMS.adjDemerits;
      const hyphens = flagged ? a.hyphens + 1 : 0;
      const slot = fit * (PARAMS.maxHyphenRun + 1) + hyphens;
      const total = a.demerits + d;
      const current = best[slot];
      if (!current) reached.push(slot);
      if (!current || total < current.demerits) {
        best[slot] = { pos: i, start: 0, line: a.line + 1, fit, demerits: total, hyphens, flagged, prev: a };
      }
    }
    active = keep;
    if (reached.length) {
      const start = startAfter(i);
      for (const slot of reached) {
        const node = best[slot] as Node;
        node.start = start;
        active.push(node);
        best[slot] = undefined;
      }
      reached.length = 0;
    }
    if (active.length === 0) return null;
  }
  let last: Node | null = null;
  for (const a of active) {
    const at = items[a.pos];
    if (at && at.type === 'penalty' && at.penalty === -INFINITY && (!last || a.demerits < last.demerits)) last = a;
  }
  if (!last) return null;
  const breaks: number[] = [];
  for (let a: Node | null = last; a && a.pos >= 0; a = a.prev) breaks.unshift(a.pos);
  return breaks;
}
