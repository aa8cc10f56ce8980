import { FORMATS, type Format } from '../formats.ts';

/** What the build orders a target by. */
export interface Planned {
  format: Format;
  needs: readonly Format[];
  reads: readonly Format[];
}

/**
 * The targets a build makes, in the order it makes them: those asked for and everything they need, each
 * after the targets it needs and after those it reads that are built too; otherwise in the order of
 * FORMATS. `load` gives a format's target (its module is loaded only when the format is built).
 */
export async function planTargets<T extends Planned>(requested: readonly Format[], load: (format: Format) => Promise<T>): Promise<T[]> {
  const chosen = new Map<Format, T>();
  const add = async (format: Format): Promise<void> => {
    if (chosen.has(format)) return;
    const target = await load(format);
    chosen.set(format, target);
    for (const need of target.needs) await add(need);
  };
  for (const format of FORMATS.filter((f) => requested.includes(f))) await add(format);
  return orderTargets([...chosen.values()]);
}

/** Orders targets so each comes after what it needs and what it reads among them; a cycle is an error. */
export function orderTargets<T extends Planned>(targets: readonly T[]): T[] {
  const byFormat = new Map(targets.map((t) => [t.format, t]));
  const ordered: T[] = [];
  const state = new Map<Format, 'visiting' | 'done'>();
  const visit = (target: T, path: Format[]): void => {
    const seen = state.get(target.format);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error(`targets depend on each other: ${[...path, target.format].join(' -> ')}`);
    state.set(target.format, 'visiting');
    for (const before of [...target.needs, ...target.reads]) {
      const other = byFormat.get(before);
      if (other) visit(other, [...path, target.format]);
    }
    state.set(target.format, 'done');
    ordered.push(target);
  };
  for (const target of targets) visit(target, []);
  return ordered;
}
