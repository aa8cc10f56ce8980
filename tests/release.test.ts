import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { hashTree } from '../scripts/lib/release/make-release.ts';
import { after, before, describe, test } from 'node:test';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { pdfText } from '../scripts/lib/pdf/poppler.ts';
import { projectRoot, projectVersion } from '../scripts/lib/paths.ts';
import { chapterWithNotes, minimalConfig } from './fixtures.ts';
import { listFiles, makeManuscript, removeDir, runScript, type RunResult } from './helpers.ts';
import { bookRelease } from './shared-build.ts';

const SLUG = 'lenins-strijd-tegen-het-stalinisme';

describe('npm run release on the book', () => {
  let out: string;
  let run: RunResult;
  let dir: string;

  before(async () => {
    // The book's shared release (SOURCE_DATE_EPOCH 1700000000), which the press, EPUB and book tests read too.
    ({ out, run, dir } = await bookRelease());
  });

  test('succeeds and names the folder', () => {
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, new RegExp(`release ${projectVersion().replace(/\./g, '\\.')}: .*${SLUG}-`));
  });

  test('the folder holds the PDFs, the cover, the check report in text and JSON, and SHA256SUMS', async () => {
    const files = await listFiles(dir);
    for (const name of [`${SLUG}.pdf`, `${SLUG}-press.pdf`, `${SLUG}-cover.pdf`, 'check-report.txt', 'check-report.json', 'SHA256SUMS']) {
      assert.ok(files.includes(name), `${name} missing from ${files.join(', ')}`);
    }
    assert.ok(!(await listFiles(path.join(out, 'release'))).some((f) => f.endsWith('.tmp')), 'temporary folder left behind');
  });

  test('SHA256SUMS covers every other file and sha256sum -c accepts it', async () => {
    const sums = await readFile(path.join(dir, 'SHA256SUMS'), 'utf8');
    const listed = sums.trim().split('\n').map((line) => line.split('  ')[1]).sort();
    // Every file, the web edition's folder included.
    const others = [...(await hashTree(dir)).keys()].filter((f) => f !== 'SHA256SUMS').sort();
    assert.deepEqual(listed, others);
    const verified = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
    assert.equal(verified.trim().split('\n').filter((l) => l.endsWith(': OK')).length, others.length);
    assert.ok(listed.includes(`${SLUG}-cover.pdf`), 'the cover is checksummed');
  });

  test('the cover is the default profile’s: spine from the press PDF’s pages at 0.05 mm, no spine text on so thin a spine', async () => {
    const pages = Number(execFileSync('pdfinfo', [path.join(dir, `${SLUG}-press.pdf`)], { encoding: 'utf8' }).match(/^Pages:\s+(\d+)/m)?.[1]);
    const box = execFileSync('pdfinfo', ['-box', path.join(dir, `${SLUG}-cover.pdf`)], { encoding: 'utf8' }).match(/^TrimBox:\s+([\d.]+)\s+[\d.]+\s+([\d.]+)/m);
    const trimWidth = Number(box?.[2]) - Number(box?.[1]);
    const mm = 72 / 25.4;
    assert.ok(Math.abs(trimWidth - (2 * 135 + pages * 0.05) * mm) < 0.1, `cover trim ${trimWidth} pt for ${pages} pages`);
    const text = (await pdfText(path.join(dir, `${SLUG}-cover.pdf`))).replace(/\s+/g, ' ');
    assert.equal(text.split('Per-Åke Westerlund').length - 1, 1, 'the author on the front only');
  });

  test('the check report says every check passed, in both forms', async () => {
    const json = JSON.parse(await readFile(path.join(dir, 'check-report.json'), 'utf8')) as { summary: { errors: number } };
    assert.equal(json.summary.errors, 0);
    assert.match(await readFile(path.join(dir, 'check-report.txt'), 'utf8'), /^0 error\(s\)/m);
  });

  test('the colophon of both PDFs names the version and the build date', async () => {
    for (const file of [`${SLUG}.pdf`, `${SLUG}-press.pdf`]) {
      const text = (await pdfText(path.join(dir, file))).replace(/\s+/g, ' ');
      assert.match(text, new RegExp(`versie ${projectVersion().replace(/\./g, '\\.')}, 2023-11-14`), file);
    }
  });
});

describe('a release stops on a check error and writes no release folder', () => {
  let dir: string;
  let run: RunResult;

  before(async () => {
    dir = await makeManuscript({
      'book.yaml': minimalConfig('slug: proef\n'),
      '01-hoofdstuk.md': `${chapterWithNotes('Het hoofdstuk', 1, 2)}\nEen verwijzing zonder noot.[^weg]\n`,
    });
    run = await runScript('release.ts', ['--manuscript', dir, '--out', path.join(dir, 'out')]);
  });
  after(() => removeDir(dir));

  test('exits 1 naming the problem, and leaves no release', async () => {
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, /01-hoofdstuk\.md:\d+:\d+\s+error\s+.*\[notes\/undefined-reference\]/);
    assert.deepEqual(await listFiles(path.join(dir, 'out', 'release')), []);
  });
});

describe('the GitHub Actions workflow', () => {
  const file = path.join(projectRoot, '.github', 'workflows', 'book.yml');
  let source: string;
  before(async () => {
    source = await readFile(file, 'utf8');
  });

  test('validates against the workflow schema (action-validator)', () => {
    const { errors } = validateWorkflow(source);
    assert.deepEqual(errors, []);
  });

  test('the validator does reject a broken workflow', () => {
    assert.ok(validateWorkflow(source.replace('runs-on:', 'runs_on:')).errors.length > 0);
  });

  test('runs on push and pull request, caches npm, installs the tools, builds, tests, checks and publishes tags', () => {
    type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
    const workflow = parse(source) as {
      on: { push: { tags: string[] }; pull_request: unknown };
      jobs: Record<string, { steps: Step[]; if?: string; needs?: string }>;
    };
    assert.ok('pull_request' in workflow.on);
    assert.deepEqual(workflow.on.push.tags, ['v*']);
    const build = workflow.jobs.build?.steps ?? [];
    const node = build.find((s) => s.uses?.startsWith('actions/setup-node'));
    assert.equal(node?.with?.cache, 'npm');
    const runs = build.map((s) => s.run ?? '').join('\n');
    for (const pkg of ['ghostscript', 'poppler-utils', 'qpdf', 'epubcheck', 'default-jre-headless']) assert.match(runs, new RegExp(`\\b${pkg}\\b`));
    for (const command of ['npm ci', 'npm test', 'npm run release', 'SOURCE_DATE_EPOCH']) assert.ok(runs.includes(command), command);
    const publish = workflow.jobs.publish;
    assert.match(publish?.if ?? '', /refs\/tags\/v/);
    assert.equal(publish?.needs, 'build');
    assert.ok(publish?.steps.some((s) => s.uses?.startsWith('softprops/action-gh-release')));
  });
});
