import { parseCommandArgs } from './cli-args.ts';
import { startChromiumEarly, type ChromiumProcess } from './chromium-process.ts';
import { PRINT_OPTIONS } from './print/print-options.ts';

/** The build command's options beyond the common ones. */
const BUILD_OPTIONS = { ...PRINT_OPTIONS, press: { type: 'boolean', default: false }, watch: { type: 'boolean', default: false } } as const;

/** The build command's options read, and whether it lays pages out in a Chromium started for it alone (a
 * one-off build of the PDF or the press PDF; a watching build starts its own as it begins). Throws UsageError. */
export function parseBuildArgs(argv: string[]) {
  const { common, values } = parseCommandArgs(argv, BUILD_OPTIONS);
  const laysOutPages = !values.watch && common.formats.some((f) => f === 'pdf' || f === 'press');
  return { common, values, laysOutPages };
}

const EARLY = Symbol.for('book.earlyChromium');
type Holder = { [EARLY]?: ChromiumProcess };

/**
 * Run by scripts/run.mjs from a small script of its own, before it compiles the build command's (7 MB, from a
 * code cache of 5 MB: 0.2-0.3 s): Chromium's start, the longest way to the first page of a small book, begins
 * that much sooner. Options it cannot read start nothing: the command reports them. The build takes the process
 * (takeEarlyChromium); until then its cleanup at exit or on a signal, and its watchdog, are those of any
 * Chromium the build starts (interrupt.ts keeps one state for both scripts).
 */
export function startBuildChromium(argv: string[]): void {
  let laysOutPages = false;
  try {
    ({ laysOutPages } = parseBuildArgs(argv));
  } catch {
    return;
  }
  if (!laysOutPages) return;
  const started = startChromiumEarly();
  if (started) (globalThis as Holder)[EARLY] = started;
}

/** The Chromium run.mjs started for this build, once. */
export function takeEarlyChromium(): ChromiumProcess | undefined {
  const holder = globalThis as Holder;
  const started = holder[EARLY];
  holder[EARLY] = undefined;
  return started;
}
