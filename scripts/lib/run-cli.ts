import { UsageError } from './cli-args.ts';
import { BuildError, type Diagnostic } from './diagnostics.ts';

/** Runs a command; prints diagnostics or usage errors plainly and sets a non-zero exit code. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof BuildError) {
      process.stderr.write(`${error.message}\nbuild failed: ${countOf(error.diagnostics)}\n`);
      process.exitCode = 1;
    } else if (error instanceof UsageError) {
      process.stderr.write(`usage error: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`internal error: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 70;
    }
  }
}

/** "2 errors", "1 error, 3 warnings": what stopped the build, then what came with it. */
export function countOf(diagnostics: readonly Diagnostic[]): string {
  const count = (severity: Diagnostic['severity']): number => diagnostics.filter((d) => d.severity === severity).length;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const errors = count('error');
  const warnings = count('warning');
  return warnings > 0 ? `${plural(errors, 'error')}, ${plural(warnings, 'warning')}` : plural(errors, 'error');
}
