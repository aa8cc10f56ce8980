import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { parseConfig } from '../scripts/lib/config/load-config.ts';
import { BuildError } from '../scripts/lib/diagnostics.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { logRun } from '../scripts/lib/run-log.ts';

// Every build and Chromium a test file starts is logged under its name when BOOK_RUN_LOG is set
// (scripts/lib/run-log.ts); the builds run as child processes, which inherit this.
process.env.BOOK_TEST_FILE ??= path.basename(process.argv[1] ?? '');
// And the file's own wall time once its tests are done, from which the order npm test starts the files in comes
// (tests/durations.json), with the processor time it and the builds and browsers it started took: on two cores
// the suite's time is bound by the sum of these.
if (/(\.test|\/units)\.ts$/.test(process.argv[1] ?? '')) process.once('exit', () => logRun('file', { ms: Math.round(process.uptime() * 1000), cpuMs: processorMs() }));

/** This process's processor time and that of its children it has waited for (Linux: /proc/self/stat). */
function processorMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
    // utime, stime, cutime, cstime are fields 14 to 17 of stat(5), counted after the command's closing parenthesis.
    return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) * 10;
  } catch {
    return undefined;
  }
}

export const MINIMAL_CONFIG = `title: Proefboek
author: Anna de Vries
language: nl
description: Een klein boek om de pijplijn te testen.
keywords: [proef, test]
chapters:
  - 01-hoofdstuk.md
`;

/**
 * The environment a build starts its own Chromium in, not a context of the test run's shared one
 * (SHARED_BROWSER_ENV, scripts/lib/browser.ts): for the tests about the browser's own life, what a build
 * leaves running or behind, how it fails to start one, how it stops one when interrupted.
 */
export const OWN_BROWSER: NodeJS.ProcessEnv = { BOOK_SHARED_CHROMIUM: undefined };

/** A manuscript folder in a temporary directory: file name -> contents. */
export async function makeManuscript(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'book-test-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command line `npm run <command>` runs (scripts/run.mjs and the command's bundle), without npm; `root`
 * is the repository it runs from. */
export function commandLine(command: 'build' | 'check' | 'release' | 'preview', args: string[], root = projectRoot): string[] {
  return [path.join(root, 'scripts', 'run.mjs'), command, ...args];
}

/**
 * A copy of the repository's pipeline (scripts/, styles/, csl/, package.json, package-lock.json) in a temporary
 * folder, sharing node_modules through a link: a test that edits a file every build reads (styles/print.css)
 * edits the copy's, so the builds of other test files running at the same time never see it.
 */
export async function copyOfRepository(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'book-test-repo-'));
  for (const name of ['scripts', 'styles', 'csl', 'package.json', 'package-lock.json']) {
    await cp(path.join(projectRoot, name), path.join(root, name), { recursive: true });
  }
  await symlink(path.join(projectRoot, 'node_modules'), path.join(root, 'node_modules'));
  return root;
}

/** How long a command may run before a test gives up on it (a hang guard, not a speed target: a full check
 * runs EPUBCheck, the Nu checker, Ace and axe, and two test files run at a time). BOOK_TEST_TIMEOUT_MS sets it. */
const DEFAULT_TIMEOUT_MS = Number(process.env.BOOK_TEST_TIMEOUT_MS) || 600_000;

/** Runs an entry script the way `npm run <name>` does, as a separate process; killed after `timeoutMs`.
 * `root`: the repository to run it from (a copy, see copyOfRepository). */
export function runScript(script: 'build.ts' | 'check.ts' | 'release.ts', args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = DEFAULT_TIMEOUT_MS, root = projectRoot): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, commandLine(script.replace(/\.ts$/, '') as 'build' | 'check' | 'release', args, root), {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The files in a folder, but for the build's cache (`.cache`) and its marker (`.book-output.json`), which
 * are not part of the book. */
export async function listFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => name !== '.cache' && name !== '.book-output.json').sort();
  } catch {
    return [];
  }
}

/** The diagnostics a book.yaml text is refused with (the test fails when it is accepted). */
export function configDiagnostics(text: string): BuildError['diagnostics'] {
  try {
    parseConfig(text, 'book.yaml');
  } catch (error) {
    assert.ok(error instanceof BuildError);
    return error.diagnostics;
  }
  assert.fail('expected the config to be rejected');
}
