import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import vm from 'node:vm';
import { writeSyntheticBook } from '../scripts/lib/bench/synthetic-book.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { copyOfRepository, removeDir } from './helpers.ts';

const copies: string[] = [];
after(async () => {
  for (const dir of copies) await removeDir(dir);
});

/** A copy of the repository's scripts/, sharing its node_modules through a link (as a worktree might). */
async function copyOfScripts(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'run-cli-'));
  copies.push(root);
  await cp(path.join(projectRoot, 'scripts'), path.join(root, 'scripts'), { recursive: true });
  await symlink(path.join(projectRoot, 'node_modules'), path.join(root, 'node_modules'));
  return root;
}

function run(root: string, ...args: string[]): { status: number | null; stderr: string } {
  return runWith({}, root, ...args);
}

function runWith(env: Record<string, string>, root: string, ...args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'run.mjs'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000', ...env } });
  return { status: result.status, stderr: result.stderr };
}

test('scripts/run.mjs runs a bundle of the command, and a changed source makes a new one at once', async () => {
  const root = await copyOfScripts();
  const first = run(root, 'build', '--bogus');
  assert.equal(first.status, 2, first.stderr);
  assert.match(first.stderr, /usage error: .*--bogus/);
  const bench = run(root, 'bench', '--bogus');
  assert.equal(bench.status, 2, bench.stderr);
  assert.match(bench.stderr, /^usage error: .*--bogus/m, 'the bench refuses an unknown option as the other commands do, not as an internal error');
  assert.equal((await readdir(path.join(root, '.cache', 'cli'))).length, 1);

  const cliFile = path.join(root, 'scripts', 'lib', 'run-cli.ts');
  await writeFile(cliFile, (await readFile(cliFile, 'utf8')).replace('usage error: ', 'gebruiksfout: '));
  const second = run(root, 'build', '--bogus');
  assert.match(second.stderr, /gebruiksfout: .*--bogus/, 'the edited source is what runs, not the bundle made before');
  assert.equal((await readdir(path.join(root, '.cache', 'cli'))).length, 2);

  // The check looks at sizes and times, not contents: an edit of the same size is seen too.
  await writeFile(cliFile, (await readFile(cliFile, 'utf8')).replace('gebruiksfout: ', 'GEBRUIKSFOUT: '));
  const third = run(root, 'build', '--bogus');
  assert.match(third.stderr, /GEBRUIKSFOUT: .*--bogus/, 'an edit that keeps the size is what runs');
  assert.equal((await readdir(path.join(root, '.cache', 'cli'))).length, 3);
  const again = run(root, 'build', '--bogus');
  assert.match(again.stderr, /GEBRUIKSFOUT: /);
  assert.equal((await readdir(path.join(root, '.cache', 'cli'))).length, 3, 'nothing changed: the same bundle runs');

  const unknown = run(root, 'publish');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /usage: node scripts\/run\.mjs <build\|check\|preview\|release\|bench>/);
});

/** Every file under `dir` (relative name -> bytes). */
async function filesUnder(dir: string, found = new Map<string, Buffer>(), relative = ''): Promise<Map<string, Buffer>> {
  for (const entry of await readdir(path.join(dir, relative), { withFileTypes: true })) {
    const name = path.join(relative, entry.name);
    if (entry.isDirectory()) await filesUnder(dir, found, name);
    else found.set(name, await readFile(path.join(dir, name)));
  }
  return found;
}

/** A code cache file as run.mjs writes it: SHA-256 of the rest, then whether a build of every format made it. */
function cacheFile(data: Buffer, everyFormat: boolean): Buffer {
  const body = Buffer.concat([Buffer.from([everyFormat ? 1 : 0]), data]);
  return Buffer.concat([createHash('sha256').update(body).digest(), body]);
}

test('the build runs from a code cache of its script, and a damaged, refused or partial one is made again', async () => {
  const root = await copyOfRepository();
  copies.push(root);
  const manuscript = path.join(projectRoot, 'manuscript');
  const build = (out: string, ...args: string[]): void => {
    const result = run(root, 'build', '--manuscript', manuscript, '--out', path.join(root, out), '--no-cache', '--quiet', ...args);
    assert.equal(result.status, 0, result.stderr);
  };
  build('first', '--format', 'web');
  const [bundle] = await readdir(path.join(root, '.cache', 'cli'));
  assert.ok(bundle);
  const names = await readdir(path.join(root, '.cache', 'cli', bundle));
  const name = names.find((n) => n.startsWith('build.cjs.') && n.endsWith('.v8cache')) ?? '';
  assert.ok(name.startsWith(`build.cjs.${process.version}-${process.arch}`), `a code cache named after Node's version beside the bundle: ${names.join(', ')}`);
  assert.ok(!names.some((n) => n.endsWith('.tmp')), 'written beside and renamed');
  const file = path.join(root, '.cache', 'cli', bundle, name);
  const made = await readFile(file);
  assert.equal(made[32], 0, 'made by a build of one format');
  assert.deepEqual(made.subarray(0, 32), createHash('sha256').update(made.subarray(32)).digest());
  const expected = await filesUnder(path.join(root, 'first'));

  const sameAs = async (out: string, why: string): Promise<void> => assert.deepEqual(await filesUnder(path.join(root, out)), expected, why);
  const remade = async (planted: Buffer, why: string): Promise<void> => {
    const now = await readFile(file);
    assert.notDeepEqual(now, planted, why);
    assert.deepEqual(now.subarray(0, 32), createHash('sha256').update(now.subarray(32)).digest(), `${why}: whole`);
  };

  const before = (await stat(file)).mtimeMs;
  build('cached', '--format', 'web');
  await sameAs('cached', 'the same web edition from the cache');
  assert.equal((await stat(file)).mtimeMs, before, 'a cache V8 takes is not written again');

  // A byte changed in the middle: the digest no longer fits, the script is compiled and the cache made again.
  const damaged = Buffer.from(made);
  const middle = Math.floor(damaged.length / 2);
  damaged[middle] = (damaged[middle] ?? 0) ^ 0xff;
  await writeFile(file, damaged);
  build('damaged', '--format', 'web');
  await sameAs('damaged', 'the same web edition after a damaged cache');
  await remade(damaged, 'a damaged cache is made again');

  await writeFile(file, made.subarray(0, 20));
  build('short', '--format', 'web');
  await sameAs('short', 'the same web edition after a cut cache');
  await remade(made.subarray(0, 20), 'a cut cache is made again');

  // Whole, but of another script: V8 refuses it.
  const other = cacheFile(new vm.Script('"another script";').createCachedData(), true);
  await writeFile(file, other);
  build('refused', '--format', 'web');
  await sameAs('refused', 'the same web edition after a cache V8 refused');
  await remade(other, 'a refused cache is made again');

  // A failed build writes none.
  const partial = await readFile(file);
  assert.equal(run(root, 'build', '--bogus').status, 2);
  assert.deepEqual(await readFile(file), partial);

  // Made by a build of one format, it lacks the others' code: the first build of every format makes it again.
  build('every');
  const every = await readFile(file);
  assert.equal(every[32], 1, 'made by a build of every format');
  assert.ok(every.length > partial.length, `more code: ${every.length} bytes against ${partial.length}`);
  build('again', '--format', 'web');
  assert.deepEqual(await readFile(file), every, 'a build of fewer formats keeps the cache of every format');
});

test('the citation and marking threads run from code caches of their own scripts, and a damaged or refused one is made again', async () => {
  const root = await copyOfRepository();
  copies.push(root);
  // Two chapters: a book of one renders its citations on the main thread.
  const manuscript = path.join(root, 'two-chapters');
  await writeSyntheticBook(path.join(projectRoot, 'manuscript'), manuscript, 2);
  const build = (out: string): void => {
    const result = run(root, 'build', '--manuscript', manuscript, '--out', path.join(root, out), '--no-cache', '--quiet', '--format', 'web');
    assert.equal(result.status, 0, result.stderr);
  };
  build('first');
  const [bundle] = await readdir(path.join(root, '.cache', 'cli'));
  assert.ok(bundle);
  const names = await readdir(path.join(root, '.cache', 'cli', bundle));
  const name = `citation-worker.cjs.${process.version}-${process.arch}.v8cache`;
  assert.ok(names.includes(name), `the thread's code cache beside its script: ${names.join(', ')}`);
  assert.ok(!names.some((n) => n.endsWith('.tmp')), 'written beside and renamed');
  const file = path.join(root, '.cache', 'cli', bundle, name);
  const made = await readFile(file);
  assert.deepEqual(made.subarray(0, 32), createHash('sha256').update(made.subarray(32)).digest());
  const script = await readFile(path.join(root, '.cache', 'cli', bundle, 'citation-worker.cjs'), 'latin1');
  const wrapped = `(function (exports, require, module, __filename, __dirname, __bookImportMeta) {${script}\n})`;
  assert.equal(new vm.Script(wrapped, { filename: 'citation-worker.cjs', cachedData: made.subarray(33) }).cachedDataRejected, false, 'V8 takes it for the script');
  const expected = await filesUnder(path.join(root, 'first'));
  const sameAs = async (out: string, why: string): Promise<void> => assert.deepEqual(await filesUnder(path.join(root, out)), expected, why);

  const before = (await stat(file)).mtimeMs;
  build('cached');
  await sameAs('cached', 'the same web edition with the threads run from the cache');
  assert.equal((await stat(file)).mtimeMs, before, 'a cache V8 takes is not written again');

  for (const [planted, why] of [
    [Buffer.concat([made.subarray(0, 100), Buffer.from([(made[100] ?? 0) ^ 0xff]), made.subarray(101)]), 'a damaged cache'],
    [cacheFile(new vm.Script('"another script";').createCachedData(), true), 'a cache V8 refuses'],
  ] as const) {
    await writeFile(file, planted);
    build('again');
    await sameAs('again', `the same web edition after ${why}`);
    const now = await readFile(file);
    assert.notDeepEqual(now, planted, `${why} is made again`);
    assert.deepEqual(now.subarray(0, 32), createHash('sha256').update(now.subarray(32)).digest(), `${why} is made again whole`);
    await removeDir(path.join(root, 'again'));
  }

  // The marking threads, which a one-off build starts on more than two cores: one asked for here.
  const print = async (out: string): Promise<Buffer | undefined> => {
    const result = runWith({ BOOK_MARK_THREADS: '1' }, root, 'build', '--manuscript', manuscript, '--out', path.join(root, out), '--no-cache', '--quiet', '--format', 'pdf');
    assert.equal(result.status, 0, result.stderr);
    return [...(await filesUnder(path.join(root, out)))].find(([name]) => name.endsWith('.pdf'))?.[1];
  };
  const pdf = await print('marked');
  const markCache = path.join(root, '.cache', 'cli', bundle, `mark-worker.cjs.${process.version}-${process.arch}.v8cache`);
  const marks = await readFile(markCache);
  assert.deepEqual(marks.subarray(0, 32), createHash('sha256').update(marks.subarray(32)).digest(), 'the marking thread\'s code cache, whole');
  assert.ok(pdf && pdf.length > 0, 'a PDF');
  assert.deepEqual(await print('marked-again'), pdf, 'the same PDF with the marking thread run from its cache');
  assert.deepEqual(await readFile(markCache), marks, 'a cache V8 takes is not written again');
});
