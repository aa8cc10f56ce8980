import type { PrinterProfile } from './printer.ts';

/**
 * Amazon KDP paperback. KDP's cover calculator and "Paperback cover" help: 0.125" bleed, no crop marks or
 * printer marks, no bookmarks, comments or metadata in the print file; spine = pages × 0.002252" on white
 * paper, × 0.0025" on cream; text on the spine only from 79 pages. KDP names no ink limit: 300 %, the usual.
 */
export const kdp: PrinterProfile = {
  title: 'Amazon KDP',
  source: 'https://kdp.amazon.com/help/topic/G201953020 (cover), G201834180 (print file)',
  bleed: '0.125in',
  cropMarks: 'forbidden',
  inkLimit: 300,
  pdfx: 'PDF/X-1a:2003',
  exclude: ['bookmarks', 'metadata', 'annotations'],
  minImagePpi: 300,
  minLineWeight: '0.5pt',
  spine: { caliper: { white: '0.002252in', cream: '0.0025in' }, add: '0in', textFromPages: 79, textFromWidth: '0in' },
};
