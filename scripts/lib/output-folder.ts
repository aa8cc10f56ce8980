import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { UsageError } from './cli-args.ts';
import type { Format } from './formats.ts';
import { atInterrupt } from './interrupt.ts';
import { isInside, realPathOf } from './manuscript-files.ts';
import { writeFileAtomic } from './output.ts';
import { projectRoot } from './paths.ts';

/**
 * The output folder (`--out`) and how a build fills it. A build writes every format into a staging folder
 * inside it and moves them into place only when all of them succeeded: a failed or interrupted build leaves
 * the previous PDF, EPUB and web edition as they were, never a mix of old and new. The folder is the
 * pipeline's own: a marker file lists what it wrote there, and a folder it did not write is refused (unless
 * `--force`), as are folders no build may write into at all.
 */

/** Marks a folder as a build's output and lists what builds wrote in it. */
export const OUTPUT_MARKER = '.book-output.json';
/** Staging folders are named with the builder's process id, so a later build can tell a dead one's. */
const STAGING_PREFIX = '.book-staging-';

interface Marker {
  /** What builds have written at the top of the output folder (files and the web edition's folder). */
  written: string[];
}

/** What a build of the pipeline leaves in an output folder, for folders from before the marker existed. */
const OWN_ENTRY = /^(?:\.cache|web|release|[^/]+\.(?:pdf|epub)|[^/]+-proof\.(?:html|png)|\.[^/]+\.[0-9a-f]{8}\.(?:tmp|old)|\.book-staging-.*|\.book-output\.json)$/;
/** The files of a web edition, for one from before the marker existed. */
const WEB_EDITION_FILES = ['index.html', 'web.css', 'theme.js', 'fonts.css'];

export interface OutputFolderOptions {
  outDir: string;
  manuscriptDir: string;
  formats: readonly Format[];
  /** `--force`: write into a non-empty folder that is not a previous output, replace a web/ not ours. */
  force?: boolean;
}

function readMarker(outDir: string): Marker | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path.join(outDir, OUTPUT_MARKER), 'utf8')) as Partial<Marker>;
    return { written: Array.isArray(parsed.written) ? parsed.written.filter((w): w is string => typeof w === 'string') : [] };
  } catch {
    return undefined;
  }
}

/** Whether `web/` in the output folder is a web edition a build wrote (then a build may replace it). */
function webIsOurs(outDir: string, marker: Marker | undefined): boolean {
  const web = path.join(outDir, 'web');
  if (!existsSync(web)) return true;
  if (marker) return marker.written.includes('web');
  return WEB_EDITION_FILES.every((name) => existsSync(path.join(web, name)));
}

/**
 * Refuses, before any work, an output folder a build must not write into: a file; `/`, the home folder, the
 * repository, the manuscript folder or a folder holding either; a non-empty folder that is not a previous
 * output (unless `--force`); a `web/` in it the pipeline did not write (unless `--force`). Throws UsageError
 * (exit 2). Also clears staging folders left by builds that died.
 */
export function checkOutputFolder({ outDir, manuscriptDir, formats, force = false }: OutputFolderOptions): void {
  const shown = path.relative(process.cwd(), outDir) || '.';
  const real = realPathOf(outDir).real;
  const info = statSync(outDir, { throwIfNoEntry: false });
  if (info && !info.isDirectory()) throw new UsageError(`--out ${shown} is a file, not a folder: name a folder for the book`);
  const never: [string, string][] = [
    ['/', 'the root of the file system'],
    [homedir(), 'your home folder'],
    [projectRoot, 'the repository'],
    [manuscriptDir, 'the manuscript folder'],
  ];
  for (const [folder, what] of never) {
    const realFolder = realPathOf(folder).real;
    if (real === realFolder) throw new UsageError(`--out ${shown} is ${what}: a build writes its files into a folder of their own (the default is build/)`);
    if (folder !== '/' && isInside(real, realFolder)) {
      throw new UsageError(`--out ${shown} holds ${what} (${realFolder}): a build replaces what it wrote there, and must never reach it`);
    }
  }
  if (!info) return;
  clearDeadStaging(outDir);
  const entries = readdirSync(outDir);
  const marker = readMarker(outDir);
  if (force) return;
  const previous = marker !== undefined || entries.every((name) => OWN_ENTRY.test(name));
  if (!previous) {
    const foreign = entries.filter((name) => !OWN_ENTRY.test(name));
    throw new UsageError(
      `--out ${shown} is not empty and not a previous build's output (it holds ${foreign.slice(0, 3).map((n) => `"${n}"`).join(', ')}${foreign.length > 3 ? ', …' : ''}): ` +
        'name an empty or new folder, or pass --force to write beside what is there',
    );
  }
  if (formats.includes('web') && !webIsOurs(outDir, marker)) {
    throw new UsageError(`--out ${shown} has a web/ folder the build did not write: a build replaces web/ whole, so move it away, or pass --force to replace it`);
  }
}

/** Staging folders of builds whose process is gone (killed): nothing will move them into place. */
function clearDeadStaging(outDir: string): void {
  for (const name of readdirSync(outDir)) {
    const pid = Number(/^\.book-staging-(\d+)-/.exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(pid) || processAlive(pid)) continue;
    rmSync(path.join(outDir, name), { recursive: true, force: true });
  }
}

/** Whether a process of this pid exists (one of another user's counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface Staging {
  /** Where the targets write. */
  dir: string;
  /** Moves everything written into the output folder; returns a function giving each staged path its final one. */
  commit(): Promise<(file: string) => string>;
  /** Removes what is left (after commit: nothing but the folder; after a failure: the new files). */
  discard(): Promise<void>;
}

/** A staging folder inside the output folder (same file system, so moving in is a rename). */
export async function openStaging(outDir: string): Promise<Staging> {
  await mkdir(outDir, { recursive: true });
  const dir = path.join(outDir, `${STAGING_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir);
  // An interrupted build removes it (interrupt.ts); a killed one's is removed by the next build here.
  const forget = atInterrupt(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    async commit() {
      const names = (await readdir(dir)).sort();
      const replaced: string[] = [];
      // Every file and folder first goes in by rename: readers see the old or the new, and a folder already
      // there (web/) steps aside first, since rename() cannot replace a non-empty folder.
      for (const name of names) {
        const from = path.join(dir, name);
        const to = path.join(outDir, name);
        if (!(await stat(from)).isDirectory()) {
          await rename(from, to);
          continue;
        }
        // Another build into the same folder may put its own in between: step that one aside too.
        for (let attempt = 0; ; attempt++) {
          const aside = path.join(outDir, `.${name}.${randomBytes(4).toString('hex')}.old`);
          try {
            await rename(to, aside);
            replaced.push(aside);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          }
          try {
            await rename(from, to);
            break;
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= 10) throw error;
          }
        }
      }
      for (const aside of replaced) await rm(aside, { recursive: true, force: true });
      const marker = readMarker(outDir);
      const written = [...new Set([...(marker?.written ?? []), ...names])].sort();
      await writeFileAtomic(path.join(outDir, OUTPUT_MARKER), `${JSON.stringify({ written }, null, 2)}\n`);
      return (file: string) => (isInside(dir, file) ? path.join(outDir, path.relative(dir, file)) : file);
    },
    async discard() {
      await rm(dir, { recursive: true, force: true });
      forget();
    },
  };
}

/** Records in the marker something written into the output folder outside staging (the release folder). */
export async function markWritten(outDir: string, name: string): Promise<void> {
  const marker = readMarker(outDir);
  if (marker?.written.includes(name)) return;
  const written = [...new Set([...(marker?.written ?? []), name])].sort();
  await writeFileAtomic(path.join(outDir, OUTPUT_MARKER), `${JSON.stringify({ written }, null, 2)}\n`);
}
