import type { PdfLine, PdfPageLines } from './pdf-lines.ts';

/**
 * How far justification stretched the word spaces, measured on the finished PDF the way a reader sees it:
 * for every full justified body line, its mean word space divided by the natural word space (the median
 * word space of paragraphs' last lines, which are set unstretched).
 */
export interface LineStretchReport {
  /** Full justified body lines measured. */
  lines: number;
  /** Natural word space in points. */
  naturalSpace: number;
  beyond1_5: number;
  beyond2: number;
  worst: number;
  /** Longest run of consecutive lines ending in a hyphen. */
  longestHyphenRun: number;
  /** y (points) of the lowest body line on each page, to tell a page's last line. */
  lastBodyLine: Map<number, number>;
  /** Every body line in reading order (full or not), for hyphenation checks. */
  bodyLines: { page: number; y: number; text: string; full: boolean }[];
  /** Every measured line with its ratio, for reports. */
  ratios: { page: number; y: number; ratio: number; text: string }[];
}

/** Gaps narrower than this are kerning, a note call or a tight punctuation, not a word space. */
const MIN_WORD_SPACE_PT = 1;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : (sorted[Math.floor(sorted.length / 2)] as number);
};

function lineHeight(line: PdfLine): number {
  return median(line.words.map((w) => w.yMax - w.yMin));
}

function wordSpaces(line: PdfLine): number[] {
  const gaps: number[] = [];
  for (let i = 1; i < line.words.length; i++) {
    const gap = (line.words[i]?.xMin ?? 0) - (line.words[i - 1]?.xMax ?? 0);
    if (gap >= MIN_WORD_SPACE_PT) gaps.push(gap);
  }
  return gaps;
}

/** Body text is the most common line height in the book; running heads, headings and notes differ. */
function bodyHeight(pages: PdfPageLines[]): number {
  const counts = new Map<number, number>();
  for (const page of pages) for (const line of page.lines) {
    const h = Math.round(lineHeight(line) * 10) / 10;
    counts.set(h, (counts.get(h) ?? 0) + line.words.length);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
}

export function measureLineStretch(pages: PdfPageLines[]): LineStretchReport {
  const body = bodyHeight(pages);
  const full: PdfLine[] = [];
  const lastLines: PdfLine[] = [];
  const sequence: { line: PdfLine; full: boolean }[] = [];
  const lastBodyLine = new Map<number, number>();
  for (const page of pages) {
    const lines = page.lines.filter((l) => Math.abs(lineHeight(l) - body) < 0.35 && l.words.length >= 2);
    if (lines.length === 0) continue;
    const right = Math.max(...lines.map((l) => l.xMax));
    lastBodyLine.set(page.page, Math.max(...lines.map((l) => l.yMin)));
    for (const line of [...lines].sort((a, b) => a.yMin - b.yMin)) {
      const isFull = line.xMax >= right - 0.6 && wordSpaces(line).length >= 2;
      if (isFull) full.push(line);
      else if (line.xMax < right - 6 && wordSpaces(line).length >= 2) lastLines.push(line);
      sequence.push({ line, full: isFull });
    }
  }
  const naturalSpace = median(lastLines.flatMap(wordSpaces));
  const ratios = full.map((line) => {
    const gaps = wordSpaces(line);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    return { page: line.page, y: line.yMin, ratio: naturalSpace > 0 ? mean / naturalSpace : 0, text: line.words.map((w) => w.text).join(' ') };
  });
  let run = 0;
  let longestHyphenRun = 0;
  for (const { line, full: isFull } of sequence) {
    const last = line.words[line.words.length - 1]?.text ?? '';
    run = isFull && /\p{L}-$/u.test(last) ? run + 1 : 0;
    longestHyphenRun = Math.max(longestHyphenRun, run);
  }
  return {
    lines: ratios.length,
    naturalSpace,
    beyond1_5: ratios.filter((r) => r.ratio > 1.5).length,
    beyond2: ratios.filter((r) => r.ratio > 2).length,
    worst: Math.max(0, ...ratios.map((r) => r.ratio)),
    longestHyphenRun,
    lastBodyLine,
    bodyLines: sequence.map(({ line, full: isFull }) => ({ page: line.page, y: line.yMin, text: line.words.map((w) => w.text).join(' '), full: isFull })),
    ratios,
  };
}

export function formatLineStretch(r: LineStretchReport): string {
  const pct = (n: number): string => `${((100 * n) / Math.max(r.lines, 1)).toFixed(1)}%`;
  return (
    `line stretch: ${r.lines} full justified lines, natural word space ${r.naturalSpace.toFixed(2)} pt; ` +
    `${pct(r.beyond1_5)} beyond 1.5× (${r.beyond1_5}), ${pct(r.beyond2)} beyond 2× (${r.beyond2}), worst ${r.worst.toFixed(2)}×; ` +
    `longest run of hyphenated line ends ${r.longestHyphenRun}`
  );
}
