import { toPoints } from '../print/lengths.ts';

/**
 * Print settings that parse but cannot make a book: a text area too small to hold running text (margins of
 * 120 mm on a 210 mm page gave 8 pages of 55 words), type too small to read or too large to set, a bleed
 * wider than the margins it runs into. Each is refused with its reason, at the setting that breaks it. The
 * bounds are wide on purpose: anything a printer would accept for a book passes.
 */
export const PRINT_LIMITS = {
  /** Trim: from a pocket book (A7 is 74 × 105 mm) to a large art book. */
  trimMinMm: 70,
  trimMaxMm: 500,
  /** The text area: at least this large, and at least this share of the trim in each direction. */
  textWidthMinMm: 40,
  textHeightMinMm: 60,
  textShareMin: 1 / 3,
  /** Body type in points: below 5 pt nobody reads it, above 30 pt it is a poster. */
  fontSizeMinPt: 5,
  fontSizeMaxPt: 30,
  lineHeightMin: 0.8,
  lineHeightMax: 3,
  /** A line holds at least about 25 characters (12 em), a page at least 6 lines. */
  measureMinEm: 12,
  linesMin: 6,
  /** Bleed: printers ask for 3-5 mm; more than 20 mm is a mistake. */
  bleedMaxMm: 20,
  widowsOrphansMax: 10,
  signatureMax: 64,
} as const;

export interface PrintSettings {
  trim: { width: string; height: string };
  margins: { top: string; bottom: string; inner: string; outer: string };
  bleed: string;
  fontSize: string;
  lineHeight: number;
  widows: number;
  orphans: number;
  signature: number;
}

export interface LimitProblem {
  /** Key path under `print`. */
  path: string[];
  message: string;
}

const MM_PER_POINT = 25.4 / 72;
const mm = (length: string): number => toPoints(length) * MM_PER_POINT;
const round = (value: number): string => String(Math.round(value * 10) / 10);

/** What in `print` cannot make a book; empty when it can. */
export function printLimitProblems(print: PrintSettings): LimitProblem[] {
  const L = PRINT_LIMITS;
  const problems: LimitProblem[] = [];
  const refuse = (path: string[], message: string): void => void problems.push({ path, message });

  const trim = { width: mm(print.trim.width), height: mm(print.trim.height) };
  for (const side of ['width', 'height'] as const) {
    if (trim[side] < L.trimMinMm) refuse(['trim', side], `a trim ${side} of ${round(trim[side])} mm is smaller than any book (at least ${L.trimMinMm} mm)`);
    else if (trim[side] > L.trimMaxMm) refuse(['trim', side], `a trim ${side} of ${round(trim[side])} mm is larger than any book press sheet allows (at most ${L.trimMaxMm} mm)`);
  }
  const m = { top: mm(print.margins.top), bottom: mm(print.margins.bottom), inner: mm(print.margins.inner), outer: mm(print.margins.outer) };
  const text = { width: trim.width - m.inner - m.outer, height: trim.height - m.top - m.bottom };
  const fontPt = toPoints(print.fontSize);
  const fontMm = fontPt * MM_PER_POINT;

  const widthNeeded = Math.max(L.textWidthMinMm, trim.width * L.textShareMin);
  if (text.width < widthNeeded) {
    const widest = m.inner >= m.outer ? 'inner' : 'outer';
    refuse(['margins', widest], `margins inner ${round(m.inner)} mm + outer ${round(m.outer)} mm leave a text area ${round(text.width)} mm wide on a ${round(trim.width)} mm page; it needs at least ${round(widthNeeded)} mm (${L.textWidthMinMm} mm, and a third of the page)`);
  }
  const heightNeeded = Math.max(L.textHeightMinMm, trim.height * L.textShareMin);
  if (text.height < heightNeeded) {
    const widest = m.top >= m.bottom ? 'top' : 'bottom';
    refuse(['margins', widest], `margins top ${round(m.top)} mm + bottom ${round(m.bottom)} mm leave a text area ${round(text.height)} mm high on a ${round(trim.height)} mm page; it needs at least ${round(heightNeeded)} mm (${L.textHeightMinMm} mm, and a third of the page)`);
  }

  if (fontPt < L.fontSizeMinPt) refuse(['fontSize'], `a body size of ${round(fontPt)} pt is too small to read (at least ${L.fontSizeMinPt} pt)`);
  else if (fontPt > L.fontSizeMaxPt) refuse(['fontSize'], `a body size of ${round(fontPt)} pt is display type, not a book's text (at most ${L.fontSizeMaxPt} pt)`);
  else if (text.width >= widthNeeded && text.width < L.measureMinEm * fontMm) {
    refuse(['fontSize'], `at ${round(fontPt)} pt a line of the ${round(text.width)} mm text area holds about ${Math.floor(text.width / (fontMm / 2))} characters; it needs room for about 25 (${L.measureMinEm} em, ${round(L.measureMinEm * fontMm)} mm)`);
  }
  if (print.lineHeight < L.lineHeightMin || print.lineHeight > L.lineHeightMax) {
    refuse(['lineHeight'], `a line height of ${print.lineHeight} sets lines ${print.lineHeight < 1 ? 'over each other' : 'too far apart to read as a text'} (between ${L.lineHeightMin} and ${L.lineHeightMax})`);
  } else if (text.height >= heightNeeded && fontPt >= L.fontSizeMinPt && text.height < L.linesMin * fontMm * print.lineHeight) {
    refuse(['fontSize'], `at ${round(fontPt)} pt with line height ${print.lineHeight}, the ${round(text.height)} mm text area holds fewer than ${L.linesMin} lines`);
  }

  const bleed = mm(print.bleed);
  const narrowest = (Object.entries(m) as [keyof typeof m, number][]).reduce((a, b) => (b[1] < a[1] ? b : a));
  if (bleed > L.bleedMaxMm) refuse(['bleed'], `a bleed of ${round(bleed)} mm is more than any printer asks for (3-5 mm; at most ${L.bleedMaxMm} mm)`);
  else if (bleed > narrowest[1]) refuse(['bleed'], `a bleed of ${round(bleed)} mm is larger than the ${narrowest[0]} margin (${round(narrowest[1])} mm): what the trimming may cut into would reach the text`);

  for (const key of ['widows', 'orphans'] as const) {
    if (print[key] > L.widowsOrphansMax) refuse([key], `${key}: ${print[key]} lines kept together would push most paragraphs whole to the next page (at most ${L.widowsOrphansMax})`);
  }
  if (print.signature > L.signatureMax) refuse(['signature'], `a signature of ${print.signature} pages is no folded sheet a bindery makes (at most ${L.signatureMax})`);
  return problems;
}
