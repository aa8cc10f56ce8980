import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { readBook } from '../scripts/lib/book.ts';
import { launchBrowser, type BrowserSession } from '../scripts/lib/browser.ts';
import { coverPreflightCheck } from '../scripts/lib/checks/cover-preflight-check.ts';
import { parseConfig } from '../scripts/lib/config/load-config.ts';
import { coverPage, frontHtml } from '../scripts/lib/cover/cover-html.ts';
import { loadCoverPage } from '../scripts/lib/cover/cover-page.ts';
import { spineHasText, spineWidth } from '../scripts/lib/cover/spine.ts';
import { pdfInfo, pdfPageBoxes, pdfText } from '../scripts/lib/pdf/poppler.ts';
import { toPoints } from '../scripts/lib/print/lengths.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { configDiagnostics, MINIMAL_CONFIG, removeDir } from './helpers.ts';
import { sharedBuild, type SharedBuild } from './shared-build.ts';

const press = (yaml: string) => parseConfig(`${MINIMAL_CONFIG}print:\n  press: ${yaml}\n`, 'book.yaml').config.print.press;
const IN = 72;
const MM = 72 / 25.4;
const close = (actual: number | undefined, expected: number, what: string, tolerance = 0.1): void =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance, `${what}: ${actual} ≉ ${expected}`);

describe('the spine (pages × caliper, from the printer’s profile)', () => {
  for (const pages of [120, 312]) {
    test(`${pages} pages: KDP white and cream, Lulu, Pumbo`, () => {
      close(spineWidth(press('{ printer: kdp }'), pages), pages * 0.002252 * IN, 'KDP white', 1e-6);
      close(spineWidth(press('{ printer: kdp, paper: cream }'), pages), pages * 0.0025 * IN, 'KDP cream', 1e-6);
      close(spineWidth(press('{ printer: lulu }'), pages), (pages / 444 + 0.06) * IN, 'Lulu', 0.001);
      close(spineWidth(press('{ printer: pumbo }'), pages), pages * 0.05 * MM, 'Pumbo', 1e-6);
      close(spineWidth(press('{ printer: pumbo, caliper: 0.07mm }'), pages), pages * 0.07 * MM, 'book.yaml caliper', 1e-6);
    });
  }

  test('spine text: KDP from 79 pages, the others from a width a line fits in', () => {
    assert.equal(spineHasText(press('{ printer: kdp }'), 78), false);
    assert.equal(spineHasText(press('{ printer: kdp }'), 79), true);
    // Generic: 6 mm at 0.05 mm a page is 120 pages.
    assert.equal(spineHasText(press('{}'), 119), false);
    assert.equal(spineHasText(press('{}'), 120), true);
  });

  test('an ISBN with a wrong check digit, and a negative caliper, are errors at their book.yaml line', () => {
    const [isbn, ...more] = configDiagnostics(MINIMAL_CONFIG.replace('chapters:', 'identifiers:\n  isbn: 978-90-8300-000-7\nchapters:'));
    assert.equal(more.length, 0);
    assert.equal(isbn?.rule, 'config/invalid');
    assert.equal(isbn?.line, 7);
    assert.match(isbn?.message ?? '', /identifiers\.isbn.*check digit of 978-90-8300-000-7 is 7; its first twelve digits call for 8/);
    const [caliper] = configDiagnostics(`${MINIMAL_CONFIG}print:\n  press:\n    caliper: -0.05mm\n`);
    assert.equal(caliper?.line, 10);
    assert.match(caliper?.message ?? '', /print\.press\.caliper/);
  });
});

describe('the cover of a book (npm run build -- --format cover)', () => {
  const manuscript = path.join(projectRoot, 'tests', 'manuscripts', 'cover');
  let build: SharedBuild;
  let cover: string;
  const [trimWidth, trimHeight, bleed] = [toPoints('130mm'), toPoints('200mm'), toPoints('4mm')];

  before(async () => {
    build = await sharedBuild(manuscript, ['--format', 'cover']);
    cover = path.join(build.out, 'het-omslag-cover.pdf');
  });

  /** The printer binds the pages padded to the press signature of 8; each is 0.8 mm of paper. */
  const spine = (): number => {
    const pages = Number(/spine [\d.]+ mm for (\d+) pages/.exec(build.run.stdout)?.[1]);
    assert.equal(pages % 8, 0, build.run.stdout);
    return pages * 0.8 * MM;
  };

  test('is a one-page PDF/X-1a whose TrimBox is back, spine and front and whose BleedBox adds the bleed', async () => {
    assert.equal(build.run.code, 0, build.run.stderr);
    assert.match(build.run.stdout, /COVER\s+.*het-omslag-cover\.pdf\s+spine [\d.]+ mm for \d+ pages, PDF\/X-1a:2003/);
    const info = await pdfInfo(cover);
    assert.equal(info.fields['PDF subtype'], 'PDF/X-1a:2003');
    const [boxes, ...others] = await pdfPageBoxes(cover);
    assert.equal(others.length, 0);
    const t = boxes!.TrimBox;
    const b = boxes!.BleedBox;
    close(t[2]! - t[0]!, 2 * trimWidth + spine(), 'trim width = 2 × trim + spine');
    close(t[3]! - t[1]!, trimHeight, 'trim height');
    close(t[0]! - b[0]!, bleed, 'bleed left');
    close(b[2]! - t[2]!, bleed, 'bleed right');
    close(b[3]! - b[1]!, trimHeight + 2 * bleed, 'bleed height');
    assert.deepEqual(boxes!.MediaBox, b, 'no marks: the sheet is the bleed box');
  });

  test('the spine carries the title and author; the back its text from cover.md', async () => {
    const text = (await pdfText(cover, 1, 'raw')).replace(/\s+/g, ' ');
    for (const words of ['Het omslag', 'Anna de Vries', 'Een proef van rug en achterplat', 'Uitgeverij Proef', 'Een boek over een omslag', 'komt uit cover.md']) {
      assert.ok(text.toLowerCase().includes(words.toLowerCase()), `${words} not on the cover: ${text}`);
    }
    // Title and author twice: on the front and on the spine.
    assert.equal(text.split('Anna de Vries').length - 1, 2, text);
  });

  test('the barcode, vectors on the back, decodes to the ISBN (zbarimg)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cover-scan-'));
    try {
      execFileSync('pdftoppm', ['-r', '300', '-png', '-singlefile', cover, path.join(dir, 'cover')]);
      const image = sharp(path.join(dir, 'cover.png'));
      const { width = 0, height = 0 } = await image.metadata();
      // The back is the left half: the barcode is found there.
      await image.extract({ left: 0, top: 0, width: Math.floor(width / 2), height }).toFile(path.join(dir, 'back.png'));
      assert.equal(execFileSync('zbarimg', ['-q', path.join(dir, 'back.png')], { encoding: 'utf8' }).trim(), 'EAN-13:9789083000008');
      // Vectors: the PDF holds no raster image at all.
      assert.deepEqual(execFileSync('pdfimages', ['-list', cover], { encoding: 'utf8' }).trim().split('\n').slice(2), []);
    } finally {
      await removeDir(dir);
    }
  });

  test('the cover preflight finds nothing; read against Pumbo’s profile it reports the missing marks and the boxes', async () => {
    const pages = Number(/spine [\d.]+ mm for (\d+) pages/.exec(build.run.stdout)?.[1]);
    const outputs = { cover: { file: cover, proof: '', pages, spine: spine(), spineText: true, bytes: 0 } };
    const browser = () => Promise.reject(new Error('the preflight uses no browser'));
    const clean = await coverPreflightCheck.run({ book: await readBook({ manuscriptDir: manuscript }), outDir: build.out, outputs, browser });
    assert.deepEqual(clean.filter((d) => d.severity !== 'info'), []);
    const dir = await mkdtemp(path.join(tmpdir(), 'cover-pumbo-'));
    try {
      await cp(manuscript, dir, { recursive: true });
      const yaml = await readFile(path.join(dir, 'book.yaml'), 'utf8');
      await writeFile(path.join(dir, 'book.yaml'), yaml.replace('press: { caliper: 0.8mm }', 'press: { caliper: 0.8mm, printer: pumbo }'));
      const found = await coverPreflightCheck.run({ book: await readBook({ manuscriptDir: dir }), outDir: build.out, outputs, browser });
      const rules = new Set(found.map((d) => d.rule));
      assert.ok(rules.has('press/crop-marks') && rules.has('press/page-boxes'), JSON.stringify(found, null, 1));
      assert.equal(found.find((d) => d.rule === 'press/crop-marks')?.page, 1);
    } finally {
      await removeDir(dir);
    }
  });

  test('the proof PNG shows the folds at the spine’s edges', async () => {
    const proof = path.join(build.out, 'het-omslag-cover-proof.png');
    const { data, info } = await sharp(proof).raw().toBuffer({ resolveWithObject: true });
    const px = (pt: number): number => Math.round((pt * 100) / 72);
    const row = Math.round(info.height / 2);
    const isFold = (x: number): boolean => {
      const at = (row * info.width + x) * info.channels;
      return data[at]! > 180 && data[at + 1]! < 60 && data[at + 2]! > 100;
    };
    const folds = [bleed + trimWidth, bleed + trimWidth + spine()].map(px);
    for (const x of folds) assert.ok([x - 1, x, x + 1].some(isFold), `no fold line at x ${x}`);
    assert.ok(!isFold(px(bleed + trimWidth / 2)), 'the back has no fold');
  });
});

describe('a page of the cover design (the EPUB’s cover image, the printed cover), written into a blank tab', () => {
  let session: BrowserSession;
  before(async () => {
    session = await launchBrowser();
  });
  after(async () => {
    await session.close();
  });

  const book = { config: parseConfig(MINIMAL_CONFIG, 'book.yaml').config };
  const variables = ':root { --u: 1px; --front-w: 1600px; --front-h: 2400px; }';

  test('has styles/cover.css and the body font from the build, as a page of the build’s own origin had', async () => {
    const page = await session.browser.newPage();
    try {
      assert.deepEqual(await loadCoverPage(book, page, coverPage(book, frontHtml(book), variables), 30_000), []);
      // Fetched with CORS from the blank document's origin: a font refused fails without a word, and the cover
      // falls back to a font of the machine.
      const faces = await page.evaluate(() => [...document.fonts].filter((f) => f.status === 'loaded').map((f) => `${f.family} ${f.weight} ${f.style}`));
      for (const face of ['EB Garamond 500 normal', 'EB Garamond 700 normal']) assert.ok(faces.includes(face), `${face} in ${faces.join(', ')}`);
      const style = await page.$eval('.title', (h) => [getComputedStyle(h).fontFamily, getComputedStyle(document.body).backgroundColor]);
      assert.deepEqual(style, ['"EB Garamond", serif', 'rgb(122, 23, 18)']);
    } finally {
      await page.close();
    }
  });

  test('anything else it asks for is refused and named', async () => {
    const page = await session.browser.newPage();
    try {
      const html = coverPage(book, `${frontHtml(book)}<img src="https://example.org/art.png" alt=""><img src="/elsewhere/art.png" alt="">`, variables);
      const blocked = await loadCoverPage(book, page, html, 30_000);
      assert.deepEqual(blocked.sort(), ['http://book.invalid/elsewhere/art.png', 'https://example.org/art.png']);
    } finally {
      await page.close();
    }
  });
});
