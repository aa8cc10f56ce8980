import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, CDPSession, Page } from 'puppeteer';

/** The V8 CPU profile Chromium's Profiler domain returns (Profiler.Profile). */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A function's time in a profile: its own (self) and with what it called (total), in milliseconds. */
export interface ProfiledFunction {
  name: string;
  selfMs: number;
  totalMs: number;
}

/** Time per function, heaviest own time first. A function that calls itself counts a sample once in its total. */
export function profileFunctions(profile: CpuProfile): ProfiledFunction[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const nameOf = (id: number): string => {
    const { functionName, url, lineNumber } = (byId.get(id) as CpuProfile['nodes'][number]).callFrame;
    const file = url ? `${url.replace(/^.*\//, '')}:${lineNumber + 1}` : '';
    return `${functionName || '(anonymous)'}${file ? ` ${file}` : ''}`;
  };
  const functions = new Map<string, ProfiledFunction>();
  const entry = (name: string): ProfiledFunction => {
    let found = functions.get(name);
    if (!found) functions.set(name, (found = { name, selfMs: 0, totalMs: 0 }));
    return found;
  };
  profile.samples.forEach((id, k) => {
    // A sample's time is the gap to the next one.
    const ms = (profile.timeDeltas[k + 1] ?? 0) / 1000;
    entry(nameOf(id)).selfMs += ms;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = nameOf(at);
      if (seen.has(name)) continue;
      seen.add(name);
      entry(name).totalMs += ms;
    }
  });
  return [...functions.values()].sort((a, b) => b.selfMs - a.selfMs);
}

/** A profile's heaviest functions as text: own time, total time, name. */
export function profileSummary(profile: CpuProfile, top = 40): string {
  const functions = profileFunctions(profile);
  const wall = (profile.endTime - profile.startTime) / 1000;
  const lines = [`profiled ${wall.toFixed(0)} ms; self ms, total ms, function (by self time):`];
  for (const f of functions.slice(0, top)) lines.push(`${f.selfMs.toFixed(1).padStart(8)} ${f.totalMs.toFixed(1).padStart(8)}  ${f.name}`);
  lines.push('', 'by total time:');
  for (const f of [...functions].sort((a, b) => b.totalMs - a.totalMs).slice(0, top)) lines.push(`${f.selfMs.toFixed(1).padStart(8)} ${f.totalMs.toFixed(1).padStart(8)}  ${f.name}`);
  return `${lines.join('\n')}\n`;
}

let profiled = 0;
let tracing = false;

/** The trace's categories: the renderer's style, layout and script events, forced layouts with their stacks. */
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.stack', 'v8.execute', 'blink', 'blink.user_timing'];

/**
 * Internal, for measuring where a layout tab's time goes (docs/performance.md), both off by default (each slows
 * the page):
 * - BOOK_PAGE_PROFILE set to a folder: V8's sampling profiler records each tab's renderer from before its page
 *   loads until Paged.js is done, and the profile (`document-N.cpuprofile`, for Chrome DevTools) and a summary
 *   of its heaviest functions (`document-N.txt`) are written there. A forced style or layout is counted in the
 *   script function that asked for it.
 * - BOOK_PAGE_TRACE set to a file: a Chromium trace over the same span (one trace per build), with every style
 *   recalculation and layout, and the script stack of each one forced (`Layout`, `UpdateLayoutTree`).
 */
export async function startPageProfile(page: Page): Promise<(() => Promise<void>) | undefined> {
  const traceFile = process.env.BOOK_PAGE_TRACE;
  if (traceFile && !tracing) {
    // Chromium traces one session at a time: the first document's tab records it (the others' renderers are in
    // it too, each its own process id).
    tracing = true;
    await page.tracing.start({ path: traceFile, categories: TRACE_CATEGORIES });
    return async () => void (await page.tracing.stop());
  }
  const folder = process.env.BOOK_PAGE_PROFILE;
  if (!folder) return undefined;
  const number = ++profiled;
  const cdp: CDPSession = await page.createCDPSession();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    await cdp.detach().catch(() => undefined);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, `document-${number}.cpuprofile`), JSON.stringify(profile));
    await writeFile(path.join(folder, `document-${number}.txt`), profileSummary(profile));
  };
}

const rendererCpu = new Map<number, number>();
const browserSessions = new WeakMap<Browser, Promise<CDPSession>>();

/**
 * Internal, for measuring on a busy machine (docs/performance.md): with BOOK_RENDERER_CPU=1, the processor
 * time of Chromium's renderers so far (each renderer's last reading, summed), printed as each document closes;
 * the last line printed is the build's. Processor time moves less with the machine's load than wall time.
 */
export async function noteRendererCpu(browser: Browser): Promise<void> {
  if (process.env.BOOK_RENDERER_CPU !== '1') return;
  // One session with the browser for the build, not one a call: after two sessions had been made and detached
  // while documents opened (held tabs taken), puppeteer no longer found the browser's target at their close.
  let session = browserSessions.get(browser);
  if (!session) browserSessions.set(browser, (session = browser.target().createCDPSession()));
  const { processInfo } = (await (await session).send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number; cpuTime: number }[] };
  for (const info of processInfo) if (info.type === 'renderer') rendererCpu.set(info.id, info.cpuTime);
  const total = [...rendererCpu.values()].reduce((a, b) => a + b, 0);
  process.stderr.write(`renderer processor time: ${total.toFixed(2)} s in ${rendererCpu.size} renderers\n`);
}

let printTraces = 0;
let printTracing = false;

/**
 * Internal, for measuring the print (docs/performance.md), off by default: with BOOK_PRINT_TRACE set to a
 * file, a Chromium trace from just before a document's print until its PDF is back (`<file>-N.json`, one per
 * document printed while no other print is traced: Chromium traces one session at a time), with the
 * renderer's style, layout and paint, the printing and every task's thread time (`toplevel`).
 */
export async function startPrintTrace(page: Page): Promise<(() => Promise<void>) | undefined> {
  const file = process.env.BOOK_PRINT_TRACE;
  if (!file || printTracing) return undefined;
  printTracing = true;
  const number = ++printTraces;
  await page.tracing.start({ path: `${file}-${number}.json`, categories: [...TRACE_CATEGORIES, 'toplevel', 'printing', 'disabled-by-default-devtools.timeline.frame', 'cc', 'gpu', 'viz', 'skia', 'benchmark'] });
  return async () => {
    await page.tracing.stop();
    printTracing = false;
  };
}
