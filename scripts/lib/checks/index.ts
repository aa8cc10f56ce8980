import { epubCheck } from '../epub/epub-check.ts';
import type { Check } from './check.ts';
import { layoutCheck } from './layout-check.ts';
import { citationsCheck } from './citations-check.ts';
import { fontsCheck } from './fonts-check.ts';
import { manuscriptCheck } from './manuscript-check.ts';
import { pdfUaCheck } from './pdf-ua-check.ts';
import { preflightCheck } from './preflight-check.ts';
import { coverPreflightCheck } from './cover-preflight-check.ts';
import { quotesCheck } from './quotes-check.ts';
import { stylesheetsCheck } from './stylesheets-check.ts';
import { webA11yCheck, webHtmlCheck } from '../web/web-checks.ts';

/** Every check, in the order their findings are printed. */
export const CHECKS: Check[] = [
  manuscriptCheck,
  citationsCheck,
  quotesCheck,
  fontsCheck,
  stylesheetsCheck,
  layoutCheck,
  preflightCheck,
  coverPreflightCheck,
  pdfUaCheck,
  epubCheck,
  webHtmlCheck,
  webA11yCheck,
];
