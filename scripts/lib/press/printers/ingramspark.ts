import type { PrinterProfile } from './printer.ts';

/**
 * IngramSpark (Lightning Source). Its "File Creation Guide": PDF/X-1a, total ink at most 240 %, 0.125" bleed,
 * no crop marks, images at 300 ppi, lines at least 0.5 pt. The spine comes from IngramSpark's cover template
 * generator for the chosen paper; 50 lb white and crème are close to KDP's stock (0.002252" and 0.0025" a
 * page): a book with IngramSpark's exact figure sets print.press.caliper.
 */
export const ingramspark: PrinterProfile = {
  title: 'IngramSpark',
  source: 'https://www.ingramspark.com/hubfs/downloads/file-creation-guide.pdf',
  bleed: '0.125in',
  cropMarks: 'forbidden',
  inkLimit: 240,
  pdfx: 'PDF/X-1a:2003',
  exclude: ['annotations'],
  minImagePpi: 300,
  minLineWeight: '0.5pt',
  spine: { caliper: { white: '0.002252in', cream: '0.0025in' }, add: '0in', textFromWidth: '0.25in' },
};
