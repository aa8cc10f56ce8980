import type { Book } from '../book.ts';
import { bookFontFaces, bookFonts } from '../fonts/book-fonts.ts';
import { fontFamilyList } from '../fonts/font-css.ts';

export interface WebFonts {
  /** @font-face rules pointing at `fonts/<file>.woff2`, relative to the stylesheet, and the font lists. */
  css: string;
  /** woff2 files to copy into the edition's fonts/ folder. */
  files: { from: string; name: string }[];
}

/**
 * The same families as print (book.yaml's fonts, as the text needs them: see fonts/book-fonts.ts), as woff2
 * only: every browser that can lay out this page reads woff2, so the woff fallbacks would only double the
 * download. The font lists are custom properties web.css reads (`--body-font`, `--mono-font`).
 */
export async function webFonts(book: Book): Promise<WebFonts> {
  const faces = bookFontFaces(book);
  const { body, mono } = bookFonts(book);
  const lists = [`  --body-font: ${fontFamilyList(body)};`, ...(mono.length > 0 ? [`  --mono-font: ${fontFamilyList(mono)};`] : [])];
  const rules = faces.map((face) => face.rule.replace(/src:[^;]*;/, `src: url(fonts/${face.name}) format('woff2');`));
  return {
    css: `${rules.join('\n')}\n:root {\n${lists.join('\n')}\n}\n`,
    files: [...new Map(faces.map((face) => [face.name, face.file]))].map(([name, from]) => ({ name, from })),
  };
}
