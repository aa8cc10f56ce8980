import { availableParallelism } from 'node:os';
import { UsageError, type PrintBuildOptions } from '../cli-args.ts';

/** Command-line options of the print build, for parseCommandArgs. */
export const PRINT_OPTIONS = {
  jobs: { type: 'string' },
  'no-cache': { type: 'boolean', default: false },
} as const;

/** --jobs N (a whole number ≥ 1) and --no-cache, as the print target takes them. */
export function printOptions(values: { jobs?: string | boolean | (string | boolean)[]; 'no-cache'?: string | boolean | (string | boolean)[] }): PrintBuildOptions {
  const options: PrintBuildOptions = { cache: values['no-cache'] !== true };
  if (values.jobs !== undefined) {
    const jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs expects a whole number of at least 1, got "${String(values.jobs)}"`);
    options.jobs = jobs;
  }
  return options;
}

/** As many documents at once as the machine has cores, and never fewer than two: one waits on the browser
 * while the other lays out. */
export function defaultJobs(): number {
  return Math.max(2, availableParallelism());
}
