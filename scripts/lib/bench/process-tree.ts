import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { projectRoot } from '../paths.ts';

/**
 * Memory of a process and all its descendants, read from /proc (Linux). Chromium's processes share most of
 * their pages, so summing RSS counts them many times; PSS (each shared page divided among its users) sums
 * to what the tree really holds.
 */
export async function treeRssBytes(rootPid: number): Promise<number> {
  const parents = new Map<number, number>();
  const seen = new Set<number>();
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      parents.set(pid, ppid);
      seen.add(pid);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  for (const pid of seen) {
    for (let p: number | undefined = pid; p !== undefined && p > 0; p = parents.get(p)) {
      if (p === rootPid) {
        total += await pssBytes(pid);
        break;
      }
    }
  }
  return total;
}

async function pssBytes(pid: number): Promise<number> {
  try {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Samples a process tree's memory until stopped; reports the peak. */
export function sampleTreePeak(rootPid: number, intervalMs = 250): { stop(): Promise<number> } {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, await treeRssBytes(rootPid));
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return peak;
    },
  };
}

export interface TimedProcess {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from the spawn to the exit. */
  seconds: number;
  /** Peak memory of the process tree (0 unless measured). */
  peakBytes: number;
}

/** Runs Node on `args` from the repository, timed from spawn to exit, sampling the tree's memory if asked. */
export async function runTimed(args: string[], options: { env?: NodeJS.ProcessEnv; measureMemory: boolean }): Promise<TimedProcess> {
  return runTimedCommand(process.execPath, args, options);
}

/** Runs a command from the repository, timed from spawn to exit, sampling the tree's memory if asked. */
export async function runTimedCommand(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; measureMemory: boolean }): Promise<TimedProcess> {
  const start = performance.now();
  const child = spawn(command, args, { cwd: options.cwd ?? projectRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const sampler = options.measureMemory ? sampleTreePeak(child.pid ?? 0) : undefined;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', resolve);
  });
  const seconds = (performance.now() - start) / 1000;
  return { code, stdout, stderr, seconds, peakBytes: (await sampler?.stop()) ?? 0 };
}
