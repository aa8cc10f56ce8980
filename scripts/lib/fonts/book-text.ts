import path from 'node:path';
import type { Book } from '../book.ts';
import { contributorLines, contributorsOf } from '../contributors.ts';
import { noteMarker, noteSeries } from '../markdown/note-series.ts';

/** Which of the book's fonts sets a piece of text: the body font, or the monospaced one (code). */
export type TextRole = 'body' | 'mono';

/** A character as the reader sees it, where it is first written, and how often it occurs in that file. */
export interface CharacterUse {
  char: string;
  codePoint: number;
  role: TextRole;
  file: string;
  line: number;
  column: number;
  count: number;
}

/** Characters no font draws: spaces, controls, format characters (soft hyphen, joiners), variation selectors. */
const INVISIBLE = /^[\p{Z}\p{Cc}\p{Cf}\s\uFE00-\uFE0F]$/u;
const MONO_ELEMENTS = new Set(['code', 'pre', 'kbd', 'samp']);

const cache = new WeakMap<Book, CharacterUse[]>();
/** What a chapter's characters are found from: its source, its HTML and its notes' lines and HTML. */
interface ChapterText {
  source: string;
  html: string;
  notes: readonly { line: number; html: string }[];
}

/** The character uses last found in each chapter file, with what they were found from. A watching build's
 * unchanged chapter has the same strings again, which compare by reference first; keyed by those texts
 * joined, every save made and hashed ~9 MB of keys for the 20× book (a heap profile of its saves). */
const chapterUses = new Map<string, { text: ChapterText; uses: CharacterUse[] }>();

function sameText(a: ChapterText, b: ChapterText): boolean {
  if (a.source !== b.source || a.html !== b.html || a.notes.length !== b.notes.length) return false;
  return a.notes.every((note, i) => note.line === b.notes[i]?.line && note.html === b.notes[i]?.html);
}

/**
 * Every visible character of the book with the role of the font that sets it, found where a reader sees it:
 * the chapters and their notes as rendered (so a curly quote made from a straight one counts, and code is
 * known by its element), the book.yaml texts the title page and colophon print, the generated list of sources.
 * Each character is placed at its first occurrence in the source (line and column), or at its block's line.
 */
export function bookCharacters(book: Book): CharacterUse[] {
  let found = cache.get(book);
  if (found) return found;
  // One map of characters per file and role, looked up once per character: the 20x book has millions.
  const groups = new Map<string, Map<string, CharacterUse>>();
  found = [];
  const list = found;
  const group = (file: string, role: TextRole): Map<string, CharacterUse> => {
    const key = `${file}\0${role}`;
    let uses = groups.get(key);
    if (!uses) groups.set(key, (uses = new Map()));
    return uses;
  };
  const recordIn = (uses: Map<string, CharacterUse>, char: string, role: TextRole, file: string, line: number, locate: (char: string, line: number) => { line: number; column: number }): void => {
    const use = uses.get(char);
    if (use) {
      use.count++;
      return;
    }
    if (INVISIBLE.test(char)) return;
    const first: CharacterUse = { char, codePoint: char.codePointAt(0) as number, role, file, ...locate(char, line), count: 1 };
    uses.set(char, first);
    list.push(first);
  };
  const record = (char: string, role: TextRole, file: string, locate: () => { line: number; column: number }): void => recordIn(group(file, role), char, role, file, 0, locate);

  if (chapterUses.size > 4 * book.chapters.length) chapterUses.clear();
  for (const chapter of book.chapters) {
    // A chapter's characters are its file's alone: a watching build finds those of an unchanged chapter again.
    const known = chapterUses.get(chapter.file);
    if (known && sameText(known.text, chapter)) {
      list.push(...known.uses);
      continue;
    }
    const before = list.length;
    const lines = chapter.source.split('\n');
    const locate = (char: string, line: number): { line: number; column: number } => locateIn(lines, char, line);
    const body = group(chapter.file, 'body');
    const mono = group(chapter.file, 'mono');
    walkHtml(chapter.html, (char, role, line) => recordIn(role === 'mono' ? mono : body, char, role, chapter.file, line, locate));
    for (const note of chapter.notes) walkHtml(note.html, (char, role) => recordIn(role === 'mono' ? mono : body, char, role, chapter.file, note.line, locate), note.line);
    chapterUses.set(chapter.file, { text: { source: chapter.source, html: chapter.html, notes: chapter.notes.map(({ line, html }) => ({ line, html })) }, uses: list.slice(before) });
  }

  const c = book.config;
  const texts: [readonly (string | number)[], string | undefined][] = [
    [['title'], c.title],
    [['subtitle'], c.subtitle],
    ...contributorsOf(c).map((person): [readonly (string | number)[], string] => [person.keyPath, person.name]),
    ...contributorLines(c).map((line): [readonly (string | number)[], string] => [['contributors'], line]),
    [['publisher'], c.publisher],
    [['rights'], c.rights],
    [['edition'], c.edition],
    ...c.colophon.map((line, i): [readonly (string | number)[], string] => [['colophon', i], line]),
    [['citations', 'section', 'title'], book.bibliography?.title],
  ];
  for (const [keyPath, text] of texts) {
    if (!text) continue;
    for (const char of text) record(char, 'body', book.configFile, () => book.locateConfig(keyPath));
  }
  // The markers of the declared note series are drawn by the pipeline (letters, roman numerals, symbols):
  // each must be in the book's fonts like the text, reported at its series' `marker` in book.yaml.
  const printed = noteSeries(c).filter((s) => s.rank > 0);
  for (const series of printed) {
    const counts = book.chapters.map((chapter) => chapter.notes.filter((n) => n.series === series.id).length);
    const most = c.print.noteNumbering === 'book' ? counts.reduce((a, b) => a + b, 0) : Math.max(0, ...counts);
    for (let n = 1; n <= most; n++) for (const char of noteMarker(series.marker, n)) record(char, 'body', book.configFile, () => book.locateConfig(['notes', 'series', series.rank - 1, 'marker']));
  }
  if (book.bibliography && c.citations) {
    // The list is made from every bibliography file; a character is reported at the first.
    const first = [c.citations.bibliography].flat()[0] ?? '';
    const file = path.relative(process.cwd(), path.resolve(book.manuscriptDir, first));
    walkHtml(book.bibliography.html, (char, role) => record(char, role, file, () => ({ line: 0, column: 0 })));
  }
  cache.set(book, list);
  return list;
}

/** The first place at or after `line` (1-based) where the character is written; the line itself if nowhere. */
function locateIn(lines: string[], char: string, line: number): { line: number; column: number } {
  for (let i = Math.max(line - 1, 0); i < lines.length; i++) {
    const at = (lines[i] as string).indexOf(char);
    if (at >= 0) return { line: i + 1, column: at + 1 };
  }
  return { line, column: 1 };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/**
 * Calls `visit` for every character of the text in a fragment of the pipeline's HTML, with the role of its
 * font (inside code, pre, kbd or samp: mono) and the source line of the block it is in (`data-line`).
 */
export function walkHtml(html: string, visit: (char: string, role: TextRole, line: number) => void, startLine = 0): void {
  let mono = 0;
  let line = startLine;
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|([^<]+)/g)) {
    const [, closing, tag, attributes, text] = match;
    if (text !== undefined) {
      const decoded = text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
        if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
        if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
        return ENTITIES[name] ?? entity;
      });
      for (const char of decoded) visit(char, mono > 0 ? 'mono' : 'body', line);
      continue;
    }
    const name = (tag as string).toLowerCase();
    if (MONO_ELEMENTS.has(name)) mono += closing ? -1 : 1;
    const dataLine = closing ? undefined : /\sdata-line="(\d+)"/.exec(attributes ?? '')?.[1];
    if (dataLine) line = Number(dataLine);
  }
}
