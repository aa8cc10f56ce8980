import { diagnostic } from '../diagnostics.ts';
import { bookFonts } from '../fonts/book-fonts.ts';
import type { Check } from './check.ts';

/**
 * Every character of the book against the fonts book.yaml names, before anything is printed: a character
 * none of them has would be drawn by whatever font the machine has (or not at all), so it is an error at the
 * place it is written, once per character and file.
 */
export const fontsCheck: Check = {
  name: 'fonts',
  needs: [],
  async run({ book }) {
    const { body, mono, fallback } = book.config.print.fonts;
    return bookFonts(book).uncovered.map((use) => {
      const code = `U+${use.codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
      const fonts = [use.role === 'mono' ? mono : body, ...fallback].map((f) => f.family).join(', ');
      const where = use.role === 'mono' ? 'in code ' : '';
      const more = use.count > 1 ? ` (${use.count} times in this file)` : '';
      return diagnostic(
        'fonts/uncovered-character',
        { file: use.file, line: use.line, column: use.column },
        `“${use.char}” (${code}) ${where}is in none of the book's fonts (${fonts})${more}: name a font that has it in print.fonts.fallback, e.g. { family: DejaVu Sans, package: "@fontsource/dejavu-sans", weights: [400], italic: false }`,
      );
    });
  },
};
