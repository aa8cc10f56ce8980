import type { BookConfig, NoteMarker, NoteSeriesConfig } from '../config/schema.ts';

/** What this module reads of a note (notes.ts's NoteDefinition): named here, so notes.ts alone imports the other. */
interface SeriesNote {
  series: string;
  seriesNumber: number;
}

/** The series a note without a prefix (`[^1]`, `^[…]`, a citation's note) belongs to: the author's notes. */
export const DEFAULT_SERIES = '';

/** A series as every target reads it: the default series first, then book.yaml's `notes.series` in order. */
export interface NoteSeries {
  id: string;
  marker: NoteMarker;
  placement: 'foot' | 'end';
  /** Printed after the note's text, e.g. "(vert.)". */
  suffix?: string;
  /** 0 for the default series, then 1, 2, … : the order of the series within a page's note area. */
  rank: number;
}

/** Every series of the book: the author's notes (arabic, at the page foot) and those book.yaml declares. */
export function noteSeries(config: Pick<BookConfig, 'notes'>): NoteSeries[] {
  const declared = config.notes.series.map((s: NoteSeriesConfig, i) => ({ id: s.id, marker: s.marker, placement: s.placement, ...(s.suffix ? { suffix: s.suffix } : {}), rank: i + 1 }));
  return [{ id: DEFAULT_SERIES, marker: 'arabic', placement: 'foot', rank: 0 }, ...declared];
}

export function seriesOf(config: Pick<BookConfig, 'notes'>, id: string): NoteSeries {
  return noteSeries(config).find((s) => s.id === id) ?? noteSeries(config)[0]!;
}

/**
 * The series a label names (`ed:engels` → `ed`), or undefined for a label without a prefix. Only a prefix of
 * letters, digits and hyphens before the first colon counts, so a label like `1:2` or `http://…` has none.
 */
export function labelSeries(label: string): string | undefined {
  return /^([a-z][a-z0-9-]*):./i.exec(label)?.[1];
}

const SYMBOLS = ['*', '†', '‡', '§', '‖', '¶'];

/** A note's marker in its series' style: 1, 2 … ; a, b … z, aa, ab …; i, ii …; *, †, ‡, §, ‖, ¶, **, †† …. */
export function noteMarker(style: NoteMarker, n: number): string {
  if (style === 'arabic' || n < 1) return String(n);
  if (style === 'symbols') return SYMBOLS[(n - 1) % SYMBOLS.length]!.repeat(Math.floor((n - 1) / SYMBOLS.length) + 1);
  if (style === 'roman') return roman(n);
  let text = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) text = String.fromCharCode(97 + ((k - 1) % 26)) + text;
  return text;
}

function roman(n: number): string {
  const digits: [number, string][] = [[1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'], [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i']];
  let text = '';
  let rest = n;
  for (const [value, letters] of digits) for (; rest >= value; rest -= value) text += letters;
  return text;
}

/** Numbers the notes within their series, in the order given (the order of their first call). */
export function numberInSeries<Note extends SeriesNote>(notes: Note[]): Note[] {
  const counts = new Map<string, number>();
  return notes.map((note) => {
    const n = (counts.get(note.series) ?? 0) + 1;
    counts.set(note.series, n);
    return { ...note, seriesNumber: n };
  });
}

/**
 * What each series has numbered before a chapter, for the book's chapters in order: with `noteNumbering:
 * book` a series runs on through the book, with `chapter` it starts again at 1 in every chapter.
 */
export function notesBeforeEach(chapters: readonly { notes: readonly SeriesNote[] }[], numbering: 'book' | 'chapter'): Map<string, number>[] {
  const running = new Map<string, number>();
  return chapters.map((chapter) => {
    const before = new Map(numbering === 'book' ? running : []);
    for (const note of chapter.notes) running.set(note.series, (running.get(note.series) ?? 0) + 1);
    return before;
  });
}

/** The marker a note prints, its series' count before the chapter added. */
export function printedMarker(note: SeriesNote, series: NoteSeries, before: ReadonlyMap<string, number> = new Map()): string {
  return noteMarker(series.marker, (before.get(note.series) ?? 0) + note.seriesNumber);
}
