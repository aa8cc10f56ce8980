import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './output.ts';
import { libDir, packageDir, packageVersion, projectRoot } from './paths.ts';

/** The code that runs in a page: our own, each bundled from TypeScript into one script, and Paged.js made smaller. */
export const PAGE_BUNDLES = {
  /** The print runtime, loaded after Paged.js (print/runtime/index.ts). */
  'print-runtime': { entry: path.join(libDir, 'print', 'runtime', 'index.ts'), bundled: true },
  /** The preview's page around the frames (preview/client/shell.ts). */
  'preview-shell': { entry: path.join(libDir, 'preview', 'client', 'shell.ts'), bundled: true },
  /**
   * Paged.js's script, minified to little more than half: every byte of it comes to a print document through the
   * build's answer to its request, and the page waits for it before anything is laid out. Minified here, not
   * the package's own `paged.polyfill.min.js`, to keep the classes' names, by which the runtime finds Paged.js's
   * handlers (pagedjs-fixes.ts, resume-layout.ts).
   */
  pagedjs: { entry: path.join(packageDir('pagedjs'), 'dist', 'paged.polyfill.js'), bundled: false },
} as const;

export type PageBundle = keyof typeof PAGE_BUNDLES;

/** What a bundle on disk was made from: esbuild's version and each input file's digest. */
interface CachedBundle {
  esbuild: string;
  inputs: Record<string, string>;
  code: string;
}

const cacheDir = path.join(projectRoot, '.cache', 'page-bundles');
const made = new Map<PageBundle, Promise<string>>();

const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/**
 * The script of a page bundle: esbuild's bundle of its entry and everything it imports, as one classic
 * script (an IIFE: a print document loads it by a script tag after Paged.js). Made on first use and kept
 * in `.cache/page-bundles/` inside the repository with the digest of every file it was made from, so a
 * fresh clone makes it once and a changed source makes it again; a process asks the disk once.
 */
export function pageBundle(name: PageBundle): Promise<string> {
  let bundle = made.get(name);
  if (!bundle) {
    bundle = cachedOrBuilt(name);
    made.set(name, bundle);
    // A failed bundle is tried again by the next caller (a watching build after the fix).
    bundle.catch(() => made.delete(name));
  }
  return bundle;
}

async function cachedOrBuilt(name: PageBundle): Promise<string> {
  const file = path.join(cacheDir, `${name}.json`);
  const esbuild = packageVersion('esbuild');
  const cached = await readFile(file, 'utf8').then((text) => JSON.parse(text) as CachedBundle, () => undefined);
  if (cached?.esbuild === esbuild && (await unchanged(cached.inputs))) return cached.code;
  const { build } = await import('esbuild');
  const { entry, bundled } = PAGE_BUNDLES[name];
  const result = await build({
    entryPoints: [entry],
    platform: 'browser',
    target: 'chrome120',
    write: false,
    metafile: true,
    absWorkingDir: projectRoot,
    logLevel: 'silent',
    legalComments: 'none',
    // Ours: one classic script, its names readable in a stack trace from Chromium. Paged.js: its own script as it
    // is (a UMD file that sets `window.PagedPolyfill`), minified with its names kept.
    ...(bundled ? { bundle: true, format: 'iife' as const, minify: false } : { bundle: false, minify: true, keepNames: true }),
  });
  const code = (result.outputFiles[0] as { text: string }).text;
  // esbuild names the inputs relative to the repository (absWorkingDir).
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs).sort()) inputs[input] = sha(await readFile(path.join(projectRoot, input)));
  await writeFileAtomic(file, JSON.stringify({ esbuild, inputs, code } satisfies CachedBundle));
  return code;
}

async function unchanged(inputs: Record<string, string>): Promise<boolean> {
  const digests = await Promise.all(Object.entries(inputs).map(async ([input, digest]) => (await readFile(path.join(projectRoot, input)).then(sha, () => '')) === digest));
  return digests.every(Boolean);
}
