import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Book } from '../book.ts';
import type { FontConfig } from '../config/schema.ts';
import { bookCharacters, type CharacterUse, type TextRole } from './book-text.ts';
import { packageDir } from '../paths.ts';
import { trimFontFaces } from '../print/font-faces.ts';
import { fontStylesheets } from './font-css.ts';
import { familyCoverage } from './font-coverage.ts';

/** The fonts a book is set in, as its text needs them. */
export interface BookFonts {
  /** The body font, then each fallback the body text needs, in book.yaml's order. */
  body: FontConfig[];
  /** The monospaced font and the fallbacks code needs; empty when the book has no code. */
  mono: FontConfig[];
  /** Every family above, once. */
  families: FontConfig[];
  /** Every character of the book (code points), for choosing the subsets to load or embed. */
  characters: Set<number>;
  /** Characters no font the book names can draw, each at its first place in a file. */
  uncovered: CharacterUse[];
}

const cache = new WeakMap<Book, BookFonts>();

/**
 * Which of book.yaml's fonts set the book: a character goes to the first family of its role's list (body or
 * mono, then the fallbacks) that can draw it, as the browser chooses. A fallback nothing needs is left out, so
 * it is neither loaded nor embedded, and a book without code does not load the monospaced font.
 */
export function bookFonts(book: Book): BookFonts {
  let fonts = cache.get(book);
  if (fonts) return fonts;
  const { body, mono, fallback } = book.config.print.fonts;
  const chains: Record<TextRole, FontConfig[]> = { body: [body, ...fallback], mono: [mono, ...fallback] };
  const used: Record<TextRole, Set<FontConfig>> = { body: new Set([body]), mono: new Set() };
  const uncovered: CharacterUse[] = [];
  const characters = new Set<number>();
  for (const use of bookCharacters(book)) {
    characters.add(use.codePoint);
    const font = chains[use.role].find((family) => familyCoverage(family).has(use.codePoint));
    if (use.role === 'mono') used.mono.add(mono);
    if (font) used[use.role].add(font);
    else uncovered.push(use);
  }
  const ordered = (role: TextRole): FontConfig[] => chains[role].filter((font) => used[role].has(font));
  // The text's font, the code's, then the fallbacks either needs.
  const families = [...new Set([...ordered('body').slice(0, 1), ...ordered('mono').slice(0, 1), ...ordered('body'), ...ordered('mono')])];
  fonts = { body: ordered('body'), mono: ordered('mono'), families, characters, uncovered };
  cache.set(book, fonts);
  return fonts;
}

/** The npm packages of the fonts a book is set in (what the print site serves). */
export function bookFontPackages(book: Book): string[] {
  return [...new Set(bookFonts(book).families.map((font) => font.package))];
}

/** One @font-face of a font the book is set in, with its woff2 file. */
export interface BookFontFace {
  /** The rule as the package writes it (`src` pointing into the package). */
  rule: string;
  /** The woff2 file and its name. */
  file: string;
  name: string;
}

/**
 * The @font-face rules of every font the book is set in, each weight and style book.yaml names, less the
 * subsets (unicode-range) that hold none of the book's characters: what an edition that carries its fonts
 * (the EPUB, the web edition) must carry, and no more.
 */
export function bookFontFaces(book: Book): BookFontFace[] {
  const { families, characters } = bookFonts(book);
  const wanted = new Set(characters);
  for (let c = 0x20; c < 0x7f; c++) wanted.add(c);
  const faces: BookFontFace[] = [];
  for (const font of families) {
    const dir = packageDir(font.package);
    for (const href of fontStylesheets(font)) {
      const sheet = path.join(dir, href.slice(`/pkg/${font.package}/`.length));
      for (const rule of trimFontFaces(readFileSync(sheet, 'utf8'), wanted).match(/@font-face\s*{[^}]*}/g) ?? []) {
        const name = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(rule)?.[1];
        if (name) faces.push({ rule, file: path.join(dir, 'files', name), name });
      }
    }
  }
  return faces;
}
