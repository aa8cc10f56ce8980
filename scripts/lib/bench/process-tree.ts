import { readdir, readFile } from 'node:fs/promises';

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
