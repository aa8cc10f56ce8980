import type { Check } from './check.ts';
import { layoutCheck } from './layout-check.ts';
import { manuscriptCheck } from './manuscript-check.ts';

/** Every check, in the order their findings are printed. */
export const CHECKS: Check[] = [manuscriptCheck, layoutCheck];
