import { UsageError } from './cli-args.ts';
import { BuildError, type Diagnostic } from './diagnostics.ts';
import { handleInterrupts } from './interrupt.ts';

/** Errors of the machine rather than of the pipeline: a folder that cannot be written, a full disk. */
const SYSTEM_ERRORS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'EIO', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG']);

/**
 * Runs a command and ends the process when it is done, with the exit code the README promises: 0 success; 1
 * the manuscript, its config, the renderer or the machine has a problem (printed as diagnostics, or one line
 * naming the file); 2 bad usage; 70 a bug in the pipeline (one line; `--debug` prints the stack); 128 + n when
 * signal n stopped it (interrupt.ts). The process exits at once rather than when the event loop drains:
 * nothing it started may keep it alive after it has reported.
 */
export async function runCli(main: () => Promise<void>): Promise<void> {
  handleInterrupts();
  try {
    await main();
  } catch (error) {
    process.exitCode = report(error, process.argv.includes('--debug'));
  }
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
}

/** Prints what went wrong and returns the exit code. */
export function report(error: unknown, debug: boolean, write: (text: string) => void = (text) => process.stderr.write(text)): number {
  if (error instanceof BuildError) {
    write(`${error.message}\nbuild failed: ${countOf(error.diagnostics)}\n`);
    return 1;
  }
  if (error instanceof UsageError) {
    write(`usage error: ${error.message}\n`);
    return 2;
  }
  const system = error as NodeJS.ErrnoException;
  if (system instanceof Error && system.code && SYSTEM_ERRORS.has(system.code) && system.path) {
    write(`error: cannot ${system.syscall ?? 'use'} ${system.path}: ${system.code}${debug ? `\n${system.stack}` : ''}\nbuild failed: 1 error\n`);
    return 1;
  }
  const summary = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message.split('\n')[0]}` : String(error);
  write(debug && error instanceof Error ? `internal error: ${error.stack}\n` : `internal error: ${summary}\n(a bug in the pipeline, not in your manuscript: run again with --debug for the stack, and report it)\n`);
  return 70;
}

/** "2 errors", "1 error, 3 warnings": what stopped the build, then what came with it. */
export function countOf(diagnostics: readonly Diagnostic[]): string {
  const count = (severity: Diagnostic['severity']): number => diagnostics.filter((d) => d.severity === severity).length;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const errors = count('error');
  const warnings = count('warning');
  return warnings > 0 ? `${plural(errors, 'error')}, ${plural(warnings, 'warning')}` : plural(errors, 'error');
}
