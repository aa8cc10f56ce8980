#!/usr/bin/env node
// `npm run build|check|preview|release|bench` start here: `node scripts/run.mjs <command> [options]`.
// The commands are TypeScript. Run through tsx, every import went through its loader thread, half a second of
// each start (a cold 1× build: 1.15 s to the first line of output, 0.6 s from a bundle). So the commands are
// bundled with esbuild, the installed packages left outside, into .cache/cli/<key of scripts/>/ (inside
// the repository, so the bundle finds the repository by walking up even where node_modules is a link), made
// again whenever a file under scripts/ changes. Plain JavaScript: it runs before any loader.
// No source maps: Node reads them as each module loads, which gave back most of the gain. A stack trace of
// the TypeScript itself: `npx tsx scripts/<command>.ts`. The build command also runs from a script with its
// packages inside and V8's code cache beside it (runScript below).
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { isMainThread, MessageChannel, Worker, workerData } from 'node:worker_threads';

const COMMANDS = ['build', 'check', 'preview', 'release', 'bench'];
/**
 * The commands also bundled as one script each, the packages they load inside, run from a V8 code cache (see
 * runScript). `npm run build` only: its start is what issue 24 times; the others start as modules.
 */
const SCRIPT_COMMANDS = ['build'];
/**
 * The worker threads a script command starts, by name and source, bundled as scripts beside it and run from a code cache of their
 * own (runThreadScript): the citation threads (citeproc, the style) and the threads marking the tagged PDF's
 * content (pdf-lib, the content parser), which a one-off build starts on more than two cores.
 */
const THREAD_SCRIPTS = { 'citation-worker': 'lib/citations/citation-worker.ts', 'mark-worker': 'lib/print/mark-worker.ts' };
/**
 * The module the build command's Chromium starts from, bundled as a small script of its own (~14 KB) and run
 * before the command's script is compiled (startEarlyChromium).
 */
const EARLY_CHROMIUM_SCRIPT = 'lib/early-chromium.ts';
/**
 * Packages a command's script leaves to Node: native code (sharp), tools run on demand (esbuild, zx), what a
 * build loads only on some paths (bwip-js for an ISBN, chokidar for --watch, citation-js for BibTeX, hyphen's
 * patterns by name) and what puppeteer imports but a build never runs (typescript through cosmiconfig, for a
 * configuration file in TypeScript; the proxy agents; the WebDriver BiDi protocol; its downloader's unpackers).
 * The rest are small enough to read at every start and worth not compiling.
 */
const OUTSIDE_SCRIPTS = ['sharp', 'esbuild', 'zx', 'bwip-js', 'chokidar', '@citation-js/core', '@citation-js/plugin-bibtex', 'hyphen', 'typescript', 'proxy-agent', 'chromium-bidi', 'yargs', 'extract-zip', 'tar-fs'];
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

/** An esbuild plugin: every installed package is bundled but those named (and the built-ins). */
function packagesInsideBut(outside) {
  return {
    name: 'packages-inside-but',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
        return args.path.startsWith('node:') || outside.includes(name) ? { path: args.path, external: true } : undefined;
      });
    },
  };
}

/**
 * Writes a script's few characters beyond ASCII as `\u` escapes. esbuild escapes them in strings, not in comments
 * and regular expressions (the packages' dashes, quotes, a locale's words): read as UTF-8 they made the whole
 * script a string of two bytes a character, decoded at every start (~60 ms of 7 MB, against ~2 ms as Latin-1).
 * An escape means the same code unit in a regular expression, with or without the `u` flag, and nothing in a
 * comment; left as it is when a backslash stands before such a character (an escape of its own).
 */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  if (!/[^\x00-\x7f]/.test(text) || /\\[^\x00-\x7f]/.test(text)) return;
  writeFileSync(file, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
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
    // and the rest: ~0.18 s of processor time); bundled, ~0.06 s and ~0.11 s. And citeproc, one CommonJS file
    // of a megabyte, which Node would scan for its export names before importing it (cjs-module-lexer, ~80 ms).
    plugins: [packagesOutsideBut(['pdf-lib', 'epub-gen-memory', 'citeproc'])],
    // A CommonJS file bundled into an ES module that requires a built-in (epub-gen-memory's packages do:
    // `require("fs")`) finds it through esbuild's `__require`, which uses a `require` in scope when there is one.
    banner: { js: "import { createRequire as __bookCreateRequire } from 'node:module'; const require = __bookCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
  // The script commands and their threads: CommonJS, so a `vm.Script` can run them (Node 20 gives an ES module no
  // cached data), and beside the modules, which the other commands and their threads run.
  // `import.meta` becomes what runScript passes; `import()` becomes `require`, which a script has.
  await build({
    entryPoints: [
      ...SCRIPT_COMMANDS.map((command) => ({ in: path.join(scriptsDir, `${command}.ts`), out: command })),
      ...Object.entries(THREAD_SCRIPTS).map(([name, source]) => ({ in: path.join(scriptsDir, source), out: name })),
      { in: path.join(scriptsDir, EARLY_CHROMIUM_SCRIPT), out: 'early-chromium' },
    ],
    outdir: temporary,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    supported: { 'dynamic-import': false },
    define: { 'import.meta': '__bookImportMeta' },
    // jsonc-parser's main file is UMD, whose modules require each other through the factory's own `require`,
    // which esbuild leaves to run time (and Node then looks for them beside the script); its ES modules bundle.
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
    plugins: [packagesInsideBut(OUTSIDE_SCRIPTS)],
    logLevel: 'error',
  });
  for (const name of [...SCRIPT_COMMANDS, ...Object.keys(THREAD_SCRIPTS), 'early-chromium']) asciiOnly(path.join(temporary, `${name}.cjs`));
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

/** The code cache of a script beside it: named after Node's version and the processor too. */
function codeCacheFile(file) {
  return `${file}.${process.version}-${process.arch}.v8cache`;
}

/**
 * A script compiled with its code cache beside it (readCodeCache) when there is one that V8 takes. `fresh` says
 * the cache is missing, damaged or refused: the caller makes one once the script has run well.
 */
function compileScript(file) {
  const bytes = readFileSync(file);
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  // One line before the source: its lines keep their numbers in stack traces. A hashbang is no statement.
  const wrapped = `(function (exports, require, module, __filename, __dirname, __bookImportMeta) {${source.replace(/^#!/, '//')}\n})`;
  const cache = readCodeCache(codeCacheFile(file));
  const script = new vm.Script(wrapped, { filename: file, cachedData: cache?.data });
  const accepted = cache !== undefined && !script.cachedDataRejected;
  return { script, fresh: !accepted, everyFormat: accepted && cache.everyFormat };
}

function execute(script, file) {
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file), { url: pathToFileURL(file).href });
  return module.exports;
}

/**
 * Starts the build's Chromium (scripts/lib/early-chromium.ts) before the build's script is compiled from its
 * code cache, which takes 0.2-0.3 s of the start: Chromium's own start (~1 s to a tab) is the longest way to a
 * small book's first page. The build takes the process over; if anything fails here, the build starts
 * Chromium itself, as without this.
 */
function startEarlyChromium(file) {
  try {
    execute(compileScript(file).script, file).startBuildChromium(process.argv.slice(2));
  } catch {
    // The build starts its own.
  }
}

/**
 * Runs a command's script (`<command>.cjs`) from V8's code cache beside it. Much of a build's first second was
 * V8 compiling code that runs once, the pipeline's and its packages' (puppeteer, zod, yaml, markdown-it,
 * citeproc, …); the cache holds the bytecode of every function a whole build compiled, which later runs read
 * instead. A cache of the program, like the bundle, never of the book (`--no-cache` is about the book):
 * - named after the bundle (its folder, never rewritten in place), Node's version and the processor; V8 also
 *   refuses data of another V8, other flags or a script of another length (`cachedDataRejected`);
 * - made at the exit of a build that succeeded with none there or with one V8 refused, and made again once by
 *   the first successful build of every format when a build of fewer formats made it (it lacks the rest);
 * - written beside and renamed, its SHA-256 first: a missing, damaged or refused file only means compiling, as
 *   without a cache.
 * The threads of THREAD_SCRIPTS it starts run from theirs under the same rules (threadStarter).
 */
function runScript(file) {
  const { script, fresh, everyFormat: cachedEveryFormat } = compileScript(file);
  const everyFormat = !process.argv.some((arg) => /^--(format|watch)(=|$)/.test(arg));
  const threadCaches = new Map();
  process.once('exit', (code) => {
    if (code !== 0) return;
    if (fresh || (everyFormat && !cachedEveryFormat)) writeCodeCache(codeCacheFile(file), script.createCachedData(), everyFormat);
    for (const [threadFile, data] of threadCaches) writeCodeCache(codeCacheFile(threadFile), data, true);
  });
  globalThis[THREAD_STARTER] = threadStarter(path.dirname(file), threadCaches);
  execute(script, file);
}

/**
 * What scripts/lib/start-thread.ts asks, when it is there, to start a thread whose module is `url`: a thread
 * running this file, which runs the module's script from its code cache (runThreadScript), or undefined for a
 * module without a script. A thread that compiled its script sends the code cache when it has done its first job
 * (scripts/lib/start-thread.ts threadWorked); it is written into `caches` and, at a successful exit, beside the
 * script: a thread never writes, and a failed build leaves the cache as it was.
 */
function threadStarter(dir, caches) {
  return (url) => {
    if (url.protocol !== 'file:') return undefined;
    const name = path.basename(fileURLToPath(url), '.js');
    const file = path.join(dir, `${name}.cjs`);
    if (path.dirname(fileURLToPath(url)) !== dir || !Object.hasOwn(THREAD_SCRIPTS, name) || !existsSync(file)) return undefined;
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (data) => caches.set(file, Buffer.from(data)));
    port1.unref();
    return new Worker(new URL(import.meta.url), { workerData: { [THREAD_SCRIPT]: file, port: port2 }, transferList: [port2] });
  };
}

/** The global through which the script's threads are started (scripts/lib/start-thread.ts). */
const THREAD_STARTER = Symbol.for('book.startThread');
/** The global a thread's script calls when a job is done (scripts/lib/start-thread.ts threadWorked). */
const THREAD_WORKED = Symbol.for('book.threadWorked');
/** The key of workerData naming the script a thread of this file runs. */
const THREAD_SCRIPT = 'bookThreadScript';

/** In a thread of threadStarter: runs its script, and sends its code cache after the first job if it compiled. */
function runThreadScript(file, port) {
  const { script, fresh } = compileScript(file);
  if (fresh) {
    // Called before the job's answer goes: a build may end the thread as soon as it has it.
    globalThis[THREAD_WORKED] = () => {
      globalThis[THREAD_WORKED] = undefined;
      try {
        const data = script.createCachedData();
        port.postMessage(data);
      } catch {
        // No cache: the next run compiles, as this one did. The job's answer still goes.
      }
      port.close();
    };
  } else port.close();
  execute(script, file);
}

/** The file's header: SHA-256 of the rest, then 1 when a build of every format made it, 0 when one of fewer. */
const CACHE_HEADER = 33;

/** The code cache and who made it, when the file is there and whole; V8 then judges whether it fits. */
function readCodeCache(file) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length <= CACHE_HEADER || !createHash('sha256').update(bytes.subarray(32)).digest().equals(bytes.subarray(0, 32))) return undefined;
  return { data: bytes.subarray(CACHE_HEADER), everyFormat: bytes[32] === 1 };
}

function writeCodeCache(file, data, everyFormat) {
  const body = Buffer.concat([Buffer.from([everyFormat ? 1 : 0]), data]);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([createHash('sha256').update(body).digest(), body]));
    renameSync(temporary, file);
  } catch {
    // A folder that cannot be written: the next run compiles, as this one did.
    rmSync(temporary, { force: true });
  }
}

async function runCommand() {
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
  const script = path.join(dir, `${command}.cjs`);
  const early = path.join(dir, 'early-chromium.cjs');
  if (command === 'build' && existsSync(script) && existsSync(early)) startEarlyChromium(early);
  if (SCRIPT_COMMANDS.includes(command) && existsSync(script)) runScript(script);
  else await import(pathToFileURL(path.join(dir, `${command}.js`)).href);
}

if (!isMainThread && workerData?.[THREAD_SCRIPT]) runThreadScript(workerData[THREAD_SCRIPT], workerData.port);
else await runCommand();
