// The test files marked `// npm test: unit` in their first lines, in this one process: tests/run.mjs names them
// in BOOK_UNIT_TEST_FILES. Each reads no build, starts no browser, and leaves no state
// another file could see; run each alone in a process of its own, as Node's test runner does, they would each
// pay tsx and their modules' loading again (a second or more of processor time a file).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
// Its `file` line in BOOK_RUN_LOG (tests/durations.json) comes from helpers.ts, imported here whether a unit file
// imports it or not.
import './helpers.ts';

for (const file of (process.env.BOOK_UNIT_TEST_FILES ?? '').split(path.delimiter).filter(Boolean)) {
  await import(pathToFileURL(path.resolve(file)).href);
}
