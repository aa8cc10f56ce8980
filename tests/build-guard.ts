import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OWN_BROWSER, removeDir, runScript, type RunResult } from './helpers.ts';

/**
 * A build run with a temporary folder of its own (TMPDIR): everything it leaves there (a Chromium profile, a
 * half-written file) is a stray temporary file, and any process whose command line names that folder is its
 * own Chromium still running. Other builds on the machine (other tests, other people's) are not looked at. It
 * starts a Chromium of its own (OWN_BROWSER): what it leaves running is what the test is about.
 */
export interface GuardedRun extends RunResult {
  /** What the build left in its temporary folder. */
  strayFiles: string[];
  /** Command lines of processes still running that name the build's temporary folder. */
  leftProcesses: string[];
}

/** Processes (pid and command line) whose command line or environment contains `needle`: Chromium's crash
 * handlers leave its process group and name no profile, but inherit TMPDIR. This process is left out. */
export function processesNaming(needle: string): { pid: number; cmdline: string }[] {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    let environ = '';
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
    } catch {
      // Another user's process: its command line has to do.
    }
    if (cmdline.includes(needle) || environ.includes(needle)) found.push({ pid: Number(entry), cmdline });
  }
  return found;
}

/** Waits up to `ms` for no process to name `needle` (a browser's children go a moment after it). */
export async function processesLeft(needle: string, ms = 3_000): Promise<string[]> {
  const until = Date.now() + ms;
  for (;;) {
    const left = processesNaming(needle).map((p) => `${p.pid} ${p.cmdline.slice(0, 160)}`);
    if (left.length === 0 || Date.now() > until) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What is left in a build's TMPDIR once the cleaning has had `ms` to finish: a killed build's folder is removed by
 * its watchdog (browser.ts), a process of its own that ends after the build has. */
export async function filesLeft(tmp: string, ms = 5_000): Promise<string[]> {
  const until = Date.now() + ms;
  for (;;) {
    const left = await readdir(tmp);
    if (left.length === 0 || Date.now() > until) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A temporary folder for one build's TMPDIR. */
export function buildTmpdir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'book-test-tmpdir-'));
}

export async function guardedRun(command: 'build' | 'check' | 'release', args: string[], env: NodeJS.ProcessEnv = {}): Promise<GuardedRun> {
  const tmp = await buildTmpdir();
  try {
    const run = await runScript(`${command}.ts`, args, { ...OWN_BROWSER, ...env, TMPDIR: tmp });
    return { ...run, leftProcesses: await processesLeft(tmp), strayFiles: await filesLeft(tmp) };
  } finally {
    await removeDir(tmp);
  }
}

/** SHA-256 of every file under a folder by relative path, the build cache (`.cache/`) left out: what a
 * reader of the output folder sees. Missing folder: empty. */
export async function outputDigest(dir: string): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  const walk = async (at: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(at, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) {
        if (!(at === dir && entry.name === '.cache')) await walk(full);
      } else if ((await stat(full)).isFile()) {
        sums[path.relative(dir, full)] = createHash('sha256').update(await readFile(full)).digest('hex');
      }
    }
  };
  await walk(dir);
  return Object.fromEntries(Object.entries(sums).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A copy of a shared build's output folder to run a build against (a shared build is read-only). */
export async function copyOfOutput(from: string, to: string): Promise<string> {
  await cp(from, to, { recursive: true, preserveTimestamps: true });
  return to;
}
