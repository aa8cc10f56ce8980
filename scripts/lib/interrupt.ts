/**
 * What a command undoes when it is stopped: Ctrl-C (SIGINT), a supervisor's SIGTERM, a closed terminal
 * (SIGHUP), or an exit in the middle of its work. Each part that leaves something behind while it works (a
 * browser's process group, a temporary folder, a staging folder) registers a cleanup here and removes it when
 * it has cleaned up in order. Cleanups are synchronous: they run from a signal handler and at exit, when no
 * promise will be awaited any more. (A SIGKILL runs nothing: the browser's watchdog covers that, browser.ts.)
 */
type Cleanup = () => void;

interface InterruptState {
  cleanups: Set<Cleanup>;
  stoppedBy?: NodeJS.Signals;
  gracefulStop?: () => void;
  installed: boolean;
}

/** One state for the process, kept on a global: the build command's script and the one scripts/run.mjs starts
 * Chromium from before it (early-chromium.ts) each hold a copy of this module, and a cleanup either registers
 * must run at the other's exit or signal. */
const STATE = Symbol.for('book.interrupt');
const state = ((globalThis as { [STATE]?: InterruptState })[STATE] ??= { cleanups: new Set(), installed: false });
const { cleanups } = state;

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const satisfies Partial<Record<NodeJS.Signals, number>>;

/** Registers a cleanup; the function returned unregisters it (once the work is undone in order). */
export function atInterrupt(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  return () => void cleanups.delete(cleanup);
}

/** The signal that stopped the command, if one did: messages say "interrupted", not "the browser quit". */
export function interruption(): NodeJS.Signals | undefined {
  return state.stoppedBy;
}

/** Runs every registered cleanup now, each once. */
export function runCleanups(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // One that fails must not keep the others from running.
    }
  }
}

/**
 * A long-running command (the preview, `build --watch`) stops in order on the first signal: `stop` closes it;
 * a second signal stops it at once. Without one, a signal stops the command at once.
 */
export function onStopRequest(stop: () => void): void {
  state.gracefulStop = stop;
}

/** Installs the signal and exit handlers (once per process). `say` prints the one line that says what happened. */
export function handleInterrupts(say: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): void {
  if (state.installed) return;
  state.installed = true;
  process.on('exit', runCleanups);
  for (const [signal, number] of Object.entries(SIGNALS) as [keyof typeof SIGNALS, number][]) {
    process.on(signal, () => {
      const first = state.stoppedBy === undefined;
      state.stoppedBy ??= signal;
      if (first && state.gracefulStop) {
        say(`stopping (${signal})`);
        state.gracefulStop();
        return;
      }
      say(`interrupted (${signal}): stopped; the output folder is as it was before this build`);
      runCleanups();
      // 128 + the signal's number, as a shell reports a command a signal ended.
      process.exit(128 + number);
    });
  }
}
