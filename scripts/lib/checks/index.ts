import { epubCheck } from '../epub/epub-check.ts';
import type { Check } from './check.ts';
import { layoutCheck } from './layout-check.ts';
import { manuscriptCheck } from './manuscript-check.ts';
import { preflightCheck } from './preflight-check.ts';
import { webA11yCheck, webHtmlCheck } from '../web/web-checks.ts';

/** Every check, in the order their findings are printed. */
export const CHECKS: Check[] = [manuscriptCheck, layoutCheck, preflightCheck, epubCheck, webHtmlCheck, webA11yCheck];
