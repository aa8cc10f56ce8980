const POINTS_PER_UNIT: Record<string, number> = { mm: 72 / 25.4, cm: 720 / 25.4, in: 72, pt: 1, pc: 12, px: 0.75 };

/** A CSS length from book.yaml in PDF points. */
export function toPoints(length: string): number {
  const match = /^(\d+(?:\.\d+)?)(mm|cm|in|pt|pc|px)$/.exec(length);
  if (!match) throw new Error(`not a length: ${length}`);
  return Number(match[1]) * (POINTS_PER_UNIT[match[2] as string] ?? 1);
}
