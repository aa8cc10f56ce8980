import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { projectRoot } from '../scripts/lib/paths.ts';
import { removeDir } from './helpers.ts';

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
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'run.mjs'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
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
