import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { contentsEntries } from '../book-structure.ts';
import { loadConfig } from '../config/load-config.ts';
import { fontsFor } from '../fonts/book-fonts.ts';
import type { TextRole } from '../fonts/book-text.ts';
import { resolveManuscriptFile } from '../manuscript-files.ts';
import { printDocumentOf } from './print-html.ts';

/**
 * The print documents' head as the manuscript's files foretell it, before the book is read: a one-off build
 * loads it in the tabs of its first documents while the citations are rendered (one core is idle then), and
 * puts each document's body in once it is known (print/document-tabs.ts). The head is book.yaml's settings and
 * the fonts the text needs; here the fonts are chosen from the characters of the files as written (chapters,
 * bibliography, book.yaml), which the book as read almost always matches. A held tab is used only for a
 * document with the same head whose site serves the same bytes at every path it loaded (`DocumentTabs.take`),
 * so a foretelling that misses costs the tab's loading and changes nothing on the pages.
 */
export interface ForetoldDocument {
  /** The head around an empty body. */
  html: string;
  /** The text whose characters decide which font faces the fonts' style sheets keep (`printSite`). */
  fontText: string;
  manuscriptDir: string;
  fontPackages: string[];
  /** Characters of the chapters' files, for how many documents the first round lays out. */
  chapterChars: number;
  chapters: number;
}

const INVISIBLE = /[\p{Z}\p{Cc}\p{Cf}\s\uFE00-\uFE0F]/u;
/** Markdown or HTML that is set in the monospaced font. */
const CODE = /`|~~~|<(?:code|pre|kbd|samp)\b/;

async function readInside(dir: string, relative: string): Promise<string | undefined> {
  const located = resolveManuscriptFile(dir, relative);
  if (located.kind !== 'inside') return undefined;
  return readFile(located.real, 'utf8').catch(() => undefined);
}

/** The foretold document of the manuscript in `manuscriptDir`; none when its book.yaml cannot be read. */
export async function foretellDocument(manuscriptDir: string): Promise<ForetoldDocument | undefined> {
  const dir = path.resolve(manuscriptDir);
  let config;
  try {
    ({ config } = await loadConfig(dir));
  } catch {
    return undefined;
  }
  const entries = contentsEntries(config);
  const chapterTexts = await Promise.all(entries.map((entry) => readInside(dir, entry.file)));
  const sources = config.citations ? await Promise.all([config.citations.bibliography].flat().map((file) => readInside(dir, file))) : [];
  const configText = (await readInside(dir, 'book.yaml')) ?? '';
  const chapters = chapterTexts.filter((text): text is string => text !== undefined);
  const fontText = [...chapters, ...sources.filter((text): text is string => text !== undefined), configText].join('\n');
  const uses: { codePoint: number; role: TextRole }[] = [];
  const seen = new Set<number>();
  for (const char of fontText) {
    const codePoint = char.codePointAt(0) as number;
    if (seen.has(codePoint)) continue;
    seen.add(codePoint);
    if (!INVISIBLE.test(char)) uses.push({ codePoint, role: 'body' });
  }
  if (chapters.some((text) => CODE.test(text))) uses.push({ codePoint: 0x78, role: 'mono' });
  const fonts = fontsFor(config, uses);
  return {
    html: printDocumentOf(config, fonts, ''),
    fontText,
    manuscriptDir: dir,
    fontPackages: [...new Set(fonts.families.map((font) => font.package))],
    chapterChars: chapters.reduce((sum, text) => sum + text.length, 0),
    chapters: entries.length,
  };
}

/** How many documents the first round lays out, by the chapters' size as written (their HTML is larger):
 * `batchUnits`'s count, at most `jobs`. */
export function firstRoundDocuments(foretold: ForetoldDocument, jobs: number, leastDocumentChars: number): number {
  const worthwhile = leastDocumentChars > 0 ? Math.max(1, Math.floor(foretold.chapterChars / leastDocumentChars)) : Infinity;
  return Math.max(1, Math.min(jobs, worthwhile, foretold.chapters + 1));
}
