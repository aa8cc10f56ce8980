import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertSameBook, summarize } from './equivalence.ts';
import { chapterWithNotes, minimalConfig } from './fixtures.ts';
import { commandLine, copyOfRepository, makeManuscript, removeDir, runScript } from './helpers.ts';
import { projectRoot } from '../scripts/lib/paths.ts';

const ENV = { SOURCE_DATE_EPOCH: '1700000000' };

/** `npm run build -- --watch` as a child process, with what it has printed so far. */
class WatchingBuild {
  stdout = '';
  stderr = '';
  readonly child: ChildProcessWithoutNullStreams;
  private readonly exited: Promise<number | null>;

  constructor(root: string, args: string[]) {
    this.child = spawn(process.execPath, commandLine('build', ['--watch', ...args], root), {
      cwd: root,
      env: { ...process.env, ...ENV },
    });
    this.child.stdout.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.once('close', resolve));
  }

  /** Waits until `predicate` holds (it reads what the build printed), failing if the build exits or hangs. */
  async until(predicate: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
    const start = Date.now();
    while (!predicate()) {
      if (this.child.exitCode !== null) throw new Error(`the watching build exited (${this.child.exitCode}) before ${what}:\n${this.stderr}`);
      if (Date.now() - start > timeoutMs) throw new Error(`no ${what} within ${timeoutMs / 1000} s:\n${this.stdout}\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  builds(): number {
    return this.stdout.match(/^done in /gm)?.length ?? 0;
  }

  failures(): number {
    return this.stderr.match(/^build failed; the last good book stays/gm)?.length ?? 0;
  }

  /** Builds left because the files changed again while they were read (another begins). */
  unsettled(): number {
    return this.stderr.match(/^changed again while read: /gm)?.length ?? 0;
  }

  /** Every change seen has had its build (or been left for the one after it). */
  caughtUp(): boolean {
    return this.builds() + this.failures() + this.unsettled() === (this.stderr.match(/^changed: /gm)?.length ?? 0) + 1;
  }

  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** The builds run from a copy of the repository, whose styles/print.css the style test edits (other test files
 * build beside this one). */
describe('npm run build -- --watch', () => {
  let repo: string;
  let dir: string;
  let watching: WatchingBuild;
  const out = (): string => path.join(dir, 'out');
  const pdf = (folder: string): string => path.join(dir, folder, 'proefboek.pdf');

  before(async () => {
    const config = minimalConfig('slug: proefboek\n').replace('  - 01-hoofdstuk.md\n', '  - 01-hoofdstuk.md\n  - 02-tweede.md\n  - 03-derde.md\n');
    repo = await copyOfRepository();
    dir = await makeManuscript({
      'book.yaml': config,
      '01-hoofdstuk.md': chapterWithNotes('Het eerste hoofdstuk', 2, 5),
      '02-tweede.md': chapterWithNotes('Het tweede hoofdstuk', 3, 5),
      '03-derde.md': chapterWithNotes('Het derde hoofdstuk', 2, 4),
    });
    watching = new WatchingBuild(repo, ['--manuscript', dir, '--out', out(), '--format', 'pdf', '--jobs', '2']);
    await watching.until(() => watching.builds() >= 1, 'first build');
  });
  after(async () => {
    if (watching.child.exitCode === null) await watching.stop();
    await removeDir(dir);
    await removeDir(repo);
  });

  test('a saved chapter is laid out again alone, and the book equals a fresh sequential build', async () => {
    const file = path.join(dir, '02-tweede.md');
    const source = await readFile(file, 'utf8');
    // One paragraph changes (its lines are broken again); the others keep the lines the first build chose.
    const edited = source.replace('De internationale revolutie liep op nederlagen uit', 'De internationale revolutie van de arbeiders liep op zware nederlagen uit');
    assert.notEqual(edited, source);
    // The output folder as the save finds it, for a one-off build of the same edit below.
    const beforeSave = await mkdtemp(path.join(tmpdir(), 'book-test-before-'));
    await cp(out(), beforeSave, { recursive: true });
    // The tab loaded before the save waits for it: a wait its progress line must not count as time in the page.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await writeFile(file, edited);
    await watching.until(() => watching.builds() >= 2, 'a build after the save');
    const saved = await readFile(pdf('out'));
    assert.match(watching.stderr, /changed: .*02-tweede\.md/);
    // The held tab was begun as the first build's last print was done, not once that build had ended, in the
    // renderer of a document that build printed; given the line breaks the first build remembered, it looked
    // its paragraphs up itself, asking the build nothing.
    assert.match(watching.stderr, /1 unit\(s\) paginated in 1 document\(s\), 3 from the cache, 1 document\(s\) loaded before the save, 1 begun at the print before it, 1 in the renderer of a document printed before, 1 with the remembered line breaks/);
    // The save used the Chromium of the first build and says so by not saying it started one.
    assert.equal(watching.stderr.match(/starting Chromium/g)?.length, 1, watching.stderr);
    const last = (text: string, pattern: RegExp): number => Number([...text.matchAll(pattern)].at(-1)?.[1]);
    assert.ok(last(watching.stderr, /\(in the page (\d+\.\d) s/g) <= last(watching.stdout, /^done in (\d+\.\d) s/gm), watching.stderr + watching.stdout);
    try {
      // The chapter laid out in the tab loaded before the save (document-tabs.ts) against the same chapter laid
      // out in a new tab, from the same cache: the same file.
      const once = await runScript('build.ts', ['--manuscript', dir, '--out', beforeSave, '--format', 'pdf', '--jobs', '2'], ENV, undefined, repo);
      assert.equal(once.code, 0, once.stderr);
      assert.match(once.stderr, /1 unit\(s\) paginated in 1 document\(s\), 3 from the cache \(/);
      assert.ok((await readFile(path.join(beforeSave, 'proefboek.pdf'))).equals(saved), 'the save laid out in a tab loaded before it made a different file');
    } finally {
      await removeDir(beforeSave);
    }
    const fresh = await runScript('build.ts', ['--manuscript', dir, '--out', path.join(dir, 'seq'), '--format', 'pdf', '--jobs', '1'], ENV, undefined, repo);
    assert.equal(fresh.code, 0, fresh.stderr);
    const expected = await summarize(pdf('seq'));
    assert.ok(expected.pages.some((text) => /revolutie van de arbeiders/.test(text.replace(/\s+/g, ' '))), 'the edit is in the fresh build');
    assertSameBook(await summarize(pdf('out')), expected, 'watch rebuild');
  });

  test("a save's PDF is the same file as a one-off build's from the same cache: the units marked in an earlier build are used as marked", async () => {
    // The save of the test before laid out one unit again and took three from the cache, marked as the first
    // build printed them. (The fresh build that test made in the manuscript folder is seen as a change too.)
    assert.match(watching.stderr, /merged and marked in [\d.]+ s after the last print \(3 unit\(s\) as marked before\)/);
    await watching.until(() => watching.caughtUp(), 'the builds of every change seen');
    const once = await mkdtemp(path.join(tmpdir(), 'book-test-once-'));
    try {
      await cp(out(), once, { recursive: true });
      const built = await runScript('build.ts', ['--manuscript', dir, '--out', once, '--format', 'pdf', '--jobs', '2'], ENV, undefined, repo);
      assert.equal(built.code, 0, built.stderr);
      assert.match(built.stderr, /0 unit\(s\) paginated in 0 document\(s\), 4 from the cache/);
      assert.doesNotMatch(built.stderr, /as marked before/);
      assert.ok((await readFile(path.join(once, 'proefboek.pdf'))).equals(await readFile(pdf('out'))), 'the save and the one-off build made different files');
    } finally {
      await removeDir(once);
    }
  });

  test("a save laid out in the renderer of the save before it is the same file as a one-off build's in a new tab", async () => {
    await watching.until(() => watching.caughtUp(), 'the builds of every change seen');
    const file = path.join(dir, '02-tweede.md');
    const source = await readFile(file, 'utf8');
    const edited = source.replace('Niemand kon echter voorzien', 'Niemand kon toen echter voorzien');
    assert.notEqual(edited, source);
    const beforeSave = await mkdtemp(path.join(tmpdir(), 'book-test-before-'));
    try {
      await cp(out(), beforeSave, { recursive: true });
      const builds = watching.builds();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await writeFile(file, edited);
      await watching.until(() => watching.builds() > builds, 'a build after the save');
      // The first save's tab, printed, was given back: the held tab for this save was loaded in its renderer,
      // the third document that renderer lays out.
      assert.match(watching.stderr.slice(watching.stderr.lastIndexOf('changed:')), /1 unit\(s\) paginated in 1 document\(s\), 3 from the cache, 1 document\(s\) loaded before the save, 1 begun at the print before it, 1 in the renderer of a document printed before/);
      const once = await runScript('build.ts', ['--manuscript', dir, '--out', beforeSave, '--format', 'pdf', '--jobs', '2'], ENV, undefined, repo);
      assert.equal(once.code, 0, once.stderr);
      assert.match(once.stderr, /1 unit\(s\) paginated in 1 document\(s\), 3 from the cache \(/);
      assert.ok((await readFile(path.join(beforeSave, 'proefboek.pdf'))).equals(await readFile(pdf('out'))), 'the save laid out in a renderer used before made a different file');
    } finally {
      await removeDir(beforeSave);
    }
  });

  test('a save that adds a figure without alternative text, and one that mends it: the PDF/UA-1 claim follows each (the check beside the write), the file a one-off build\'s', async () => {
    await watching.until(() => watching.caughtUp(), 'the builds of every change seen');
    await cp(new URL('./manuscripts/kitchen-sink/images/half-width.png', import.meta.url), path.join(dir, 'beeld.png'));
    // The new file is a change (a build with every unit from the cache), seen within chokidar's moment.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await watching.until(() => watching.caughtUp(), 'the build of the new image file');
    const claims = (bytes: Buffer): boolean => bytes.includes('<pdfuaid:part>1</pdfuaid:part>');
    assert.ok(claims(await readFile(pdf('out'))), 'the book claimed PDF/UA-1 before');
    const file = path.join(dir, '03-derde.md');
    const source = await readFile(file, 'utf8');
    // Each save finishes with the answer of the save before and checks while it writes: the first answers
    // otherwise (a figure without Alt), the second otherwise again.
    for (const [text, claimed] of [[`${source}\n![](beeld.png)\n`, false], [source, true]] as const) {
      const beforeSave = await mkdtemp(path.join(tmpdir(), 'book-test-before-'));
      try {
        await cp(out(), beforeSave, { recursive: true });
        const builds = watching.builds();
        await writeFile(file, text);
        await watching.until(() => watching.builds() > builds, 'a build after the save');
        const saved = await readFile(pdf('out'));
        assert.equal(claims(saved), claimed, watching.stderr.slice(-2000));
        const once = await runScript('build.ts', ['--manuscript', dir, '--out', beforeSave, '--format', 'pdf', '--jobs', '2'], ENV, undefined, repo);
        assert.equal(once.code, 0, once.stderr);
        assert.ok((await readFile(path.join(beforeSave, 'proefboek.pdf'))).equals(saved), 'the save and the one-off build made different files');
      } finally {
        await removeDir(beforeSave);
      }
    }
  });

  test('a broken save is reported with file and line, keeps the last good book, and the next good save builds', async () => {
    const good = await readFile(pdf('out'));
    const file = path.join(dir, '03-derde.md');
    const source = await readFile(file, 'utf8');
    await writeFile(file, `${source}\nEen verwijzing naar een noot die niet bestaat.[^ontbreekt]\n`);
    await watching.until(() => watching.failures() >= 1, 'a failed build');
    assert.match(watching.stderr, /03-derde\.md:\d+:\d+/);
    assert.deepEqual(await readFile(pdf('out')), good, 'the failed build replaced the book');
    assert.equal(watching.child.exitCode, null, 'the watch stopped on a broken manuscript');
    const builds = watching.builds();
    await writeFile(file, source);
    await watching.until(() => watching.builds() > builds, 'a build after the fix');
    // The broken save's checks ran beside its layout, which was kept nowhere: the fix finds the cache as the
    // last good book left it.
    assert.match(watching.stderr.slice(watching.stderr.lastIndexOf('changed:')), /0 unit\(s\) paginated in 0 document\(s\), 4 from the cache/);
  });

  test('a chapter written in two steps (emptied, then its text) gives one build, of its final text', async () => {
    await watching.until(() => watching.caughtUp(), 'the builds of every change seen');
    const file = path.join(dir, '01-hoofdstuk.md');
    const source = await readFile(file, 'utf8');
    const builds = watching.builds();
    const failures = watching.failures();
    // The save's build begins at the first step (preview/watch.ts `eager`) and reads the emptied file: it must
    // be left, and the book built once, from the text written last.
    await writeFile(file, '');
    await new Promise((resolve) => setTimeout(resolve, 15));
    await writeFile(file, `${source}\nDeze zin kwam in de tweede stap.\n`);
    await watching.until(() => watching.builds() > builds, 'a build after the two steps');
    // A build of the emptied file would be followed by another (the watcher sees the file changed since).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await watching.until(() => watching.caughtUp(), 'the builds of every change seen');
    assert.equal(watching.builds(), builds + 1, watching.stderr.slice(-2000));
    assert.equal(watching.failures(), failures, watching.stderr.slice(-2000));
    const book = await summarize(pdf('out'));
    assert.ok(book.pages.some((text) => /kwam in de tweede stap/.test(text.replace(/\s+/g, ' '))), 'the final text is in the book');
    assert.ok(book.pages.some((text) => /Het eerste hoofdstuk/.test(text.replace(/\s+/g, ' '))), 'the chapter is in the book');
  });

  test('a style changed: every unit laid out again, and the book equals a fresh build with that style', async () => {
    const sheet = path.join(repo, 'styles', 'print.css');
    const css = await readFile(sheet, 'utf8');
    const builds = watching.builds();
    try {
      await writeFile(sheet, `${css}\n.chapter p { letter-spacing: 0.012em; }\n`);
      await watching.until(() => watching.builds() > builds, 'a build after the style change');
      assert.match(watching.stderr.slice(watching.stderr.lastIndexOf('changed:')), /4 unit\(s\) paginated in \d+ document\(s\), 0 from the cache/);
      const fresh = await runScript('build.ts', ['--manuscript', dir, '--out', path.join(dir, 'seq-styled'), '--format', 'pdf', '--jobs', '1'], ENV, undefined, repo);
      assert.equal(fresh.code, 0, fresh.stderr);
      assertSameBook(await summarize(pdf('out')), await summarize(pdf('seq-styled')), 'watch rebuild after a style change');
    } finally {
      const restored = watching.builds();
      await writeFile(sheet, css);
      await watching.until(() => watching.builds() > restored, 'a build after the style was put back');
    }
  });

  test('stops on SIGTERM', async () => {
    assert.equal(await watching.stop(), 0);
  });
});

/** A watching build started on an output folder a one-off build made lays nothing out in its first build: its
 * first save finds the line breaks the print cache keeps with each printed document, and breaks only the
 * paragraph it changed. */
describe('npm run build -- --watch started on a warm cache', () => {
  let dir: string;
  let watching: WatchingBuild | undefined;
  const out = (): string => path.join(dir, 'out');
  before(async () => {
    const config = minimalConfig('slug: proefboek\n').replace('  - 01-hoofdstuk.md\n', '  - 01-hoofdstuk.md\n  - 02-tweede.md\n');
    dir = await makeManuscript({
      'book.yaml': config,
      '01-hoofdstuk.md': chapterWithNotes('Het eerste hoofdstuk', 2, 4),
      '02-tweede.md': chapterWithNotes('Het tweede hoofdstuk', 2, 5),
    });
    const once = await runScript('build.ts', ['--manuscript', dir, '--out', out(), '--format', 'pdf', '--jobs', '2'], ENV);
    assert.equal(once.code, 0, once.stderr);
  });
  after(async () => {
    if (watching && watching.child.exitCode === null) await watching.stop();
    await removeDir(dir);
  });

  test("the first save breaks only the changed paragraph's lines, and is the same file as a one-off build's", async () => {
    watching = new WatchingBuild(projectRoot, ['--manuscript', dir, '--out', out(), '--format', 'pdf', '--jobs', '2']);
    await watching.until(() => watching!.builds() >= 1, 'first build');
    assert.match(watching.stderr, /0 unit\(s\) paginated in 0 document\(s\), 3 from the cache/);
    const beforeSave = await mkdtemp(path.join(tmpdir(), 'book-test-before-'));
    try {
      await cp(out(), beforeSave, { recursive: true });
      const file = path.join(dir, '02-tweede.md');
      const source = await readFile(file, 'utf8');
      const edited = source.replace('De internationale revolutie liep op nederlagen uit', 'De internationale revolutie van de arbeiders liep op zware nederlagen uit');
      assert.notEqual(edited, source);
      await writeFile(file, edited);
      await watching.until(() => watching!.builds() >= 2, 'a build after the save');
      const saved = await readFile(path.join(out(), 'proefboek.pdf'));
      const line = watching.stderr.match(/1 unit\(s\) paginated in 1 document\(s\), 2 from the cache.*/)?.[0] ?? '';
      const [, remembered, paragraphs] = line.match(/(\d+) of (\d+) paragraphs' lines remembered/) ?? [];
      assert.ok(remembered && paragraphs, `the save remembered no lines: ${line}`);
      assert.equal(Number(paragraphs) - Number(remembered), 1, line);
      // The same edit built once from the same cache: the same file.
      const once = await runScript('build.ts', ['--manuscript', dir, '--out', beforeSave, '--format', 'pdf', '--jobs', '2'], ENV);
      assert.equal(once.code, 0, once.stderr);
      assert.match(once.stderr, /1 unit\(s\) paginated in 1 document\(s\), 2 from the cache/);
      assert.ok((await readFile(path.join(beforeSave, 'proefboek.pdf'))).equals(saved), "the save made another file than a one-off build's");
    } finally {
      await removeDir(beforeSave);
    }
    assert.equal(await watching.stop(), 0);
  });
});
