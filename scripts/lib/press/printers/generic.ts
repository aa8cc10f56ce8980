import type { PrinterProfile } from './printer.ts';

/** No printer in particular: what the press PDF has always been, values a Dutch or German offset printer
 * accepts (3 mm bleed, no marks, 300 % ink, PDF/X-1a), on 80 g/m² offset paper (about 0.1 mm a leaf). */
export const generic: PrinterProfile = {
  title: 'generic offset printer',
  source: 'the pipeline’s own defaults (README, "The press PDF")',
  bleed: '3mm',
  cropMarks: 'forbidden',
  inkLimit: 300,
  pdfx: 'PDF/X-1a:2003',
  exclude: ['annotations'],
  minImagePpi: 300,
  minLineWeight: '0.25pt',
  spine: { caliper: { white: '0.05mm', cream: '0.06mm' }, add: '0mm', textFromWidth: '6mm' },
};
