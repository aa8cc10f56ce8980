import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PDFDocument, PDFName, rgb, StandardFonts } from 'pdf-lib';
import { $ } from 'zx';
import { readBook } from '../scripts/lib/book.ts';
import { preflightCheck } from '../scripts/lib/checks/preflight-check.ts';
import { pdfFonts, pdfInfo, pdfPageBoxes, pdfPageTexts } from '../scripts/lib/pdf/poppler.ts';
import { convertToPdfx, GhostscriptError, inkCoverage, pdfxDefinition } from '../scripts/lib/press/ghostscript.ts';
import { findCmykProfile, readIccProfile } from '../scripts/lib/press/icc-profile.ts';
import { neutralRgbToGray, rewriteContent } from '../scripts/lib/press/neutral-gray.ts';
import type { PrintResult } from '../scripts/lib/targets/outputs.ts';
import { toPoints } from '../scripts/lib/print/lengths.ts';
import { chapterWithNotes, minimalConfig } from './fixtures.ts';
import { listFiles, makeManuscript, removeDir, runScript, type RunResult } from './helpers.ts';
import { bookRelease, type BookRelease } from './shared-build.ts';

const close = (actual: number | undefined, expected: number, what: string, tolerance = 0.1): void =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance, `${what}: ${actual} ≉ ${expected}`);

describe('the book’s press PDF (the book’s shared release, which builds it beside the screen PDF)', () => {
  let release: BookRelease;
  let run: RunResult;
  let press: string;
  let screen: string;

  before(async () => {
    release = await bookRelease();
    run = release.run;
    press = path.join(release.out, 'lenins-strijd-tegen-het-stalinisme-press.pdf');
    screen = path.join(release.out, 'lenins-strijd-tegen-het-stalinisme.pdf');
  });

  test('is written beside the screen PDF and released with it', () => {
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /^ {2}[0-9a-f]{16} {2}lenins-strijd-tegen-het-stalinisme-press\.pdf$/m);
    assert.match(run.stdout, /^ {2}[0-9a-f]{16} {2}lenins-strijd-tegen-het-stalinisme\.pdf$/m);
  });

  test('identifies as PDF/X-1a with a CMYK output intent', async () => {
    const { fields } = await pdfInfo(press);
    assert.equal(fields['PDF subtype'], 'PDF/X-1a:2003');
    const raw = (await readFile(press)).toString('latin1');
    assert.match(raw, /\/GTS_PDFXVersion\s*\(PDF\/X-1a:2003\)/);
    assert.match(raw, /\/S\s*\/GTS_PDFX/);
    assert.match(raw, /\/DestOutputProfile/);
  });

  test('every page has the trim of book.yaml and 3 mm bleed, and the count fills signatures of 4', async () => {
    const boxes = await pdfPageBoxes(press);
    const screenPages = (await pdfPageTexts(screen)).length;
    assert.equal(boxes.length, Math.ceil(screenPages / 4) * 4);
    const [bleed, width, height] = [toPoints('3mm'), toPoints('135mm'), toPoints('210mm')];
    boxes.forEach((b, i) => {
      const page = `page ${i + 1}`;
      close(b.TrimBox[0], bleed, `${page} TrimBox x0`);
      close(b.TrimBox[1], bleed, `${page} TrimBox y0`);
      close((b.TrimBox[2] ?? 0) - (b.TrimBox[0] ?? 0), width, `${page} trim width`);
      close((b.TrimBox[3] ?? 0) - (b.TrimBox[1] ?? 0), height, `${page} trim height`);
      assert.deepEqual(b.BleedBox.map((v) => Math.round(v * 10)), [0, 0, Math.round((width + 2 * bleed) * 10), Math.round((height + 2 * bleed) * 10)], page);
      assert.deepEqual(b.MediaBox, b.BleedBox, `${page}: a press file has no marks, so the sheet is the bleed`);
    });
  });

  test('fonts stay embedded TrueType, none Type 3', async () => {
    const fonts = await pdfFonts(press);
    assert.ok(fonts.length >= 3);
    for (const font of fonts) {
      assert.ok(font.embedded, `${font.name} not embedded`);
      assert.doesNotMatch(font.type, /Type 3/);
      assert.match(font.type, /TrueType/, font.name);
    }
  });

  test('inkcov: text pages carry black only (C = M = Y = 0), and they do carry K', async () => {
    const ink = await inkCoverage(press);
    const texts = await pdfPageTexts(press);
    assert.equal(ink.length, texts.length);
    let textPages = 0;
    for (const page of ink) {
      assert.deepEqual([page.c, page.m, page.y], [0, 0, 0], `page ${page.page}: ${JSON.stringify(page)}`);
      if ((texts[page.page - 1] ?? '').trim()) {
        textPages++;
        assert.ok(page.k > 0, `page ${page.page} has text but no K`);
      }
    }
    assert.ok(textPages >= 15, `${textPages} text pages`);
  });

  test('without the press step Chromium’s black is RGB, which inkcov prints as rich black', async () => {
    const ink = await inkCoverage(screen);
    assert.ok(ink.some((p) => p.c > 0 && p.m > 0 && p.y > 0), 'expected rich black in the RGB screen PDF');
  });

  test('the release’s checks run the preflight on it and find nothing', async () => {
    const report = await release.report();
    assert.deepEqual(report.diagnostics.filter((d) => d.rule.startsWith('press/')), []);
    assert.equal(report.summary.errors, 0);
    const rules = await runScript('check.ts', ['--list-rules']);
    for (const id of ['press/pdfx-version', 'press/output-intent', 'press/page-boxes', 'press/text-page-colour', 'press/total-ink', 'fonts/type3']) {
      assert.match(rules.stdout, new RegExp(`^${id}\\s+error`, 'm'));
    }
  });
});

describe('a proof with crop marks and a signature of 8 (book.yaml print.marks, print.signature)', () => {
  let dir: string;
  let run: RunResult;
  let press: string;
  let screen: string;

  before(async () => {
    dir = await makeManuscript({
      'book.yaml': minimalConfig('slug: proef\nprint:\n  trim: { width: 120mm, height: 190mm }\n  bleed: 5mm\n  marks: true\n  signature: 8\n  press: { enabled: true }\n'),
      '01-hoofdstuk.md': chapterWithNotes('Het hoofdstuk', 2, 5),
    });
    run = await runScript('build.ts', ['--manuscript', dir, '--out', path.join(dir, 'out'), '--format', 'pdf']);
    press = path.join(dir, 'out', 'proef-press.pdf');
    screen = path.join(dir, 'out', 'proef.pdf');
  });
  after(() => removeDir(dir));

  test('book.yaml alone turns the press PDF on, and the summary names both PDFs', () => {
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /PRESS\s+.*proef-press\.pdf\s+\d+ pages, PDF\/X-1a:2003/);
    assert.match(run.stdout, /PDF\s+.*proef\.pdf\s+\d+ pages/);
  });

  test('the sheet grows beyond the bleed to hold the marks; trim and bleed stay as configured', async () => {
    const boxes = await pdfPageBoxes(press);
    assert.equal(boxes.length % 8, 0);
    const [bleed, width, height] = [toPoints('5mm'), toPoints('120mm'), toPoints('190mm')];
    for (const b of boxes) {
      const slug = b.BleedBox[0] ?? 0;
      assert.ok(slug > 5 * 2.83, `slug ${slug}`);
      close(b.TrimBox[0], slug + bleed, 'TrimBox x0');
      close((b.TrimBox[2] ?? 0) - (b.TrimBox[0] ?? 0), width, 'trim width');
      close((b.TrimBox[3] ?? 0) - (b.TrimBox[1] ?? 0), height, 'trim height');
      close((b.BleedBox[2] ?? 0) - (b.BleedBox[0] ?? 0), width + 2 * bleed, 'bleed width');
      close(b.MediaBox[2], width + 2 * bleed + 2 * slug, 'sheet width');
    }
  });

  test('crop marks are drawn outside the bleed, in K only, on every page including the blank ones', async () => {
    const boxes = await pdfPageBoxes(press);
    const last = boxes.length;
    // Render the last (blank, padded) page in grey at 1 pt per pixel: only the marks can be dark.
    const pgm = execFileSync('pdftoppm', ['-gray', '-r', '72', '-f', String(last), '-l', String(last), press]);
    const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.toString('latin1', 0, 40));
    assert.ok(header);
    const [w, h] = [Number(header[1]), Number(header[2])];
    const pixels = pgm.subarray(header[0].length);
    const b = boxes[last - 1] as { BleedBox: number[] };
    let insideBleed = 0;
    let outside = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if ((pixels[y * w + x] as number) > 128) continue;
        const [px, py] = [x + 0.5, h - y - 0.5];
        const inBleed = px > (b.BleedBox[0] ?? 0) && px < (b.BleedBox[2] ?? 0) && py > (b.BleedBox[1] ?? 0) && py < (b.BleedBox[3] ?? 0);
        if (inBleed) insideBleed++;
        else outside++;
      }
    }
    assert.equal(insideBleed, 0, 'marks reach into the bleed');
    assert.ok(outside >= 8 * 10, `only ${outside} dark pixels outside the bleed`);
    for (const page of await inkCoverage(press)) assert.deepEqual([page.c, page.m, page.y], [0, 0, 0]);
  });

  test('the screen PDF has the same pages and no marks: its last, blank page is white to the edge of the bleed', async () => {
    const pages = (await pdfPageBoxes(screen)).length;
    assert.equal(pages, (await pdfPageBoxes(press)).length, 'the press PDF adds no pages: the screen PDF is padded to the signature');
    assert.equal(pages % 8, 0);
    const pgm = execFileSync('pdftoppm', ['-gray', '-r', '72', '-f', String(pages), '-l', String(pages), screen]);
    const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.toString('latin1', 0, 40));
    assert.ok(header);
    const dark = [...pgm.subarray(header[0].length)].filter((v) => v <= 128).length;
    assert.equal(dark, 0, 'print.marks draws crop marks on the press sheet only, never in the screen PDF’s bleed');
  });
});

describe('neutral colours go on K, colours stay colour (Ghostscript, real conversion)', () => {
  test('rewriteContent turns neutral rg/RG into g/G and leaves strings, colours and inline images alone', () => {
    const { text, count } = rewriteContent('q 0 0 0 rg 0.5 .5 0.5 RG (0 0 0 rg) Tj 1 0 0 rg <00 00> Tj BI /W 1 ID 0 0 0 rg EI Q');
    assert.equal(count, 2);
    assert.equal(text, 'q 0 g 0.5 G (0 0 0 rg) Tj 1 0 0 rg <00 00> Tj BI /W 1 ID 0 0 0 rg EI Q');
  });

  test('black and grey RGB become K alone; red keeps its magenta and yellow', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'press-colour-'));
    try {
      const pdf = await PDFDocument.create();
      const font = await pdf.embedFont(StandardFonts.Helvetica);
      const fill = (colour: ReturnType<typeof rgb>, text = false): void => {
        const page = pdf.addPage([200, 200]);
        if (text) page.drawText('Zwart', { x: 10, y: 80, size: 60, font, color: colour });
        else page.drawRectangle({ x: 0, y: 0, width: 200, height: 200, color: colour });
      };
      fill(rgb(0, 0, 0), true);
      fill(rgb(0.5, 0.5, 0.5));
      fill(rgb(1, 0, 0));
      // As the press step does: the PDF is read from bytes, so its content streams are encoded ones.
      const loaded = await PDFDocument.load(await pdf.save());
      assert.equal(neutralRgbToGray(loaded), 2);
      const input = path.join(dir, 'in.pdf');
      await writeFile(input, await loaded.save());
      const profileFile = findCmykProfile();
      assert.ok(profileFile, 'Ghostscript’s CMYK profile is installed');
      const profile = readIccProfile(profileFile);
      assert.match(profile.description, /CMYK/);
      await writeFile(path.join(dir, 'def.ps'), pdfxDefinition(profile));
      await convertToPdfx(input, path.join(dir, 'out.pdf'), path.join(dir, 'def.ps'), profile, new Date(0));
      const { stdout } = await $({ quiet: true })`gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=ink_cov -o - ${path.join(dir, 'out.pdf')}`;
      const pages = stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).slice(0, 4).map(Number));
      const [black, grey, red] = pages as [number[], number[], number[]];
      assert.deepEqual(black.slice(0, 3), [0, 0, 0], `black text: ${black}`);
      assert.ok((black[3] ?? 0) > 0);
      assert.deepEqual(grey.slice(0, 3), [0, 0, 0], `grey: ${grey}`);
      close(grey[3], 50, 'grey K %', 2);
      assert.ok((red[1] ?? 0) > 50 && (red[2] ?? 0) > 50, `red: ${red}`);
    } finally {
      await removeDir(dir);
    }
  });
});

describe('a press profile that is not CMYK', () => {
  test('stops the build before anything is written, naming book.yaml', async () => {
    const dir = await makeManuscript({
      'book.yaml': minimalConfig('print:\n  press:\n    enabled: true\n    profile: rgb.icc\n'),
      '01-hoofdstuk.md': chapterWithNotes('Het hoofdstuk', 1, 2),
    });
    // A profile is a file of the manuscript: the RGB one Ghostscript ships, copied in.
    await copyFile('/usr/share/color/icc/ghostscript/default_rgb.icc', path.join(dir, 'rgb.icc'));
    try {
      const run = await runScript('build.ts', ['--manuscript', dir, '--out', path.join(dir, 'out')]);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /book\.yaml:11:14\s+error\s+print\.press\.profile: .*rgb\.icc is not a CMYK profile \(its colour space is RGB\); the press PDF needs one\s+\[press\/build\]/);
      assert.deepEqual(await listFiles(path.join(dir, 'out')), []);
    } finally {
      await removeDir(dir);
    }
  });
});

describe('Ghostscript’s quiet fallback to plain PDF', () => {
  test('fails the conversion instead of writing a file that claims PDF/X and is not', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'press-annot-'));
    try {
      const pdf = await PDFDocument.create();
      const page = pdf.addPage([200, 200]);
      // A link on the page: PDF/X allows none, and pdfwrite then quietly "reverts to normal PDF output".
      const link = pdf.context.obj({ Type: 'Annot', Subtype: 'Link', Rect: [10, 10, 100, 40], Border: [0, 0, 0] });
      page.node.set(PDFName.of('Annots'), pdf.context.obj([pdf.context.register(link)]));
      const input = path.join(dir, 'in.pdf');
      await writeFile(input, await pdf.save());
      const profile = readIccProfile(findCmykProfile() as string);
      await writeFile(path.join(dir, 'def.ps'), pdfxDefinition(profile));
      await assert.rejects(
        convertToPdfx(input, path.join(dir, 'out.pdf'), path.join(dir, 'def.ps'), profile, new Date(0)),
        (error: Error) => error instanceof GhostscriptError && /not permitted in PDF\/X|reverting/i.test(error.message),
      );
    } finally {
      await removeDir(dir);
    }
  });
});

describe('the preflight reports a PDF that is not press-ready', () => {
  let dir: string;
  let run: RunResult;

  before(async () => {
    dir = await makeManuscript({
      'book.yaml': minimalConfig('slug: proef\nprint:\n  signature: 16\n  padToSignature: false\n  press: { inkLimit: 250 }\n'),
      '01-hoofdstuk.md': chapterWithNotes('Het hoofdstuk', 1, 4),
    });
    run = await runScript('build.ts', ['--manuscript', dir, '--out', path.join(dir, 'out'), '--format', 'pdf']);
  });
  after(() => removeDir(dir));

  test('the screen PDF given as the press PDF fails on PDF/X, output intent, signature, colour and ink', async () => {
    assert.equal(run.code, 0, run.stderr);
    const screen = path.join(dir, 'out', 'proef.pdf');
    const book = await readBook({ manuscriptDir: dir });
    const pages = (await pdfPageTexts(screen)).length;
    assert.notEqual(pages % 16, 0, 'the fixture must not fill a signature of 16');
    const diagnostics = await preflightCheck.run({
      book,
      outDir: path.join(dir, 'out'),
      outputs: {
        pdf: { file: screen, pages, bytes: 0 } as PrintResult,
        press: { file: screen, pages, bytes: 0, profile: { file: '', description: '' } },
      },
      browser: () => Promise.reject(new Error('the preflight uses no browser')),
    });
    const rules = new Set<string>(diagnostics.map((d) => d.rule));
    for (const rule of ['press/pdfx-version', 'press/output-intent', 'print/signature', 'press/text-page-colour', 'press/total-ink']) {
      assert.ok(rules.has(rule), `${rule} not reported: ${JSON.stringify(diagnostics, null, 1)}`);
    }
    assert.ok(!rules.has('press/page-boxes'), 'the screen PDF has the right boxes already');
    const signature = diagnostics.find((d) => d.rule === 'print/signature');
    assert.equal(signature?.severity, 'error');
    assert.match(`${signature?.file} ${signature?.message}`, /proef\.pdf \d+ pages is not a multiple of the signature \(16\)$/);
    const colour = diagnostics.find((d) => d.rule === 'press/text-page-colour');
    assert.equal(colour?.severity, 'error');
    assert.ok(colour?.page && colour.page >= 1);
    assert.match(colour?.file ?? '', /proef\.pdf$/);
  });
});
