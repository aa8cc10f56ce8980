import bwipjs from 'bwip-js';
import { escapeHtml } from '../html.ts';
import { isbnDigits } from './isbn.ts';

/**
 * The ISBN as an EAN-13 barcode in SVG (bwip-js: bars and digits as paths, so vectors in the PDF and no
 * font needed), with "ISBN" and the number as book.yaml writes it above, as on a book's back. bwip-js's own
 * `isbn` symbol wants the hyphens placed by the ISBN ranges, which book.yaml need not have; the bars are the
 * same EAN-13.
 */
export function isbnBarcodeSvg(isbn: string): string {
  const svg = bwipjs.toSVG({ bcid: 'ean13', text: isbnDigits(isbn), includetext: true, guardwhitespace: true, barcolor: '000000', textcolor: '000000' });
  return `<p class="isbn">ISBN ${escapeHtml(isbn)}</p>${svg}`;
}
