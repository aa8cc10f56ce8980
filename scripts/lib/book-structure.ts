import type { BookConfig, ChapterKind, NumberStyle, RunningHead } from './config/schema.ts';
import { fill, labelsFor } from './language/labels.ts';
import { romanNumeral } from './roman.ts';

/** A text book.yaml lists, where it lists it, and what the contents say about it. */
export interface ContentsEntry {
  /** The file as book.yaml names it. */
  file: string;
  /** Where book.yaml names it: `['chapters', 0]`, `['contents', 2, 'chapters', 1]` or `[..., 'file']`. */
  keyPath: (string | number)[];
  kind: ChapterKind;
  /** The text's own author (book.yaml `author:` on the chapter), else its part's. */
  author?: string;
  /** Index into `contentsParts(config)`. */
  part?: number;
  /** Its running heads where it or its part says (book.yaml `runningHeads:`), over `print.runningHeads`. */
  runningHeads?: RunningHeadsOverride;
}

export type RunningHeadsOverride = { verso?: RunningHead; recto?: RunningHead };

export interface ContentsPart {
  title: string;
  author?: string;
  keyPath: (string | number)[];
}

/** The texts in reading order, from `contents:` or the flat `chapters:` list. */
export function contentsEntries(config: Pick<BookConfig, 'chapters' | 'contents'>): ContentsEntry[] {
  if (!config.contents) return (config.chapters ?? []).map((file, i) => ({ file, keyPath: ['chapters', i], kind: 'chapter' }));
  const entries: ContentsEntry[] = [];
  let parts = 0;
  config.contents.forEach((item, i) => {
    if (typeof item === 'object' && 'part' in item) {
      const part = parts++;
      item.chapters.forEach((chapter, j) => entries.push(entryOf(chapter, ['contents', i, 'chapters', j], { part, author: item.author, runningHeads: item.runningHeads })));
    } else entries.push(entryOf(item, ['contents', i], {}));
  });
  return entries;
}

function entryOf(item: string | { file: string; author?: string; kind: ChapterKind; runningHeads?: RunningHeadsOverride }, keyPath: (string | number)[], inPart: { part?: number; author?: string; runningHeads?: RunningHeadsOverride }): ContentsEntry {
  const own = typeof item === 'string' ? { file: item, kind: 'chapter' as const } : item;
  const entry: ContentsEntry = { file: own.file, keyPath: typeof item === 'string' ? keyPath : [...keyPath, 'file'], kind: own.kind };
  const author = (typeof item === 'string' ? undefined : item.author) ?? inPart.author;
  if (author) entry.author = author;
  if (inPart.part !== undefined) entry.part = inPart.part;
  const runningHeads = { ...inPart.runningHeads, ...(typeof item === 'string' ? {} : item.runningHeads) };
  if (Object.keys(runningHeads).length) entry.runningHeads = runningHeads;
  return entry;
}

export function contentsParts(config: Pick<BookConfig, 'contents'>): ContentsPart[] {
  const parts: ContentsPart[] = [];
  config.contents?.forEach((item, i) => {
    if (typeof item === 'object' && 'part' in item) parts.push({ title: item.part, ...(item.author ? { author: item.author } : {}), keyPath: ['contents', i, 'part'] });
  });
  return parts;
}

export { romanNumeral };

/** Numbers as words, one to twenty: what "Hoofdstuk één" needs. Beyond, and in other languages, figures. */
const WORDS: Record<string, string[]> = {
  nl: ['één', 'twee', 'drie', 'vier', 'vijf', 'zes', 'zeven', 'acht', 'negen', 'tien', 'elf', 'twaalf', 'dertien', 'veertien', 'vijftien', 'zestien', 'zeventien', 'achttien', 'negentien', 'twintig'],
  en: ['One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten', 'Eleven', 'Twelve', 'Thirteen', 'Fourteen', 'Fifteen', 'Sixteen', 'Seventeen', 'Eighteen', 'Nineteen', 'Twenty'],
};

/** `n` in a numbering style; undefined for `none`. */
export function formatNumber(n: number, style: NumberStyle, language: string): string | undefined {
  if (style === 'none') return undefined;
  if (style === 'roman') return romanNumeral(n);
  if (style === 'words') return WORDS[language.toLowerCase().split('-')[0] ?? '']?.[n - 1] ?? String(n);
  return String(n);
}

/** "Hoofdstuk I", "Deel 2", in the book's language; undefined when the style is `none`. */
export function numberLabel(what: 'chapter' | 'part', n: number, config: Pick<BookConfig, 'numbering' | 'language' | 'labels'>): { label: string; number: string } | undefined {
  const number = formatNumber(n, what === 'chapter' ? config.numbering.chapters : config.numbering.parts, config.language);
  if (number === undefined) return undefined;
  const labels = labelsFor(config.language, config.labels);
  return { label: fill(what === 'chapter' ? labels.chapterNumber : labels.partNumber, { n: number }), number };
}

/** What a chapter's opening shows besides its title: its number label, and its author when its part does not name the same. */
export interface ChapterOpening {
  label?: string;
  author?: string;
}

export function chapterOpening(chapter: { author?: string; number?: { label: string }; part?: number }, parts: readonly { author?: string }[]): ChapterOpening {
  const partAuthor = chapter.part !== undefined ? parts[chapter.part]?.author : undefined;
  return {
    ...(chapter.number ? { label: chapter.number.label } : {}),
    ...(chapter.author && chapter.author !== partAuthor ? { author: chapter.author } : {}),
  };
}

/**
 * The chapter's HTML with its opening marked up: the number label above the first `#` heading and the author
 * under it, the three in a `<header class="chapter-opening">` (a chapter without a heading gets the header
 * first). Nothing changes for a chapter with neither.
 */
export function withChapterOpening(html: string, opening: ChapterOpening, escape: (text: string) => string): string {
  if (!opening.label && !opening.author) return html;
  const label = opening.label ? `<p class="chapter-label">${escape(opening.label)}</p>\n` : '';
  const author = opening.author ? `\n<p class="chapter-author">${escape(opening.author)}</p>` : '';
  const heading = /<h1\b[^>]*>[\s\S]*?<\/h1>/.exec(html);
  if (!heading) return `<header class="chapter-opening">\n${label}${author}\n</header>\n${html}`;
  return `${html.slice(0, heading.index)}<header class="chapter-opening">\n${label}${heading[0]}${author}\n</header>${html.slice(heading.index + heading[0].length)}`;
}

/**
 * The depth of a heading in the PDF outline: a part's title at the top, the headings of the chapters in a part
 * one level under it, others as their level says. Headings are known by their ids (`part1-title`, `ch3-…`).
 */
export function outlineLevel(config: Pick<BookConfig, 'chapters' | 'contents'>): (id: string, level: number) => number {
  const inPart = contentsEntries(config).map((entry) => entry.part !== undefined);
  // A heading the author gave an id of their own (`{#afsterven}`) has no chapter in it: it is in the chapter of
  // the heading before it (the headings come in reading order), or after it for a chapter title.
  let current = -1;
  return (id, level) => {
    if (/^part\d+-title$/.test(id)) return 1;
    const chapter = /^ch(\d+)(-|$)/.exec(id);
    current = chapter ? Number(chapter[1]) - 1 : level === 1 ? current + 1 : current;
    return inPart[current] ? level + 1 : level;
  };
}
