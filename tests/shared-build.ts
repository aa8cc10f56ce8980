import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findChromium } from '../scripts/lib/browser.ts';
import { processAlive } from '../scripts/lib/output-folder.ts';
import { projectRoot, projectVersion } from '../scripts/lib/paths.ts';
import type { Diagnostic } from '../scripts/lib/diagnostics.ts';
import { runScript, type RunResult } from './helpers.ts';

/**
 * A fixture book built once and read by every test that needs it, in this test file or another: the suite's
 * time goes into real builds, and most tests only read what a build wrote. A build is keyed by everything it
 * depends on (the manuscript folder's path and files, the command and its arguments, the pipeline's sources,
 * styles, CSL files, package-lock.json, the Chromium binary), so a change to any of them builds afresh. Builds
 * of one key wait for each other (a lock folder), so two test files never build the same book at once.
 *
 * What a shared build wrote is read-only: a test that changes files in it, or needs a build of its own
 * (a failed build leaving outputs untouched, timing, the cache), builds into its own folder instead.
 */
export interface SharedBuild {
  /** The output folder (`--out`). */
  out: string;
  run: RunResult;
}

const ROOT = path.join(tmpdir(), 'book-test-shared');

export async function sharedBuild(manuscriptDir: string, args: string[] = [], command: 'build' | 'check' | 'release' = 'build', env: Record<string, string> = {}): Promise<SharedBuild> {
  const key = buildKey(path.resolve(manuscriptDir), command, args, env);
  const dir = path.join(ROOT, key);
  const out = path.join(dir, 'out');
  const resultFile = path.join(dir, 'run.json');
  const lock = `${dir}.lock`;
  await mkdir(ROOT, { recursive: true });
  pruneOnce();
  for (;;) {
    const done = await readResult(resultFile);
    if (done) return { out, run: done };
    try {
      await mkdir(lock);
      await writeFile(path.join(lock, 'pid'), String(process.pid));
    } catch {
      // Another process builds this key (two test files run at once): wait for it. A lock whose process is
      // gone (killed) goes, as does one left without its pid for a minute.
      const owner = Number(await readFile(path.join(lock, 'pid'), 'utf8').catch(() => NaN));
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (Number.isInteger(owner) ? !processAlive(owner) : age > 60_000) await rm(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      if (await readResult(resultFile)) continue;
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      // A check builds every format and runs EPUBCheck, Ace, the Nu checker and axe besides: on a busy shared
      // machine that takes minutes.
      const run = await runScript(`${command}.ts`, ['--manuscript', manuscriptDir, '--out', out, ...args], env, Math.max(command === 'build' ? 180_000 : 600_000, Number(process.env.BOOK_TEST_TIMEOUT_MS) || 0));
      // A failed build is not kept: one that failed by accident (a browser killed under load) is tried again.
      if (run.code !== 0) return { out, run };
      const temporary = `${resultFile}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(run));
      await rename(temporary, resultFile);
      return { out, run };
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}

/** SOURCE_DATE_EPOCH of the book's release: 2023-11-14T22:13:20Z. */
export const BOOK_EPOCH = '1700000000';

/** The book's one release in a test run, dated BOOK_EPOCH (see bookRelease). */
export interface BookRelease extends SharedBuild {
  /** The release folder: the files, SHA256SUMS, check-report.txt and check-report.json. */
  dir: string;
  /** check-report.json: every check's findings on every format and the press PDF. */
  report(): Promise<{ diagnostics: Diagnostic[]; summary: { errors: number; warnings: number; infos: number } }>;
}

/**
 * `npm run release` of the book, dated BOOK_EPOCH: every format and the press PDF in `out`, every check run on
 * them (layout, PDF/UA, preflight, EPUBCheck, Ace, axe, the Nu checker), the release folder beside them. The one
 * build of the book that the tests which only read it share: its PDFs, EPUB, web edition and check report.
 */
export async function bookRelease(): Promise<BookRelease> {
  const build = await sharedBuild(path.join(projectRoot, 'manuscript'), [], 'release', { SOURCE_DATE_EPOCH: BOOK_EPOCH });
  const dir = path.join(build.out, 'release', `lenins-strijd-tegen-het-stalinisme-${projectVersion()}`);
  return { ...build, dir, report: async () => JSON.parse(await readFile(path.join(dir, 'check-report.json'), 'utf8')) };
}

let pruned = false;

/** Builds of keys nobody asked for in two days go (each change to the pipeline makes new keys). */
function pruneOnce(): void {
  if (pruned) return;
  pruned = true;
  for (const name of readdirSync(ROOT)) {
    const entry = path.join(ROOT, name);
    if (Date.now() - (statSync(entry, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 2 * 86_400_000) rmSync(entry, { recursive: true, force: true });
  }
}

async function readResult(file: string): Promise<RunResult | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as RunResult;
  } catch {
    return undefined;
  }
}

/** Files under `dir`, relative and sorted; build outputs and caches left out. */
function filesUnder(dir: string, skip: (relative: string) => boolean = () => false): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .filter((relative) => !skip(relative))
    .sort();
}

let pipelineDigest: string | undefined;

/** What every build depends on besides its manuscript: computed once per test process. */
function pipelineKey(): string {
  if (pipelineDigest) return pipelineDigest;
  const hash = createHash('sha256');
  for (const folder of ['scripts', 'styles', 'csl']) {
    const root = path.join(projectRoot, folder);
    for (const file of filesUnder(root)) hash.update(`${folder}/${file}\0`).update(readFileSync(path.join(root, file))).update('\0');
  }
  hash.update(readFileSync(path.join(projectRoot, 'package-lock.json')));
  try {
    const chromium = findChromium();
    const binary = statSync(chromium);
    hash.update(`${chromium} ${binary.size} ${binary.mtimeMs}`);
  } catch {
    hash.update('no chromium');
  }
  pipelineDigest = hash.digest('hex');
  return pipelineDigest;
}

function buildKey(manuscriptDir: string, command: string, args: string[], env: Record<string, string>): string {
  const hash = createHash('sha256');
  hash.update(pipelineKey()).update('\0').update(manuscriptDir).update('\0').update(command).update('\0');
  for (const arg of args) hash.update(arg).update('\0');
  for (const file of filesUnder(manuscriptDir, (relative) => relative.split(path.sep).some((part) => part === '.cache' || part === 'out' || part === 'build'))) {
    hash.update(`${file}\0`).update(readFileSync(path.join(manuscriptDir, file))).update('\0');
  }
  for (const name of ['SOURCE_DATE_EPOCH', 'CHROMIUM_PATH', 'PUPPETEER_EXECUTABLE_PATH']) hash.update(`${name}=${env[name] ?? process.env[name] ?? ''}\0`);
  return hash.digest('hex').slice(0, 24);
}
