import { pathToFileURL } from 'node:url';
import type { Book } from '../book.ts';
import { bookFontFaces, bookFonts } from '../fonts/book-fonts.ts';
import { fontFamilyList } from '../fonts/font-css.ts';

export interface EmbeddedFonts {
  /** @font-face rules pointing at `fonts/<file>` inside the EPUB, and the font lists of text and code. */
  css: string;
  /** For epub-gen-memory's `fonts` option: it copies each `url` to `fonts/<filename>`. */
  files: { filename: string; url: string }[];
}

/**
 * The print edition's families, from the same packages, each weight and style's woff2 files of the subsets
 * the book's text uses, with their unicode-range, so a reader loads only what a page uses. The font lists
 * are written out as rules (reading systems do not all know custom properties); a reader may override them.
 */
export async function embeddedFonts(book: Book): Promise<EmbeddedFonts> {
  const faces = bookFontFaces(book);
  const { body, mono } = bookFonts(book);
  const rules = faces.map((face) => face.rule.replace(/src:[^;]*;/, `src: url(fonts/${face.name}) format('woff2');`).replace(/\s*font-display:[^;]*;/, ''));
  rules.push(`html { font-family: ${fontFamilyList(body)}, serif; }`);
  if (mono.length > 0) rules.push(`code, pre, kbd, samp { font-family: ${fontFamilyList(mono)}, monospace; }`);
  return {
    css: rules.join('\n'),
    files: [...new Map(faces.map((face) => [face.name, face.file]))].map(([filename, file]) => ({ filename, url: pathToFileURL(file).href })),
  };
}
