import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument, PDFName } from 'pdf-lib';
import { after, before, describe, test } from 'node:test';
import { readBook } from '../scripts/lib/book.ts';
import { preflightCheck } from '../scripts/lib/checks/preflight-check.ts';
import { parseConfig } from '../scripts/lib/config/load-config.ts';
import { pdfPageTexts } from '../scripts/lib/pdf/poppler.ts';
import { inkCoverage, pageInk, type Rect } from '../scripts/lib/press/ghostscript.ts';
import { withinInkLimit } from '../scripts/lib/press/ink-limit.ts';
import { PRINTERS } from '../scripts/lib/press/printers/index.ts';
import type { PrintResult } from '../scripts/lib/targets/outputs.ts';
import { chapterWithNotes, minimalConfig } from './fixtures.ts';
import { configDiagnostics, makeManuscript, MINIMAL_CONFIG, removeDir, runScript, type RunResult } from './helpers.ts';

const pressOf = (yaml: string) => parseConfig(`${MINIMAL_CONFIG}${yaml}`, 'book.yaml').config.print;

describe('printer profiles (book.yaml print.press.printer)', () => {
  test('no printer is the generic profile: the press PDF as it was (3 mm bleed, no marks, 300 %, PDF/X-1a)', () => {
    const print = pressOf('');
    assert.equal(print.press.printer, 'generic');
    assert.equal(print.bleed, '3mm');
    assert.equal(print.marks, false);
    assert.equal(print.press.inkLimit, 300);
    assert.equal(print.press.pdfx, 'PDF/X-1a:2003');
    assert.deepEqual(print.press.exclude, ['annotations']);
  });

  test('each printer sets its bleed, marks, ink limit and what its file may not hold', () => {
    const kdp = pressOf('print:\n  press: { printer: kdp }\n');
    assert.equal(kdp.bleed, '0.125in');
    assert.equal(kdp.marks, false);
    assert.deepEqual([...kdp.press.exclude].sort(), ['annotations', 'bookmarks', 'metadata']);
    assert.equal(kdp.press.caliper, '0.002252in');
    assert.equal(pressOf('print:\n  press: { printer: kdp, paper: cream }\n').press.caliper, '0.0025in');
    const ingram = pressOf('print:\n  press: { printer: ingramspark }\n');
    assert.equal(ingram.press.inkLimit, 240);
    const pumbo = pressOf('print:\n  press: { printer: pumbo }\n');
    assert.equal(pumbo.bleed, '3mm');
    assert.equal(pumbo.marks, true);
    assert.equal(pumbo.press.inkLimit, 300);
    assert.equal(pumbo.press.outputCondition, 'FOGRA39');
    for (const [name, profile] of Object.entries(PRINTERS)) {
      const print = pressOf(`print:\n  press: { printer: ${name} }\n`);
      assert.equal(print.bleed, profile.bleed, name);
      assert.equal(print.press.inkLimit, profile.inkLimit, name);
      assert.equal(print.marks, profile.cropMarks === 'required', name);
    }
  });

  test('every value of the profile can be overridden in book.yaml', () => {
    const print = pressOf(
      'print:\n  bleed: 5mm\n  marks: false\n  press:\n    printer: pumbo\n    inkLimit: 280\n    pdfx: PDF/X-3:2003\n    exclude: [bookmarks]\n    minImagePpi: 200\n    minLineWeight: 0.3pt\n    caliper: 0.07mm\n',
    );
    assert.equal(print.bleed, '5mm');
    assert.deepEqual(
      [print.marks, print.press.inkLimit, print.press.pdfx, print.press.exclude, print.press.minImagePpi, print.press.minLineWeight, print.press.caliper],
      [false, 280, 'PDF/X-3:2003', ['bookmarks'], 200, '0.3pt', '0.07mm'],
    );
  });

  test('an unknown printer, a caliper of 0 or below, an unknown exclusion are errors at their book.yaml line', () => {
    const at = (yaml: string) => {
      const [d, ...rest] = configDiagnostics(`${MINIMAL_CONFIG}${yaml}`);
      assert.equal(rest.length, 0, JSON.stringify(rest));
      return d!;
    };
    const printer = at('print:\n  press:\n    printer: epson\n');
    assert.equal(printer.rule, 'config/invalid');
    assert.equal(printer.line, 10);
    assert.match(printer.message, /print\.press\.printer.*unknown printer: expected one of generic, kdp, ingramspark, lulu, pumbo/);
    for (const value of ['-0.1mm', '0mm']) {
      const caliper = at(`print:\n  press:\n    printer: lulu\n    caliper: ${value}\n`);
      assert.equal(caliper.line, 11, value);
      assert.equal(caliper.column, 14, value);
      assert.match(caliper.message, /print\.press\.caliper.*more than 0/, value);
    }
    assert.equal(at('print:\n  press:\n    exclude: [bookmarks, fonts]\n').line, 10);
  });
});

const printers = ['kdp', 'pumbo', 'ingramspark'] as const;
const dirs = new Map<string, string>();
const runs = new Map<string, RunResult>();
let pressBuilt: Promise<void> | undefined;

/** One build of the press PDF and the cover per printer, made once for this file: the preflight tests below read
 * the KDP build's screen PDF too. */
function pressBuilds(): Promise<void> {
  pressBuilt ??= (async () => {
    const chapter = chapterWithNotes('Het hoofdstuk', 2, 3);
    for (const printer of printers) {
      // No bleed or marks in book.yaml: the printer's profile gives them.
      const dir = await makeManuscript({ 'book.yaml': minimalConfig(`slug: proef\nprint:\n  press: { printer: ${printer} }\n`), '01-hoofdstuk.md': chapter });
      dirs.set(printer, dir);
      runs.set(printer, await runScript('build.ts', ['--manuscript', dir, '--out', path.join(dir, 'out'), '--format', 'press,cover']));
    }
  })();
  return pressBuilt;
}
after(() => Promise.all([...dirs.values()].map(removeDir)));

describe('the preflight reads the printer’s profile', () => {
  before(pressBuilds);

  /** The KDP build's screen PDF (bookmarks, XMP, Author, no marks) given to the preflight as a press PDF for `printer`. */
  const preflight = async (printer: string) => {
    assert.equal(runs.get('kdp')?.code, 0, runs.get('kdp')?.stderr);
    const dir = dirs.get(printer)!;
    const screen = path.join(dirs.get('kdp')!, 'out', 'proef.pdf');
    const pages = (await pdfPageTexts(screen)).length;
    return preflightCheck.run({
      book: await readBook({ manuscriptDir: dir }),
      outDir: path.join(dir, 'out'),
      outputs: { pdf: { file: screen, pages, bytes: 0 } as PrintResult, press: { file: screen, pages, bytes: 0, profile: { file: '', description: '' } } },
      browser: () => Promise.reject(new Error('the preflight uses no browser')),
    });
  };

  test('KDP: bookmarks and metadata are breaches; no crop marks is right', async () => {
    const diagnostics = await preflight('kdp');
    const rules = diagnostics.map((d) => d.rule);
    assert.ok(rules.includes('press/bookmarks'), JSON.stringify(diagnostics, null, 1));
    const metadata = diagnostics.filter((d) => d.rule === 'press/metadata').map((d) => d.message);
    assert.ok(metadata.some((m) => /XMP/.test(m)) && metadata.some((m) => /Author/.test(m)), metadata.join('\n'));
    assert.ok(!rules.includes('press/crop-marks'));
    assert.ok(!rules.includes('press/output-condition'));
  });

  test('Pumbo: every page without crop marks is reported with its page, and the output intent is not FOGRA', async () => {
    const diagnostics = await preflight('pumbo');
    const marks = diagnostics.filter((d) => d.rule === 'press/crop-marks');
    const pages = (await pdfPageTexts(path.join(dirs.get('kdp')!, 'out', 'proef.pdf'))).length;
    assert.deepEqual(marks.map((d) => d.page), Array.from({ length: pages }, (_, i) => i + 1));
    assert.match(marks[0]?.message ?? '', /Pumbo wants them/);
    assert.ok(diagnostics.some((d) => d.rule === 'press/output-condition' && d.severity === 'warning'));
    assert.ok(!diagnostics.some((d) => d.rule === 'press/bookmarks' || d.rule === 'press/metadata'), 'Pumbo takes bookmarks and metadata');
  });
});

test('a colour over the ink limit is separated down to it: grey component onto K first, then C, M and Y scaled', () => {
  const red = [0.298, 0.98, 0.996, 0.392] as const;
  const [c, m, y, k] = withinInkLimit(red, 240);
  assert.ok(Math.abs(c + m + y + k - 2.4) < 1e-9, `${c + m + y + k}`);
  const moved = k - red[3];
  assert.ok(moved > 0.13 && moved < 0.14, `K gains ${moved}`);
  for (const [i, v] of [c, m, y].entries()) assert.ok(Math.abs(red[i]! - v - moved) < 1e-9, 'C, M and Y each give what K gains');
  assert.deepEqual(withinInkLimit(red, 300), [...red], 'within the limit: unchanged');
  // K already full: only scaling is left.
  const scaled = withinInkLimit([0.9, 0.9, 0.9, 1], 240);
  assert.ok(Math.abs(scaled.reduce((a, b) => a + b) - 2.4) < 1e-9 && scaled[3] === 1);
});

describe('press PDFs for KDP, Pumbo and IngramSpark (npm run build -- --format press,cover)', () => {
  const press = (printer: string): string => path.join(dirs.get(printer)!, 'out', 'proef-press.pdf');

  before(pressBuilds);

  const load = async (file: string) => PDFDocument.load(await readFile(file), { updateMetadata: false });
  const bleedBoxes = async (file: string): Promise<Rect[]> =>
    (await load(file)).getPages().map((page) => {
      const b = page.getBleedBox();
      return [b.x, b.y, b.x + b.width, b.y + b.height];
    });
  /** The findings of the preflight on the press PDF the build wrote. */
  const preflight = async (printer: string) => {
    const pages = (await pdfPageTexts(press(printer))).length;
    return preflightCheck.run({
      book: await readBook({ manuscriptDir: dirs.get(printer)! }),
      outDir: path.join(dirs.get(printer)!, 'out'),
      outputs: { press: { file: press(printer), pages, bytes: 0, profile: { file: '', description: '' } } },
      browser: () => Promise.reject(new Error('the preflight uses no browser')),
    });
  };

  test('KDP: 0.125" bleed; no outline, no XMP, no Author or Subject, no crop marks; the screen PDF had them', async () => {
    assert.equal(runs.get('kdp')?.code, 0, runs.get('kdp')?.stderr);
    const screen = await load(path.join(dirs.get('kdp')!, 'out', 'proef.pdf'));
    assert.ok(screen.catalog.has(PDFName.of('Outlines')) && screen.catalog.has(PDFName.of('Metadata')) && screen.getAuthor(), 'the screen PDF keeps its outline and metadata');
    const pdf = await load(press('kdp'));
    assert.ok(!pdf.catalog.has(PDFName.of('Outlines')), 'outline');
    assert.ok(!pdf.catalog.has(PDFName.of('Metadata')), 'XMP');
    assert.deepEqual([pdf.getAuthor(), pdf.getSubject(), pdf.getKeywords(), pdf.getCreator()], [undefined, undefined, undefined, undefined]);
    assert.ok(pdf.getTitle(), 'PDF/X keeps the Title');
    for (const page of pdf.getPages()) {
      // Ghostscript writes the MediaBox to two decimals.
      const [media, bleed] = [page.getMediaBox(), page.getBleedBox()];
      assert.ok(Math.abs(media.width - bleed.width) < 0.01 && Math.abs(media.height - bleed.height) < 0.01 && media.x === bleed.x, 'no slug for marks');
      const trim = page.getTrimBox();
      assert.ok(Math.abs(trim.x - 0.125 * 72) < 0.05, `bleed ${trim.x} pt`);
    }
    const boxes = await bleedBoxes(press('kdp'));
    for (const page of await pageInk(press('kdp'), (n) => boxes[n - 1])) assert.equal(page.outside, 0, `page ${page.page}: ink outside the bleed`);
    const diagnostics = await preflight('kdp');
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
  });

  test('Pumbo: crop marks outside the 3 mm bleed on every page and on the cover; no pixel over 300 % ink', async () => {
    assert.equal(runs.get('pumbo')?.code, 0, runs.get('pumbo')?.stderr);
    const boxes = await bleedBoxes(press('pumbo'));
    const ink = await pageInk(press('pumbo'), (page) => boxes[page - 1]);
    assert.equal(ink.length, boxes.length);
    for (const page of ink) {
      assert.ok(page.outside > 0, `page ${page.page}: no crop marks outside the bleed`);
      assert.ok(page.maxTotal <= 300, `page ${page.page}: ${page.maxTotal} %`);
    }
    const cover = path.join(dirs.get('pumbo')!, 'out', 'proef-cover.pdf');
    const [coverBleed] = await bleedBoxes(cover);
    const [coverInk] = await pageInk(cover, () => coverBleed);
    assert.ok((coverInk?.outside ?? 0) > 0, 'the cover has crop marks too');
    const diagnostics = await preflight('pumbo');
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
    assert.ok(diagnostics.some((d) => d.rule === 'press/output-condition'), 'Ghostscript’s SWOP profile is not FOGRA39');
  });

  test('IngramSpark: total ink at most 240 % on every page (inkcov and every pixel)', async () => {
    assert.equal(runs.get('ingramspark')?.code, 0, runs.get('ingramspark')?.stderr);
    const coverage = await inkCoverage(press('ingramspark'));
    assert.ok(coverage.length > 0);
    for (const page of coverage) assert.ok(page.c + page.m + page.y + page.k <= 2.4, `page ${page.page}: ${JSON.stringify(page)}`);
    for (const page of await pageInk(press('ingramspark'))) assert.ok(page.maxTotal <= 240, `page ${page.page}: ${page.maxTotal} %`);
    // The cover's dark red comes out of the CMYK profile at about 267 %: separated down to the limit.
    const [cover] = await pageInk(path.join(dirs.get('ingramspark')!, 'out', 'proef-cover.pdf'));
    assert.ok(cover && cover.maxTotal <= 240 && cover.maxTotal > 230, `the cover: ${cover?.maxTotal} %`);
    const diagnostics = await preflight('ingramspark');
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
  });
});
