import type { Format } from '../formats.ts';
import { printTarget } from '../print/print-target.ts';
import { webTarget } from '../web/web-target.ts';
import type { Target } from './target.ts';

/** Every output format and the module that makes it. */
export const TARGETS: Record<Format, Target> = {
  pdf: printTarget,
  web: webTarget,
};
