import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import puppeteer from 'puppeteer';
import { CHROMIUM_ARGS, chromiumArguments } from '../scripts/lib/chromium-process.ts';
import { UsageError } from '../scripts/lib/cli-args.ts';
import { BuildError, diagnostic } from '../scripts/lib/diagnostics.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { report } from '../scripts/lib/run-cli.ts';
import { buildTmpdir, copyOfOutput, guardedRun, outputDigest, processesLeft, filesLeft, type GuardedRun } from './build-guard.ts';
import { chapterWithNotes, minimalConfig } from './fixtures.ts';
import { OWN_BROWSER, commandLine, makeManuscript, removeDir } from './helpers.ts';

/**
 * Processes: a build ends as soon as it has failed or is stopped, and every process it started ends with it
 * (Chromium's whole process group, whatever way the build ends); it leaves no temporary file, and says what
 * happened. Each build runs with a TMPDIR of its own: its browser is found by that folder, never another's.
 */

const FILES = {
  'book.yaml': minimalConfig('slug: proefboek\n'),
  '01-hoofdstuk.md': chapterWithNotes('Het eerste hoofdstuk', 3, 4),
};

let work: string;
let manuscript: string;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'book-test-proc-'));
  manuscript = await makeManuscript(FILES);
});
after(async () => {
  await removeDir(work);
  await removeDir(manuscript);
});

interface Watched {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
  /** Milliseconds from the moment `until` matched (or the signal was sent) to the process's exit. */
  afterMatchMs: number;
  strayFiles: string[];
  leftProcesses: string[];
}

/**
 * Runs a command with a TMPDIR of its own; when stderr (or stdout) first matches `until`, sends `signal` (if
 * any). Resolves when it has exited, with what it left behind.
 */
async function runUntil(command: 'build' | 'preview', args: string[], until: RegExp, signal?: NodeJS.Signals, env: NodeJS.ProcessEnv = {}): Promise<Watched> {
  const tmp = await buildTmpdir();
  try {
    const result = await new Promise<Omit<Watched, 'strayFiles' | 'leftProcesses'>>((resolve, reject) => {
      const child = spawn(process.execPath, commandLine(command, args), { cwd: projectRoot, env: { ...process.env, ...OWN_BROWSER, ...env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let matchedAt: number | undefined;
      const look = (): void => {
        if (matchedAt !== undefined || !until.test(stderr + stdout)) return;
        matchedAt = Date.now();
        if (signal) child.kill(signal);
      };
      child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), look()));
      child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), look()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
      child.on('error', reject);
      child.on('exit', (code, exitSignal) => {
        clearTimeout(timer);
        resolve({ code, signal: exitSignal, stdout, stderr, afterMatchMs: matchedAt === undefined ? -1 : Date.now() - matchedAt });
      });
    });
    return { ...result, leftProcesses: await processesLeft(tmp), strayFiles: await filesLeft(tmp) };
  } finally {
    await removeDir(tmp);
  }
}

const stagingIn = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((name) => name.startsWith('.book-staging-'));

describe('a build that fails or is stopped ends at once and leaves nothing running', () => {
  test('a manuscript error with Chromium already started: exit 1 at once, no browser, no temporary file', async () => {
    const broken = await makeManuscript({ ...FILES, '01-hoofdstuk.md': '# Kapot\n\nEen noot die er niet is.[^weg]\n' });
    try {
      const run = await runUntil('build', ['--manuscript', broken, '--out', path.join(work, 'fails'), '--format', 'pdf'], /build failed/);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /01-hoofdstuk\.md:3:\d+\s+error\s+footnote reference \[\^weg\] has no definition\s+\[notes\/undefined-reference\]\nbuild failed: 1 error\n$/);
      // It lingered ~30 s, until the browser's orphaned children let go of its pipes.
      assert.ok(run.afterMatchMs < 5_000, `exited ${run.afterMatchMs} ms after reporting`);
      assert.deepEqual(run.leftProcesses, []);
      assert.deepEqual(run.strayFiles, []);
    } finally {
      await removeDir(broken);
    }
  });

  test('an output folder the build refuses after scripts/run.mjs started Chromium for it: exit 1, no browser, no folder', async () => {
    // run.mjs starts the build's Chromium before the build's own script reads its options and output folder.
    await writeFile(path.join(work, 'a-file'), '');
    const log = path.join(work, 'refused-run.log');
    const run = await runUntil('build', ['--manuscript', manuscript, '--out', path.join(work, 'a-file', 'out')], /build failed/, undefined, { BOOK_RUN_LOG: log });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /a-file/);
    const events = (await readFile(log, 'utf8')).trim().split('\n').map((line) => (JSON.parse(line) as { event: string }).event);
    assert.deepEqual(events, ['chromium'], 'Chromium was started before the options were read, and no build began');
    assert.deepEqual(run.leftProcesses, []);
    assert.deepEqual(run.strayFiles, []);
  });

  let good: Promise<GuardedRun> | undefined;
  /** One good build of every format: the test that it leaves nothing behind reads it, and the builds below are
   * stopped over a copy of its output. */
  const goodBuild = (): Promise<GuardedRun> => (good ??= guardedRun('build', ['--manuscript', manuscript, '--out', path.join(work, 'good'), '--quiet']));

  test('a good build leaves no browser and no temporary file either', async () => {
    const run = await goodBuild();
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.leftProcesses, []);
    assert.deepEqual(run.strayFiles, []);
  });

  test('a build of one job in every format draws the EPUB cover beside the minimized print tab', async () => {
    // The print tab of one job is in the default context, as the cover's is; in one window, minimizing the
    // print tab's hid the cover's tab too, and its screenshot waited for a frame until the protocol's timeout
    // (2 minutes). Each now opens a window of its own.
    const started = Date.now();
    const run = await guardedRun('build', ['--manuscript', manuscript, '--out', path.join(work, 'one-job'), '--jobs', '1', '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
    assert.ok((await readdir(path.join(work, 'one-job'))).includes('proefboek.epub'));
    assert.deepEqual(run.leftProcesses, []);
  });

  describe('stopped in the middle, over a previous build', () => {
    let goodOut: string;
    let goodDigest: Record<string, string>;
    before(async () => {
      const run = await goodBuild();
      assert.equal(run.code, 0, run.stderr);
      goodOut = path.join(work, 'good');
      goodDigest = await outputDigest(goodOut);
    });

    for (const [signal, code, stage] of [['SIGINT', 130, /epub: /], ['SIGTERM', 143, /print: paginating/]] as const) {
      test(`${signal} while ${signal === 'SIGINT' ? 'the EPUB is made (the PDF already in staging)' : 'the pages are laid out'}: exit ${code}, "interrupted", the previous outputs untouched`, async () => {
        const out = await copyOfOutput(goodOut, path.join(work, `stopped-${signal}`));
        await writeFile(path.join(manuscript, '01-hoofdstuk.md'), chapterWithNotes('Een nieuwe titel', 3, 4));
        try {
          const run = await runUntil('build', ['--manuscript', manuscript, '--out', out, '--no-cache'], stage, signal);
          assert.equal(run.code, code, run.stderr);
          assert.match(run.stderr, new RegExp(`interrupted \\(${signal}\\): stopped; the output folder is as it was before this build\\n$`));
          assert.doesNotMatch(run.stderr, /quit unexpectedly|internal error/);
          assert.ok(run.afterMatchMs < 5_000, `exited ${run.afterMatchMs} ms after the signal`);
          assert.deepEqual(await outputDigest(out), goodDigest, 'an output changed');
          assert.deepEqual(await stagingIn(out), []);
          assert.deepEqual(run.leftProcesses, []);
          assert.deepEqual(run.strayFiles, [], 'a Chromium profile or other temporary file was left');
        } finally {
          await writeFile(path.join(manuscript, '01-hoofdstuk.md'), FILES['01-hoofdstuk.md']);
        }
      });
    }

    test('SIGKILL while the pages are laid out: the watchdog ends Chromium and removes its files; the next build clears the staging', async () => {
      const out = await copyOfOutput(goodOut, path.join(work, 'killed'));
      const run = await runUntil('build', ['--manuscript', manuscript, '--out', out, '--no-cache'], /print: paginating/, 'SIGKILL');
      assert.equal(run.signal, 'SIGKILL');
      assert.deepEqual(await outputDigest(out), goodDigest, 'an output changed');
      assert.deepEqual(run.leftProcesses, [], 'Chromium outlived a killed build');
      assert.deepEqual(run.strayFiles, []);
      const next = await guardedRun('build', ['--manuscript', manuscript, '--out', out, '--format', 'web', '--quiet']);
      assert.equal(next.code, 0, next.stderr);
      assert.deepEqual(await stagingIn(out), [], 'the killed build\'s staging is still there');
    });
  });

  test('build --watch stops on SIGTERM: exit 0, no browser, no temporary file', async () => {
    const run = await runUntil('build', ['--manuscript', manuscript, '--out', path.join(work, 'watched'), '--format', 'pdf', '--watch'], /watching .*Ctrl-C stops/, 'SIGTERM');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /stopping \(SIGTERM\)/);
    assert.deepEqual(run.leftProcesses, []);
    assert.deepEqual(run.strayFiles, []);
  });

  test('the preview stops on SIGINT: exit 0, its work folder removed', async () => {
    const run = await runUntil('preview', ['--manuscript', manuscript, '--port', '0'], /preview: http/, 'SIGINT');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.leftProcesses, []);
    assert.deepEqual(run.strayFiles, [], 'the preview left its work folder');
  });
});

describe('exit codes and what is printed', () => {
  const printed = (error: unknown, debug = false): { code: number; text: string } => {
    let text = '';
    const code = report(error, debug, (t) => (text += t));
    return { code, text };
  };

  test('a problem of the input: its diagnostics and the count of errors only, exit 1', () => {
    const { code, text } = printed(
      new BuildError([
        diagnostic('notes/undefined-reference', { file: 'a.md', line: 3, column: 7 }, 'footnote reference [^x] has no definition'),
        diagnostic('citations/unused-entry', { file: 'b.json', line: 2, column: 3 }, 'never cited'),
        diagnostic('citations/unconfirmed-source', { file: 'a.md', line: 4, column: 1 }, 'unconfirmed'),
      ]),
    );
    assert.equal(code, 1);
    assert.match(text, /^a\.md:3:7  error  footnote reference/);
    assert.match(text, /\nbuild failed: 1 error, 1 warning\n$/);
  });

  test('bad usage: exit 2', () => {
    assert.deepEqual(printed(new UsageError('unknown format "docx"')), { code: 2, text: 'usage error: unknown format "docx"\n' });
  });

  test('a folder the machine will not let it write: one line naming it, exit 1, no stack', () => {
    const error = Object.assign(new Error("EACCES: permission denied, mkdir '/boek/uit'"), { code: 'EACCES', syscall: 'mkdir', path: '/boek/uit' });
    const { code, text } = printed(error);
    assert.equal(code, 1);
    assert.equal(text, 'error: cannot mkdir /boek/uit: EACCES\nbuild failed: 1 error\n');
  });

  test('a bug: one line and how to get the stack, exit 70; --debug prints the stack', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'pages')");
    const plain = printed(bug);
    assert.equal(plain.code, 70);
    assert.equal(plain.text, "internal error: TypeError: Cannot read properties of undefined (reading 'pages')\n(a bug in the pipeline, not in your manuscript: run again with --debug for the stack, and report it)\n");
    assert.doesNotMatch(plain.text, /\n\s+at /);
    const debug = printed(bug, true);
    assert.equal(debug.code, 70);
    assert.match(debug.text, /^internal error: TypeError: Cannot read .*\n\s+at /);
  });

  test('--debug is accepted by every command', async () => {
    const run = await guardedRun('build', ['--manuscript', manuscript, '--out', path.join(work, 'debug'), '--format', 'web', '--debug', '--quiet']);
    assert.equal(run.code, 0, run.stderr);
  });
});

test('Chromium starts with the command line puppeteer would give it (the build starts it before puppeteer is loaded)', () => {
  const profile = path.join(tmpdir(), 'book-chromium-x', 'profile');
  assert.deepEqual(chromiumArguments(profile), [...puppeteer.defaultArgs({ headless: true, args: [...CHROMIUM_ARGS], userDataDir: profile }), '--remote-debugging-port=0']);
  assert.deepEqual(chromiumArguments(profile, true), [...puppeteer.defaultArgs({ headless: 'shell', args: [...CHROMIUM_ARGS], userDataDir: profile }), '--remote-debugging-port=0']);
});
