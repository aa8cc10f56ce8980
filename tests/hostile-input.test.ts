import assert from 'node:assert/strict';
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BIBLIOGRAPHY, CLEAN_CHAPTER } from './citation-fixtures.ts';
import { copyOfOutput, guardedRun, outputDigest, type GuardedRun } from './build-guard.ts';
import { makeManuscript, removeDir } from './helpers.ts';
import { sharedBuild } from './shared-build.ts';

/**
 * Broken and hostile manuscripts: each is built over a copy of one good build's output folder, and must
 * fail with its one diagnostic (file, line, column, rule), exit 1, leave that folder byte for byte as it
 * was, and leave no browser and no temporary file behind.
 */

/** book.yaml, line by line: chapters on line 6, the chapter on 7, citations on 8-9. */
const BOOK_YAML = [
  'title: Proefboek',
  'author: Anna de Vries',
  'language: nl',
  'description: Een klein boek om de pijplijn te testen.',
  'slug: proefboek',
  'chapters:',
  '  - 01-hoofdstuk.md',
  'citations:',
  '  bibliography: bronnen.json',
  '',
].join('\n');

const GOOD: Record<string, string> = {
  'book.yaml': BOOK_YAML,
  '01-hoofdstuk.md': CLEAN_CHAPTER,
  'bronnen.json': BIBLIOGRAPHY,
};

let work: string;
let goodManuscript: string;
let goodOut: string;
let goodDigest: Record<string, string>;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'book-test-hostile-'));
  goodManuscript = await makeManuscript(GOOD);
  const good = await sharedBuild(goodManuscript, ['--format', 'web']);
  assert.equal(good.run.code, 0, good.run.stderr);
  goodOut = good.out;
  goodDigest = await outputDigest(goodOut);
  assert.ok(Object.keys(goodDigest).includes(path.join('web', 'index.html')));
});
after(async () => {
  await removeDir(work);
  await removeDir(goodManuscript);
});

let runs = 0;

/** Builds a manuscript (the good one changed by `files`, `null` removing a file) over a copy of the good
 * output; `prepare` may add links and the like to the manuscript folder first. */
async function badBuild(
  files: Record<string, string | null>,
  options: { args?: string[]; prepare?: (dir: string) => Promise<void> } = {},
): Promise<GuardedRun & { manuscript: string; outUnchanged: boolean }> {
  const merged = Object.fromEntries(Object.entries({ ...GOOD, ...files }).filter((entry): entry is [string, string] => entry[1] !== null));
  const manuscript = await makeManuscript(merged);
  await options.prepare?.(manuscript);
  const out = await copyOfOutput(goodOut, path.join(work, `out-${++runs}`));
  try {
    const run = await guardedRun('build', ['--manuscript', manuscript, '--out', out, '--format', 'web', ...(options.args ?? [])]);
    const outUnchanged = JSON.stringify(await outputDigest(out)) === JSON.stringify(goodDigest);
    return { ...run, manuscript, outUnchanged };
  } finally {
    await removeDir(manuscript);
  }
}

/** The one error the build must report, as `file:line:col  error  …  [rule]`, and everything else in order. */
function assertFailed(run: Awaited<ReturnType<typeof badBuild>>, expected: { file: string; line: number; column: number; rule: string; message?: RegExp }): void {
  assert.equal(run.code, 1, `exit ${run.code}\n${run.stderr}`);
  const place = `${expected.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${expected.line}:${expected.column}`;
  const line = run.stderr.split('\n').find((l) => new RegExp(`${place}\\s+error\\s+.*\\[${expected.rule}\\]$`).test(l));
  assert.ok(line, `no "${place} error … [${expected.rule}]" in:\n${run.stderr}`);
  if (expected.message) assert.match(line, expected.message);
  assert.match(run.stderr, /build failed: 1 error\b(?!s)/);
  assert.doesNotMatch(run.stderr, /internal error|\n\s+at /, 'no stack trace for a problem of the input');
  assert.ok(run.outUnchanged, 'the previous output changed');
  assert.deepEqual(run.strayFiles, [], 'temporary files left behind');
  assert.deepEqual(run.leftProcesses, [], 'browser processes left behind');
}

describe('containment: a book reads only its own folder', () => {
  test('a chapter path that climbs out of the manuscript folder', async () => {
    const run = await badBuild({ 'book.yaml': BOOK_YAML.replace('  - 01-hoofdstuk.md', '  - ../../../../etc/hostname') });
    assertFailed(run, { file: 'book.yaml', line: 7, column: 5, rule: 'manuscript/outside', message: /chapter file "\.\.\/\.\.\/\.\.\/\.\.\/etc\/hostname" is outside the manuscript folder/ });
  });

  test('a chapter that is a link to a file elsewhere', async () => {
    const run = await badBuild({ '01-hoofdstuk.md': null }, { prepare: (dir) => symlink('/etc/hostname', path.join(dir, '01-hoofdstuk.md')) });
    assertFailed(run, { file: 'book.yaml', line: 7, column: 5, rule: 'manuscript/outside', message: /is a link to \/etc\/hostname, outside the manuscript folder/ });
  });

  test('a chapter in a linked folder that leads out', async () => {
    const run = await badBuild(
      { 'book.yaml': BOOK_YAML.replace('  - 01-hoofdstuk.md', '  - elders/hostname') },
      { prepare: (dir) => symlink('/etc', path.join(dir, 'elders')) },
    );
    assertFailed(run, { file: 'book.yaml', line: 7, column: 5, rule: 'manuscript/outside', message: /is a link to \/etc\/hostname/ });
  });

  test('an absolute chapter path elsewhere', async () => {
    const run = await badBuild({ 'book.yaml': BOOK_YAML.replace('  - 01-hoofdstuk.md', '  - /etc/hostname') });
    assertFailed(run, { file: 'book.yaml', line: 7, column: 5, rule: 'manuscript/outside' });
  });

  test('a chapter named by a URL', async () => {
    const run = await badBuild({ 'book.yaml': BOOK_YAML.replace('  - 01-hoofdstuk.md', '  - https://example.com/01-hoofdstuk.md') });
    assertFailed(run, { file: 'book.yaml', line: 7, column: 5, rule: 'manuscript/url', message: /remote URL: a build reads nothing from the network/ });
  });

  test('a bibliography outside the folder, through a link', async () => {
    const run = await badBuild({ 'bronnen.json': null }, {
      prepare: async (dir) => {
        await writeFile(path.join(work, 'bronnen-elders.json'), BIBLIOGRAPHY);
        await symlink(path.join(work, 'bronnen-elders.json'), path.join(dir, 'bronnen.json'));
      },
    });
    assertFailed(run, { file: 'book.yaml', line: 9, column: 17, rule: 'manuscript/outside', message: /bibliography "bronnen\.json" is a link to / });
  });

  test('a bibliography by URL', async () => {
    const run = await badBuild({ 'book.yaml': BOOK_YAML.replace('bibliography: bronnen.json', 'bibliography: http://example.com/bronnen.json') });
    assertFailed(run, { file: 'book.yaml', line: 9, column: 17, rule: 'manuscript/url' });
  });

  test('a CSL style by URL, and a style name that climbs out of csl/styles/', async () => {
    const url = await badBuild({ 'book.yaml': `${BOOK_YAML}  style: https://www.zotero.org/styles/apa.csl\n` });
    assertFailed(url, { file: 'book.yaml', line: 10, column: 10, rule: 'manuscript/url' });
    const climbing = await badBuild({ 'book.yaml': `${BOOK_YAML}  style: ../../../../etc/passwd\n` });
    assertFailed(climbing, { file: 'book.yaml', line: 10, column: 10, rule: 'manuscript/outside', message: /outside csl\/styles\// });
  });

  test('a CSL locale file in the manuscript folder that is a link out', async () => {
    const run = await badBuild({}, {
      prepare: async (dir) => {
        await writeFile(path.join(work, 'locale.xml'), '<locale/>');
        await symlink(path.join(work, 'locale.xml'), path.join(dir, 'locales-nl-NL.xml'));
      },
    });
    // The locale is not written in book.yaml (nl-NL by default): the citations key is where it is set.
    assertFailed(run, { file: 'book.yaml', line: 9, column: 3, rule: 'manuscript/outside', message: /CSL locale file "locales-nl-NL\.xml" is a link to / });
  });

  test('a press profile outside the folder', async () => {
    const run = await badBuild({ 'book.yaml': `${BOOK_YAML}print:\n  press:\n    profile: /usr/share/color/icc/ghostscript/default_cmyk.icc\n` });
    assertFailed(run, { file: 'book.yaml', line: 12, column: 14, rule: 'manuscript/outside', message: /press profile/ });
  });

  test('a font package named by a path, and one not installed', async () => {
    const font = (name: string): string => `${BOOK_YAML}print:\n  fonts:\n    body: { family: X, package: "${name}" }\n`;
    const byPath = await badBuild({ 'book.yaml': font('../../../etc') });
    assertFailed(byPath, { file: 'book.yaml', line: 12, column: 33, rule: 'config/font-package', message: /not an npm package name/ });
    const missing = await badBuild({ 'book.yaml': font('@fontsource/no-such-font') });
    assertFailed(missing, { file: 'book.yaml', line: 12, column: 33, rule: 'config/font-package', message: /is not installed: run `npm install @fontsource\/no-such-font`/ });
  });
});

describe('the preview serves what the book loads and nothing else', () => {
  test('a link in the manuscript folder to a file elsewhere is not served; nor is book.yaml', async () => {
    const { startPreviewServer } = await import('../scripts/lib/preview/preview-server.ts');
    const { request } = await import('node:http');
    const get = (port: number, rawPath: string, host = '127.0.0.1'): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: rawPath, headers: { host } }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const manuscript = await makeManuscript({ ...GOOD, '01-hoofdstuk.md': `${CLEAN_CHAPTER}\n![Kaart](kaart.png)\n` });
    await symlink('/etc/passwd', path.join(manuscript, 'kaart.png'));
    await symlink('/etc/passwd', path.join(manuscript, 'passwd'));
    await symlink('/etc', path.join(manuscript, 'etc'));
    const server = await startPreviewServer({ manuscriptDir: manuscript, port: 0 });
    try {
      for (const attempt of ['/manuscript/kaart.png', '/manuscript/passwd', '/manuscript/etc/passwd', '/manuscript/etc/hostname', '/manuscript/book.yaml', '/manuscript/bronnen.json', '/manuscript/01-hoofdstuk.md']) {
        const { status, body } = await get(server.port, attempt);
        assert.ok(status === 403 || status === 404, `${attempt} answered ${status}`);
        assert.doesNotMatch(body, /root:|Proefboek|marx-1867/, attempt);
      }
      assert.equal((await get(server.port, '/', 'evil.example')).status, 403, 'a foreign Host header is refused');
      assert.equal((await get(server.port, '/manuscript/%2e%2e/%2e%2e/etc/passwd')).status, 403);
      assert.equal((await get(server.port, '/styles/print.css')).status, 200);
    } finally {
      await server.close();
      await removeDir(manuscript);
    }
  });
});

describe('input sanity: encoding, empty and repeated chapters, print settings that cannot make a book', () => {
  const latin1Chapter = async (dir: string): Promise<void> => {
    await writeFile(path.join(dir, '01-hoofdstuk.md'), Buffer.from('# Hoofdstuk\n\nTekst.\nEen café op één plein.\n', 'latin1'));
  };

  test('a chapter in Latin-1: error at the first foreign byte, for build and check alike', async () => {
    const run = await badBuild({}, { prepare: latin1Chapter });
    assertFailed(run, { file: '01-hoofdstuk.md', line: 4, column: 8, rule: 'manuscript/encoding', message: /not valid UTF-8: byte 0xE9 at offset \d+ \("é" in Latin-1/ });
    const manuscript = await makeManuscript(GOOD);
    try {
      await latin1Chapter(manuscript);
      const check = await guardedRun('check', ['--manuscript', manuscript, '--out', path.join(work, 'check-latin1'), '--format', 'web']);
      assert.equal(check.code, 1, check.stderr);
      assert.match(check.stdout, /01-hoofdstuk\.md:4:8\s+error\s+not valid UTF-8.*\[manuscript\/encoding\]/);
    } finally {
      await removeDir(manuscript);
    }
  });

  test('a book.yaml in Latin-1', async () => {
    const run = await badBuild({}, {
      prepare: (dir) => writeFile(path.join(dir, 'book.yaml'), Buffer.from(BOOK_YAML.replace('Anna de Vries', 'Anaïs de Vries'), 'latin1')),
    });
    assertFailed(run, { file: 'book.yaml', line: 2, column: 12, rule: 'manuscript/encoding' });
  });

  test('a book.yaml that is a link to a file elsewhere', async () => {
    const run = await badBuild({ 'book.yaml': null }, {
      prepare: async (dir) => {
        await writeFile(path.join(work, 'elders.yaml'), BOOK_YAML);
        await symlink(path.join(work, 'elders.yaml'), path.join(dir, 'book.yaml'));
      },
    });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /book\.yaml\s+error\s+book\.yaml "book\.yaml" is a link to .*elders\.yaml, outside the manuscript folder.*\[manuscript\/outside\]/);
    assert.ok(run.outUnchanged);
  });

  test('a chapter listed twice: error at the second listing', async () => {
    const run = await badBuild({ 'book.yaml': BOOK_YAML.replace('  - 01-hoofdstuk.md', '  - 01-hoofdstuk.md\n  - ./01-hoofdstuk.md') });
    assertFailed(run, { file: 'book.yaml', line: 8, column: 5, rule: 'manuscript/duplicate-chapter', message: /chapter file "\.\/01-hoofdstuk\.md" is listed twice \(first on line 7\)/ });
  });

  test('margins of 120 mm on a 210 mm page, and type of 0.1 pt: refused with the reason, at the setting', async () => {
    const margins = await badBuild({ 'book.yaml': `${BOOK_YAML}print:\n  margins: { top: 120mm, bottom: 22mm, inner: 18mm, outer: 15mm }\n` });
    assertFailed(margins, { file: 'book.yaml', line: 11, column: 19, rule: 'config/print-limit', message: /leave a text area 68 mm high on a 210 mm page/ });
    const type = await badBuild({ 'book.yaml': `${BOOK_YAML}print:\n  fontSize: 0.1pt\n` });
    assertFailed(type, { file: 'book.yaml', line: 11, column: 13, rule: 'config/print-limit', message: /too small to read/ });
  });

  test('an empty chapter is a warning; the book is built', async () => {
    const manuscript = await makeManuscript({ ...GOOD, 'book.yaml': BOOK_YAML.replace('  - 01-hoofdstuk.md', '  - 01-hoofdstuk.md\n  - 02-leeg.md'), '02-leeg.md': '\n  \n' });
    try {
      const run = await guardedRun('build', ['--manuscript', manuscript, '--out', path.join(work, 'empty-chapter'), '--format', 'web']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /book\.yaml:8:5\s+warning\s+chapter file "02-leeg\.md" is empty.*\[manuscript\/empty-chapter\]/);
      assert.deepEqual(run.strayFiles, []);
    } finally {
      await removeDir(manuscript);
    }
  });
});

describe('a note inside a note', () => {
  test('is an error where the inner note is called, before any format is made', async () => {
    const chapter = `${CLEAN_CHAPTER}\nEen zin met een noot.[^buiten]\n\n[^buiten]: De noot, met een eigen noot.[^binnen]\n[^binnen]: De binnenste noot.\n`;
    const line = chapter.split('\n').findIndex((l) => l.startsWith('[^buiten]:')) + 1;
    const run = await badBuild({ '01-hoofdstuk.md': chapter });
    assertFailed(run, { file: '01-hoofdstuk.md', line, column: 40, rule: 'notes/nested', message: /note \[\^binnen\] is called inside note \[\^buiten\]/ });
  });
});

describe('a paragraph of 200,000 characters', () => {
  test('is built whole, with no diagnostic', async () => {
    const sentence = 'De arbeidersraden moesten de macht grijpen, gesteund door de soldaten en de boeren op het platteland. ';
    const paragraph = `${sentence.repeat(Math.ceil(200_000 / sentence.length)).slice(0, 199_990)}EINDE.`;
    const manuscript = await makeManuscript({ ...GOOD, 'book.yaml': BOOK_YAML.replace(/citations:\n.*\n/, ''), '01-hoofdstuk.md': `# Lang\n\n${paragraph}\n` });
    const out = path.join(work, 'long-paragraph');
    try {
      const run = await guardedRun('build', ['--manuscript', manuscript, '--out', out, '--format', 'web']);
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stderr, /error|warning/);
      const { readFile } = await import('node:fs/promises');
      const html = await readFile(path.join(out, 'web', 'index.html'), 'utf8');
      assert.match(html, /EINDE\.<\/p>/);
      assert.ok(html.length > 200_000);
    } finally {
      await removeDir(manuscript);
    }
  });
});

describe('a stylesheet that loads from the network', () => {
  test('is an error at its line in the stylesheet; nothing is fetched or written', async () => {
    const { cp, readFile } = await import('node:fs/promises');
    const { spawnSync } = await import('node:child_process');
    const { projectRoot } = await import('../scripts/lib/paths.ts');
    // A copy of the pipeline (node_modules shared through a link) whose styles/print.css the test may change.
    const root = path.join(work, 'pipeline');
    for (const folder of ['scripts', 'styles', 'csl']) await cp(path.join(projectRoot, folder), path.join(root, folder), { recursive: true });
    await cp(path.join(projectRoot, 'package.json'), path.join(root, 'package.json'));
    await symlink(path.join(projectRoot, 'node_modules'), path.join(root, 'node_modules'));
    const css = await readFile(path.join(root, 'styles', 'print.css'), 'utf8');
    await writeFile(path.join(root, 'styles', 'print.css'), `${css}\nh1 { background: url(https://example.com/ornament.png); }\n`);
    const line = css.split('\n').length + 1;
    const manuscript = await makeManuscript(GOOD);
    const out = await copyOfOutput(goodOut, path.join(work, 'stylesheet'));
    try {
      const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'run.mjs'), 'build', '--manuscript', manuscript, '--out', out, '--format', 'web'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stderr, new RegExp(`^styles/print\\.css:${line}:22\\s+error\\s+the stylesheet loads https://example\\.com/ornament\\.png: a build loads nothing from the network.*\\[styles/url\\]$`, 'm'));
      assert.deepEqual(await outputDigest(out), goodDigest);
    } finally {
      await removeDir(manuscript);
    }
  });
});

describe('cases that already passed, kept passing', () => {
  test('a bibliography that is not valid JSON: error where it breaks', async () => {
    const broken = BIBLIOGRAPHY.replace('"type": "book",\n    "author": [{ "family": "Marx"', '"type": "book"\n    "author": [{ "family": "Marx"');
    assert.notEqual(broken, BIBLIOGRAPHY);
    const line = broken.split('\n').findIndex((l) => l.includes('"family": "Marx"')) + 1;
    const run = await badBuild({ 'bronnen.json': broken });
    assertFailed(run, { file: 'bronnen.json', line, column: 5, rule: 'citations/bad-bibliography', message: /not valid JSON/ });
  });

  test('a CSL style that does not exist: error at its line in book.yaml', async () => {
    const run = await badBuild({ 'book.yaml': `${BOOK_YAML}  style: bestaat-niet\n` });
    assertFailed(run, { file: 'book.yaml', line: 10, column: 10, rule: 'citations/bad-style', message: /CSL style "bestaat-niet" not found/ });
  });
});
