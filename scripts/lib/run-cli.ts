import { UsageError } from './cli-args.ts';
import { BuildError } from './diagnostics.ts';

/** Runs a command; prints diagnostics or usage errors plainly and sets a non-zero exit code. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof BuildError) {
      process.stderr.write(`${error.message}\nbuild failed: ${error.diagnostics.length} error(s)\n`);
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
