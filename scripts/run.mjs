#!/usr/bin/env node
// `npm run build|check|preview|release|bench` start here: `node scripts/run.mjs <command> [options]`.
// The commands are TypeScript. Run through tsx, every import went through its loader thread, half a second of
// each start (a cold 1× build: 1.15 s to the first line of output, 0.6 s from a bundle). So the commands are
// bundled with esbuild, the installed packages left outside, into .cache/cli/<key of scripts/>/ (inside
// the repository, so the bundle finds the repository by walking up even where node_modules is a link), made
// again whenever a file under scripts/ changes. Plain JavaScript: it runs before any loader.
// No source maps: Node reads them as each module loads, which gave back most of the gain. A stack trace of
// the TypeScript itself: `npx tsx scripts/<command>.ts`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const COMMANDS = ['build', 'check', 'preview', 'release', 'bench'];
const scriptsDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(scriptsDir);

/** Every TypeScript file under scripts/, as paths relative to it, sorted. Walked folder by folder: Node 20's
 * `readdirSync(…, { recursive: true })` took ~10 ms here, this ~1 ms. */
function sources(dir = scriptsDir, relative = '', found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const name = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) sources(path.join(dir, entry.name), name, found);
    else if (entry.isFile() && entry.name.endsWith('.ts')) found.push(name);
  }
  return relative ? found : found.sort();
}

/**
 * Names the bundle after what it is made from: esbuild's version, this file and each source's name, size, modification
 * time (to the nanosecond) and inode. Looking at the files, not reading them: every start pays for this check,
 * and a source saved again (an editor's save writes a new file or a new time) makes a new bundle, even unchanged.
 */
function bundleKey() {
  const hash = createHash('sha256');
  hash.update(JSON.parse(readFileSync(path.join(root, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version);
  // This file too: it says how the bundle is made.
  for (const file of ['run.mjs', ...sources()]) {
    const { size, mtimeNs, ino } = statSync(path.join(scriptsDir, file), { bigint: true });
    hash.update(`\0${file}\0${size} ${mtimeNs} ${ino}`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** An esbuild plugin: every installed package is left to Node (as `packages: 'external'` does), but those named
 * and the packages they import. */
function packagesOutsideBut(bundled) {
  return {
    name: 'packages-outside-but',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:')) return { path: args.path, external: true };
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
        // A package named, and whatever a file of an installed package imports: only the named ones are read.
        const inside = bundled.includes(name) || args.importer.includes(`${path.sep}node_modules${path.sep}`);
        return inside ? undefined : { path: args.path, external: true };
      });
    },
  };
}

/** Bundles every command into `dir`: written beside it and renamed, so a run never sees half a bundle. */
async function bundle(dir) {
  const { build, stop } = await import('esbuild');
  const temporary = `${dir}.${process.pid}.tmp`;
  await build({
    // The commands, and the modules of the threads that mark the tagged PDF's content (scripts/lib/print/
    // marking-workers.ts) and render citations (scripts/lib/citations/citation-pool.ts): each starts its own from
    // beside the chunks.
    entryPoints: [
      ...COMMANDS.map((command) => ({ in: path.join(scriptsDir, `${command}.ts`), out: command })),
      { in: path.join(scriptsDir, 'lib', 'print', 'mark-worker.ts'), out: 'mark-worker' },
      { in: path.join(scriptsDir, 'lib', 'citations', 'citation-worker.ts'), out: 'citation-worker' },
    ],
    outdir: temporary,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The installed packages stay outside, but for pdf-lib and epub-gen-memory, both loaded while Chromium lays
    // out the book, on the core its layout would otherwise have to itself: as packages, Node resolves and loads
    // their CommonJS files one by one (pdf-lib's ~300: ~0.13 s; epub-gen-memory's with jszip, ejs, htmlparser2
    // and the rest: ~0.18 s of processor time); bundled, ~0.06 s and ~0.11 s.
    plugins: [packagesOutsideBut(['pdf-lib', 'epub-gen-memory'])],
    // A CommonJS file bundled into an ES module that requires a built-in (epub-gen-memory's packages do:
    // `require("fs")`) finds it through esbuild's `__require`, which uses a `require` in scope when there is one.
    banner: { js: "import { createRequire as __bookCreateRequire } from 'node:module'; const require = __bookCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
  // esbuild's service process (~40 MB) would otherwise live as long as the command.
  await stop();
  try {
    renameSync(temporary, dir);
  } catch (error) {
    // Another command made the same bundle at the same time: theirs is as good.
    rmSync(temporary, { recursive: true, force: true });
    if (!existsSync(dir)) throw error;
  }
  // Older bundles go after a day: a command still running from one (a preview) may yet load a chunk of it.
  for (const name of readdirSync(path.dirname(dir))) {
    const other = path.join(path.dirname(dir), name);
    if (other !== dir && Date.now() - statSync(other).mtimeMs > 24 * 3600_000) rmSync(other, { recursive: true, force: true });
  }
}

const command = process.argv[2];
if (!COMMANDS.includes(command ?? '')) {
  console.error(`usage: node scripts/run.mjs <${COMMANDS.join('|')}> [options]`);
  process.exit(2);
}
const dir = path.join(root, '.cache', 'cli', bundleKey());
if (!existsSync(dir)) {
  mkdirSync(path.dirname(dir), { recursive: true });
  try {
    await bundle(dir);
  } catch (error) {
    console.error(`cannot bundle the commands in scripts/: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
// The command reads its options from process.argv.slice(2), as when tsx ran it.
process.argv.splice(1, 2, path.join(scriptsDir, `${command}.ts`));
await import(pathToFileURL(path.join(dir, `${command}.js`)).href);
