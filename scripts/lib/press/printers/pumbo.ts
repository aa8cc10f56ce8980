import type { PrinterProfile } from './printer.ts';

/**
 * Pumbo (Dutch print on demand), like most Dutch and Belgian printers: 3 mm bleed *with* crop marks, the
 * FOGRA39 condition (ISO Coated v2 or PSO Coated v3: name the profile in print.press.profile), black text in
 * K only, total ink at most 300 %. The spine comes from Pumbo's calculator for the paper; 90 g/m² book paper is
 * about 0.1 mm a leaf white and 0.125 mm cream (0.05 and 0.0625 mm a page).
 */
export const pumbo: PrinterProfile = {
  title: 'Pumbo',
  source: 'https://www.pumbo.nl/aanleverspecificaties',
  bleed: '3mm',
  cropMarks: 'required',
  inkLimit: 300,
  pdfx: 'PDF/X-1a:2003',
  outputCondition: 'FOGRA39',
  exclude: ['annotations'],
  minImagePpi: 300,
  minLineWeight: '0.25pt',
  spine: { caliper: { white: '0.05mm', cream: '0.0625mm' }, add: '0mm', textFromWidth: '6mm' },
};
