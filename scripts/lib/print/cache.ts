import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../output.ts';
import { packageDir, projectRoot, stylesDir } from '../paths.ts';
import type { UnitLayout } from './document-layout.ts';
import type { ParagraphBreaks } from './runtime/contract.ts';

/** Where the print cache lives inside the output folder. */
export function cacheDir(outDir: string): string {
  return path.join(outDir, '.cache', 'print');
}

/** The pipeline's own files that shape a page: the print modules, their in-page runtime, Markdown rendering. */
const PIPELINE_DIRS = ['scripts/lib/print', 'scripts/lib/print/runtime', 'scripts/lib/markdown', 'scripts/lib/config'];

async function filesIn(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => path.join(dir, e.name)).sort();
  } catch {
    return [];
  }
}

export interface EnvironmentInputs {
  /** The font packages the book names (their CSS and the fonts it points to). */
  fontPackages: string[];
  /** Which Chromium (its binary's path, size and date): another engine may break lines differently. */
  browserIdentity: string;
}

/** The environment's key made last in this process, and the browser and files (each by its identity) it was made from. */
let lastEnvironment: { made: string; key: string } | undefined;

/**
 * A digest of everything outside a document that can change its layout: the styles, every installed
 * package version (package-lock.json), the font packages' files, Chromium's version and the pipeline's own
 * source files. A unit's key adds its document and the manuscript files it refers to.
 * Made again only when a file's identity changed (inode, size, modification and change times, to the
 * nanosecond) or a file came or went: a watching build keys its units on every save, and reading the ~330
 * files (most of them the font packages' CSS, one per weight and subset) took 10-16 ms of processor time
 * before its layout, stat-ing them ~1 ms. A file written again, even unchanged, is read again.
 */
export async function environmentKey(inputs: EnvironmentInputs): Promise<string> {
  const files = [
    path.join(projectRoot, 'package-lock.json'),
    ...(await filesIn(stylesDir)),
    ...(await Promise.all(PIPELINE_DIRS.map((d) => filesIn(path.join(projectRoot, d))))).flat(),
  ];
  for (const pkg of inputs.fontPackages) {
    const dir = packageDir(pkg);
    files.push(path.join(dir, 'package.json'), ...(await filesIn(dir)).filter((f) => f.endsWith('.css')));
  }
  const identity = (file: string): string => {
    const found = statSync(file, { bigint: true, throwIfNoEntry: false });
    return found ? `${found.ino} ${found.size} ${found.mtimeNs} ${found.ctimeNs}` : '(missing)';
  };
  const made = [inputs.browserIdentity, ...files.map((file) => `${file}\0${identity(file)}`)].join('\n');
  if (lastEnvironment?.made === made) return lastEnvironment.key;
  const hash = createHash('sha256');
  hash.update(`chromium ${inputs.browserIdentity}\n`);
  const contents = await Promise.all(files.map((file) => readFile(file).catch(() => Buffer.from('(missing)'))));
  files.forEach((file, i) => hash.update(`${path.relative(projectRoot, file)}\n`).update(contents[i] as Buffer));
  const key = hash.digest('hex');
  lastEnvironment = { made, key };
  return key;
}

/** The key of one unit: the environment, its whole document, and each manuscript file its HTML refers to. */
export async function unitKey(environment: string, html: string, manuscriptDir: string): Promise<string> {
  const hash = createHash('sha256').update(environment).update('\0').update(html);
  const references = new Set(Array.from(html.matchAll(/\b(?:src|href)="([^"#:]+)"/g), (m) => m[1] as string));
  for (const reference of [...references].sort()) {
    if (reference.startsWith('/styles/') || reference.startsWith('/pkg/') || reference.startsWith('/runtime/')) continue;
    // Image paths are URL-encoded in the document (a space is %20): the file is named by the decoded path.
    let name = reference.replace(/^\/(manuscript\/)?/, '');
    try {
      name = decodeURIComponent(name);
    } catch {
      // Not encoded after all: hashed as written (a miss at worst).
    }
    const file = path.resolve(manuscriptDir, name);
    hash.update(`\0${reference}\0`);
    hash.update(await readFile(file).catch(() => Buffer.from('(missing)')));
  }
  return hash.digest('hex');
}

/** What the cache keeps of a unit besides its PDF. */
export interface CacheEntry {
  key: string;
  /** The numbers printed into the unit that do not move its layout (numbering.ts PrintedNumbers, as JSON):
   * the PDF is reusable only when they are the same again. */
  printState: string;
  layout: UnitLayout;
  /** The printed document the unit's pages are in, and which pages (1-based, inclusive). */
  document: string;
  pages: [number, number];
  /** The build that printed the document (UnitSource.printed); entries written before it was kept: 0. */
  printed?: number;
  /** Chromium's version string, for the PDF's Producer when no browser is started. */
  browserVersion: string;
}

/** Cache entries as read, by file and the file's identity (a watching build's KeptDocuments). */
export interface KeptEntries {
  entry(file: string, identity: string): CacheEntry | undefined;
  keepEntry(file: string, identity: string, entry: CacheEntry): void;
}

/**
 * Paginated units on disk: one JSON per unit key, pointing into a printed document (`doc-<id>.pdf`, which
 * may hold several units). An entry is served only for the exact key and print state it was made with;
 * anything else is a miss.
 */
export class PrintCache {
  constructor(readonly dir: string) {}

  /** The cache as `--no-cache` leaves it: gone. */
  static async clear(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }

  /**
   * The entry of a unit key, or undefined (a miss). With `kept` (a watching build's), an entry file read
   * before is not read again while it is the same file (inode, size, modification time): an entry is written
   * beside and renamed, never in place, so a rewritten one is another file. What the build takes from an
   * entry it only reads (the layouts are combined into copies), as it does with the documents kept.
   */
  async get(key: string, kept?: KeptEntries): Promise<CacheEntry | undefined> {
    const file = path.join(this.dir, `${key}.json`);
    try {
      let entry: CacheEntry;
      if (kept) {
        const info = await stat(file, { bigint: true }).catch(() => undefined);
        if (!info) return undefined;
        const identity = `${info.ino} ${info.size} ${info.mtimeNs}`;
        const before = kept.entry(file, identity);
        if (before) entry = before;
        else {
          entry = JSON.parse(await readFile(file, 'utf8')) as CacheEntry;
          kept.keepEntry(file, identity, entry);
        }
      } else {
        if (!existsSync(file)) return undefined;
        entry = JSON.parse(await readFile(file, 'utf8')) as CacheEntry;
      }
      if (entry.key !== key || !existsSync(this.documentFile(entry.document))) return undefined;
      return entry;
    } catch {
      return undefined;
    }
  }

  private documentFile(id: string): string {
    return path.join(this.dir, `doc-${id}.pdf`);
  }

  async pdf(document: string): Promise<Uint8Array> {
    return readFile(this.documentFile(document));
  }

  /** A printed document, before the entries that point into it: a crash in between leaves a miss. */
  async putDocument(id: string, pdf: Uint8Array): Promise<void> {
    await writeFileAtomic(this.documentFile(id), pdf);
  }

  /** A printed document's line-breaking decisions, every paragraph's by its key (`LineBreakMemo`). */
  async putLines(document: string, entries: [string, ParagraphBreaks][]): Promise<void> {
    await writeFileAtomic(path.join(this.dir, `lines-${document}.json`), JSON.stringify(entries));
  }

  /** A printed document's line-breaking decisions, or undefined (none kept, or a damaged file). */
  async lines(document: string): Promise<[string, ParagraphBreaks][] | undefined> {
    try {
      const entries = JSON.parse(await readFile(path.join(this.dir, `lines-${document}.json`), 'utf8')) as unknown;
      const valid = Array.isArray(entries) && entries.every((e) => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1]?.html === 'string' && typeof e[1]?.outcome === 'string');
      return valid ? (entries as [string, ParagraphBreaks][]) : undefined;
    } catch {
      return undefined;
    }
  }

  async put(entry: CacheEntry): Promise<void> {
    await writeFileAtomic(path.join(this.dir, `${entry.key}.json`), JSON.stringify(entry));
  }

  /** Drops everything but the given units and their documents, so the cache holds one book, not its history. */
  async prune(keep: { key: string; document: string }[]): Promise<void> {
    const kept = new Set(keep.flatMap(({ key, document }) => [key, `doc-${document}`, `lines-${document}`]));
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    await Promise.all(
      names
        .filter((name) => !kept.has(name.replace(/\.(pdf|json)$/, '')))
        .map(async (name) => {
          const file = path.join(this.dir, name);
          if ((await stat(file)).isFile()) await rm(file, { force: true });
        }),
    );
  }
}
