import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pdfFonts, pdfInfo, pdfPageTexts, pdfText } from '../scripts/lib/pdf/poppler.ts';
import { PdfReader } from '../scripts/lib/pdf/read-pdf.ts';
import { toPoints } from '../scripts/lib/print/lengths.ts';
import { chapterWithNotes, minimalConfig } from './fixtures.ts';
import { OWN_BROWSER, listFiles, makeManuscript, removeDir, runScript, type RunResult } from './helpers.ts';

const close = (actual: number | undefined, expected: number, tolerance = 0.05): void =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance, `${actual} ≉ ${expected}`);

describe('a small manuscript with a custom trim size', () => {
  let dir: string;
  let out: string;
  let run: RunResult;
  let pdfFile: string;
  let reader: PdfReader;
  let pages: string[];

  before(async () => {
    dir = await makeManuscript({
      'book.yaml': minimalConfig(
        'slug: proefboek\nprint:\n  trim: { width: 120mm, height: 190mm }\n  bleed: 5mm\n',
      ).replace('  - 01-hoofdstuk.md\n', '  - 01-hoofdstuk.md\n  - 02-tweede.md\n'),
      '01-hoofdstuk.md': chapterWithNotes('Het eerste hoofdstuk', 3, 6),
      '02-tweede.md': chapterWithNotes('Het tweede hoofdstuk', 2, 5),
    });
    out = path.join(dir, 'out');
    run = await runScript('build.ts', ['--manuscript', dir, '--out', out, '--format', 'pdf']);
    pdfFile = path.join(out, 'proefboek.pdf');
    if (run.code === 0) {
      reader = await PdfReader.load(await readFile(pdfFile));
      pages = await pdfPageTexts(pdfFile);
    }
  });
  after(() => removeDir(dir));

  test('the build succeeds and prints a summary', () => {
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /PDF\s+.*proefboek\.pdf\s+\d+ pages\s+\d+ KB/);
    assert.match(run.stderr, /paginating with Paged\.js/);
  });

  test('trim and bleed boxes follow book.yaml', async () => {
    const { boxes } = await pdfInfo(pdfFile);
    const [bleed, width, height] = [toPoints('5mm'), toPoints('120mm'), toPoints('190mm')];
    close(boxes.TrimBox[0], bleed);
    close(boxes.TrimBox[1], bleed);
    close((boxes.TrimBox[2] ?? 0) - (boxes.TrimBox[0] ?? 0), width);
    close((boxes.TrimBox[3] ?? 0) - (boxes.TrimBox[1] ?? 0), height);
    close(boxes.BleedBox[2], width + 2 * bleed);
    close(boxes.MediaBox[3], height + 2 * bleed);
  });

  test('every font is embedded TrueType from the configured family, none Type 3, no fallback', async () => {
    const fonts = await pdfFonts(pdfFile);
    assert.ok(fonts.length >= 2);
    for (const font of fonts) {
      assert.ok(font.embedded, `${font.name} not embedded`);
      assert.doesNotMatch(font.type, /Type 3/);
      assert.match(font.name, /\+EBGaramond-/, `unexpected font ${font.name}`);
    }
  });

  test('every footnote is on the page of its call', async () => {
    const links = reader.noteLinks();
    assert.equal(links.length, 9 + 6);
    for (const link of links) assert.equal(link.notePage, link.callPage, `${link.name}`);
    for (let n = 1; n <= 9; n++) {
      const page = pages.findIndex((text) => text.includes(`Bronvermelding nummer ${n},`));
      assert.ok(page >= 0, `note ${n} text not found`);
    }
  });

  test('text is hyphenated at line ends but carries no soft hyphens', async () => {
    const all = pages.join('\n');
    assert.ok(!all.includes('\u00ad'), 'soft hyphen in the text layer');
    // Raw mode keeps the hyphens that pdftotext's default mode joins away.
    const raw = await pdfText(pdfFile, undefined, 'raw');
    const lineEndHyphens = raw.split('\n').filter((line) => /\p{L}-$/u.test(line)).length;
    assert.ok(lineEndHyphens > 3, `only ${lineEndHyphens} hyphenated line ends`);
  });

  test('metadata, language, XMP and an outline opening in the bookmarks panel', async () => {
    const { fields } = await pdfInfo(pdfFile);
    assert.equal(fields.Title, 'Proefboek');
    assert.equal(fields.Author, 'Anna de Vries');
    assert.equal(fields.Subject, 'Een klein boek om de pijplijn te testen.');
    assert.match(fields.Keywords ?? '', /proef/);
    assert.equal(reader.language(), 'nl');
    assert.match(reader.xmp() ?? '', /<dc:title>.*Proefboek/s);
    assert.equal(reader.pageMode(), 'UseOutlines');
    const outline = reader.outline();
    assert.deepEqual(
      outline.map((e) => [e.depth, e.title]),
      [
        [0, 'Het eerste hoofdstuk'],
        [1, 'Deel 1'],
        [1, 'Deel 2'],
        [1, 'Deel 3'],
        [0, 'Het tweede hoofdstuk'],
        [1, 'Deel 1'],
        [1, 'Deel 2'],
      ],
    );
    for (const entry of outline.filter((e) => e.depth === 0)) assert.equal(entry.page % 2, 1, 'chapter opens on a verso');
  });

  test('front matter: half-title, title page, colophon on its verso, contents, text from page 7', () => {
    assert.match(pages[0] ?? '', /Proefboek/i);
    assert.doesNotMatch(pages[1] ?? 'x', /\S/);
    assert.match(pages[2] ?? '', /Anna de Vries[\s\S]*Proefboek/i);
    assert.match(pages[3] ?? '', /versie/);
    assert.match(pages[4] ?? '', /Inhoud\s+Het eerste hoofdstuk\s+7\s+Het tweede hoofdstuk\s+\d+/i);
    assert.doesNotMatch(pages[5] ?? 'x', /\S/);
    assert.match(pages[6] ?? '', /Het eerste hoofdstuk/);
  });

  test('running heads and folios: none on opening pages, head and folio elsewhere', () => {
    const opening = (pages[6] ?? '').trim().split('\n');
    assert.equal(opening[0], 'Het eerste hoofdstuk');
    assert.equal(opening[opening.length - 1], '7');
    assert.match((pages[7] ?? '').trim(), /^8\s+Het eerste hoofdstuk\n/i);
    assert.match((pages[8] ?? '').trim(), /^Deel \d\s+9\n/i);
  });
});

describe('bad input stops the build with a clear message and leaves nothing behind', () => {
  const CHAPTER = '# Hoofdstuk\n\nTekst.\n';

  async function failingBuild(files: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<RunResult & { outFiles: string[] }> {
    const dir = await makeManuscript(files);
    const out = path.join(dir, 'out');
    try {
      const result = await runScript('build.ts', ['--manuscript', dir, '--out', out], env);
      return { ...result, outFiles: await listFiles(out) };
    } finally {
      await removeDir(dir);
    }
  }

  test('broken YAML', async () => {
    const r = await failingBuild({ 'book.yaml': 'title: "Proefboek\nauthor: x\n', '01-hoofdstuk.md': CHAPTER });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /book\.yaml:\d+:\d+\s+error\s+.*\[config\/yaml\]/);
    assert.deepEqual(r.outFiles, []);
  });

  test('unknown config key', async () => {
    const r = await failingBuild({ 'book.yaml': minimalConfig('colour: red\n'), '01-hoofdstuk.md': CHAPTER });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /book\.yaml:8:1\s+error\s+unknown key "colour"\s+\[config\/unknown-key\]/);
    assert.deepEqual(r.outFiles, []);
  });

  test('missing chapter file', async () => {
    const r = await failingBuild({ 'book.yaml': minimalConfig() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /book\.yaml:7:5\s+error\s+chapter file "01-hoofdstuk\.md" not found/);
    assert.deepEqual(r.outFiles, []);
  });

  test('footnote reference without definition', async () => {
    const r = await failingBuild({ 'book.yaml': minimalConfig(), '01-hoofdstuk.md': '# H\n\nEen zin.[^bron]\n' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /01-hoofdstuk\.md:3:9\s+error\s+footnote reference \[\^bron\] has no definition/);
    assert.deepEqual(r.outFiles, []);
  });

  test('no browser', async () => {
    const r = await failingBuild({ 'book.yaml': minimalConfig(), '01-hoofdstuk.md': CHAPTER }, { ...OWN_BROWSER, CHROMIUM_PATH: '/nonexistent/chromium' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /CHROMIUM_PATH is set to \/nonexistent\/chromium, which does not exist/);
    assert.match(r.stderr, /apt-get install chromium/);
    assert.deepEqual(r.outFiles, []);
  });

  test('a remote image is refused at its line while reading, before a browser starts', async () => {
    const r = await failingBuild({
      'book.yaml': minimalConfig(),
      '01-hoofdstuk.md': '# H\n\nTekst.\n\n![Kaart](http://example.com/kaart.png)\n',
    });
    assert.equal(r.code, 1);
    // The page's own guard (print/blocked-request) is tested in hermetic-page.test.ts.
    assert.match(r.stderr, /01-hoofdstuk\.md:5:1 +error +image http:\/\/example\.com\/kaart\.png .*\[images\/remote\]/);
    assert.doesNotMatch(r.stderr, /paginating|Paged\.js/);
    assert.deepEqual(r.outFiles, []);
  });
});
