#!/usr/bin/env node
// `npm test` [-- node --test options] [-- tests/x.test.ts ...]: every tests/*.test.ts, in two runs of the
// Node test runner. First every file that may share the machine, two files at a time: most of a file's time
// is a build or a check that leaves a core idle much of the while (one tab paginating a small book, a JVM
// starting, poppler reading a PDF). Then, one at a time, the files marked `// npm test: alone` in their first
// lines, if any: a test that needs the machine to itself. (A test that edits a file every build reads, such as
// styles/print.css, edits a copy of the repository instead: copyOfRepository in tests/helpers.ts.) The files
// marked `// npm test: unit` run as one file, tests/units.ts; one Chromium serves every build of the run.
// Plain JavaScript: it runs before any loader.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const testsDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(testsDir);

const args = process.argv.slice(2);
const options = args.filter((arg) => arg.startsWith('-'));
const named = args.filter((arg) => !arg.startsWith('-')).map((arg) => path.resolve(arg));
/**
 * The longest files first, so that no long file starts late and runs on alone at the end while the other
 * cores are idle: tests/durations.json holds each file's seconds from a recent run (the `file` lines of a
 * BOOK_RUN_LOG, see docs/performance.md), updated by hand. A file not in it counts as a middling one.
 */
const durations = JSON.parse(readFileSync(path.join(testsDir, 'durations.json'), 'utf8'));
const seconds = (file) => durations[path.basename(file)] ?? 20;
const files = (named.length > 0 ? named : readdirSync(testsDir).filter((name) => name.endsWith('.test.ts')).sort().map((name) => path.join(testsDir, name)))
  .map((file) => path.relative(root, file))
  .sort((a, b) => seconds(b) - seconds(a));

/** A file says in its first lines when it must run with no other build beside it (`alone`), or when it runs
 * with the other unit files in one process (`unit`). */
const marked = (file, mark) => new RegExp(`^// npm test: ${mark}\\b`, 'm').test(readFileSync(path.join(root, file), 'utf8').split('\n').slice(0, 10).join('\n'));
const alone = (file) => marked(file, 'alone');

/**
 * The unit files (no build, no browser) run in one process, tests/units.ts, which imports
 * each: a process of their own would cost each a second or more of processor time for tsx and its modules.
 */
const units = files.filter((file) => marked(file, 'unit'));
process.env.BOOK_UNIT_TEST_FILES = units.join(path.delimiter);
const groups = [...files.filter((file) => !units.includes(file)), ...(units.length > 0 ? [path.join('tests', 'units.ts')] : [])].sort((a, b) => seconds(b) - seconds(a));

/** Two at a time on a machine of two cores or more; BOOK_TEST_CONCURRENCY sets it. */
const concurrency = Number(process.env.BOOK_TEST_CONCURRENCY) || Math.min(2, availableParallelism());

function nodeTest(group, jobs) {
  if (group.length === 0) return Promise.resolve(0);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${jobs}`, ...options, ...group], { cwd: root, stdio: 'inherit' });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/**
 * One Chromium for the builds of the run (tests/shared-chromium.ts): each build opens a browser context of its
 * own in it instead of starting a Chromium, about 3 s of processor time it would pay. BOOK_SHARED_CHROMIUM
 * already set (empty: none) is left as it is. It ends when this process does: its stdin is this process's pipe.
 */
async function startSharedChromium() {
  if (process.env.BOOK_SHARED_CHROMIUM !== undefined) return undefined;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(testsDir, 'shared-chromium.ts')], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const endpoint = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (data) => {
      out += data;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`the shared Chromium did not start (exit ${code})`)));
  });
  process.env.BOOK_SHARED_CHROMIUM = endpoint;
  return child;
}

const chromium = await startSharedChromium();
try {
  const shared = await nodeTest(groups.filter((file) => !alone(file)), concurrency);
  const single = await nodeTest(groups.filter(alone), 1);
  process.exitCode = shared || single;
} finally {
  if (chromium) {
    const ended = new Promise((resolve) => chromium.once('close', resolve));
    chromium.stdin.end();
    await ended;
  }
}
