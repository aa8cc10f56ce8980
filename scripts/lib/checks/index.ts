import type { Check } from './check.ts';
import { citationsCheck } from './citations-check.ts';
import { manuscriptCheck } from './manuscript-check.ts';
import { quotesCheck } from './quotes-check.ts';

/** Every check, in the order their findings are printed. */
export const CHECKS: Check[] = [manuscriptCheck, citationsCheck, quotesCheck];
