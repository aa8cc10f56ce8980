// With BOOK_RUN_LOG set to a file, each build, Chromium start (`chromium`; a build's contexts in the test run's
// shared Chromium: `chromium-context`) and checker run (EPUBCheck, the Nu checker, Ace)
// appends one JSON line there, with the test file that caused it (BOOK_TEST_FILE, which tests/helpers.ts sets).
// The test suite's cost is counted in these: a count is the same on a busy machine, a timing is not. Each line
// has its time (`at`, ms since 1970), and each test file ends with a `file` line giving its own wall time (`ms`),
// from which tests/durations.json, the order npm test starts the files in, is made.
import { appendFileSync } from 'node:fs';
import path from 'node:path';

export type RunEvent = 'build' | 'chromium' | 'chromium-context' | 'epubcheck' | 'vnu' | 'ace' | 'file';

export function logRun(event: RunEvent, detail: Record<string, unknown> = {}): void {
  const file = process.env.BOOK_RUN_LOG;
  if (!file) return;
  const test = process.env.BOOK_TEST_FILE ?? path.basename(process.argv[1] ?? '');
  appendFileSync(file, `${JSON.stringify({ event, test, at: Date.now(), ...detail })}\n`);
}
