import type { PrinterProfile } from './printer.ts';

/**
 * Lulu paperback. Lulu's "Book Creation Guide": 0.125" bleed, no crop marks, fonts embedded, images at
 * 300 ppi, colour in sRGB (Lulu converts): the PDF/X-1a press file's CMYK is accepted as well. Spine =
 * pages / 444 + 0.06" (the cover's own board); spine text needs a spine of 0.25" or more.
 * Lulu names no ink limit: 300 %, the usual.
 */
export const lulu: PrinterProfile = {
  title: 'Lulu',
  source: 'https://assets.lulu.com/media/guides/en/lulu-book-creation-guide.pdf',
  bleed: '0.125in',
  cropMarks: 'forbidden',
  inkLimit: 300,
  pdfx: 'PDF/X-1a:2003',
  exclude: ['annotations'],
  minImagePpi: 300,
  minLineWeight: '0.25pt',
  spine: { caliper: { white: '0.002252252in', cream: '0.002252252in' }, add: '0.06in', textFromWidth: '0.25in' },
};
