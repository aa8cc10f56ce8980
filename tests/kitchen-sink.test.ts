import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import type { Diagnostic } from '../scripts/lib/diagnostics.ts';
import { readPdfLines, type PdfLine, type PdfPageLines } from '../scripts/lib/layout/pdf-lines.ts';
import { pdfFonts, pdfPageTexts } from '../scripts/lib/pdf/poppler.ts';
import { PdfReader } from '../scripts/lib/pdf/read-pdf.ts';
import { toPoints } from '../scripts/lib/print/lengths.ts';
import { KITCHEN_SINK } from './fixtures.ts';
import type { RunResult } from './helpers.ts';
import { sharedBuild } from './shared-build.ts';

// The kitchen sink is built once in all three formats by `npm run check` (which builds what every check needs
// and runs them all), and read back.

interface CheckReport {
  diagnostics: Diagnostic[];
  summary: { errors: number; warnings: number; infos: number };
}

/** Trim 135 × 210 mm, 3 mm bleed, margins 17/22/18/15 mm (the defaults the fixture's book.yaml keeps). */
const BLEED = toPoints('3mm');
const INNER = toPoints('18mm');
const OUTER = toPoints('15mm');
const TRIM_WIDTH = toPoints('135mm');

/** The text block of a page, in PDF points from the sheet's left edge: rectos (odd) have the inner margin left. */
function measureOf(page: number): { left: number; right: number } {
  const recto = page % 2 === 1;
  const left = BLEED + (recto ? INNER : OUTER);
  return { left, right: BLEED + TRIM_WIDTH - (recto ? OUTER : INNER) };
}

const lineText = (line: PdfLine): string => line.words.map((w) => w.text).join(' ');

describe('the kitchen sink: every construct a book uses, in all three formats', () => {
  let run: RunResult;
  let report: CheckReport;
  let out: string;
  let pdfFile: string;
  let pages: string[];
  let lines: PdfPageLines[];
  let reader: PdfReader;
  let epub: Record<string, Uint8Array>;
  let web: string;

  before(async () => {
    ({ out, run } = await sharedBuild(KITCHEN_SINK, ['--report', 'json'], 'check'));
    report = JSON.parse(run.stdout) as CheckReport;
    pdfFile = path.join(out, 'kitchen-sink.pdf');
    pages = await pdfPageTexts(pdfFile);
    lines = await readPdfLines(pdfFile);
    reader = await PdfReader.load(await readFile(pdfFile));
    epub = unzipSync(await readFile(path.join(out, 'kitchen-sink.epub')));
    web = await readFile(path.join(out, 'web', 'index.html'), 'utf8');
  });

  const allText = (): string => pages.join('\n');
  /** A content document's XHTML, soft hyphens left out. */
  const epubText = (name: string): string => strFromU8(epub[`OEBPS/${name}`] ?? new Uint8Array()).replace(/&#xAD;|\u00ad/g, '');

  test('npm run check: every format built, no errors and no warnings from the EPUB and web checks', () => {
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(report.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(report.diagnostics.filter((d) => /^(epub|web)\//.test(d.rule)), []);
  });

  test('lists: numbers, letters and Roman numerals as the manuscript has them, and no dash before them', () => {
    const text = allText();
    for (const item of [
      '3. Third, the first item',
      '4. Fourth, with a note',
      '6. Sixth and last',
      'a. the first lettered item',
      'c. the third lettered item',
      'A. First capital',
      'C. Third capital',
      'i. First Roman item',
      'iv. Fourth Roman item',
      'I. The first of two',
      'II. The second of two',
    ]) {
      assert.match(text, new RegExp(`^${item.replace(/[.()]/g, '\\$&')}`, 'm'), item);
    }
    assert.doesNotMatch(text, /–\s*\d+\.|–\s*[a-z]\.\s/, 'a dash before a number or letter');
    // Bullets stay on unordered items, and only there.
    assert.match(text, /^– The first item of a tight list\./m);
    assert.match(text, /^– a bullet inside a lettered item;/m);
  });

  test('a long numbered list counts on, once each, in order, wherever the page breaks it', () => {
    const names = 'Alpha|Bravo|Charlie|Delta|Echo|Foxtrot|Golf|Hotel|India|Juliet|Kilo|Lima';
    const numbers = [...allText().matchAll(new RegExp(`^(\\d+)\\. (?:${names}), the `, 'gm'))].map((m) => Number(m[1]));
    assert.deepEqual(numbers, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  test('the text after a list starts flush with the text block, not where the items\' text stands', () => {
    const all = lines.flatMap((p) => p.lines);
    for (const start of ['A loose list, its items separated', 'Lettered with capitals, and numbered', 'A long numbered list, which may break']) {
      const line = all.find((l) => lineText(l).startsWith(start));
      assert.ok(line, start);
      assert.ok(Math.abs(line.xMin - measureOf(line.page).left) < 0.5, `“${start}” starts at ${line.xMin.toFixed(1)} pt, the text block at ${measureOf(line.page).left.toFixed(1)} pt`);
    }
  });

  test('notes in list items, definitions, quotations and inline notes are set on their call pages', () => {
    const links = reader.noteLinks();
    assert.ok(links.length >= 7, `${links.length} note links`);
    for (const link of links) assert.equal(link.notePage, link.callPage, link.name);
    const text = allText();
    for (const note of ['A note called from a list item.', 'A note called from a numbered item.', 'A note called from a definition.', 'A note called from a block quotation.', 'An inline note, written where it is called']) {
      assert.ok(text.includes(note), note);
    }
  });

  test('a multi-paragraph note keeps its paragraphs, each on a line of its own', () => {
    const text = allText();
    assert.match(text, /\n\s*The second paragraph of the same note/);
    assert.match(text, /\n\s*A third paragraph, short\./);
  });

  test('nothing is set outside the text block', () => {
    for (const page of lines) {
      const { left, right } = measureOf(page.page);
      for (const line of page.lines) {
        assert.ok(line.xMin >= left - 0.5 && line.xMax <= right + 0.5, `page ${page.page}: “${lineText(line)}” runs from ${line.xMin.toFixed(1)} to ${line.xMax.toFixed(1)} pt, the measure is ${left.toFixed(1)}–${right.toFixed(1)}`);
      }
    }
  });

  test('a block quotation is set off, in smaller type, its first line not indented', () => {
    const find = (start: string): PdfLine => {
      const found = lines.flatMap((p) => p.lines).find((l) => lineText(l).startsWith(start));
      assert.ok(found, start);
      return found;
    };
    const text = find('The text goes on after the quotation.');
    const quote = find('A long quotation is set off');
    const nested = find('A quotation inside the quotation');
    const height = (l: PdfLine): number => Math.max(...l.words.map((w) => w.yMax - w.yMin));
    assert.ok(quote.xMin > text.xMin + 5, 'indented from the text');
    assert.ok(nested.xMin > quote.xMin + 5, 'a nested quotation is indented further');
    assert.ok(height(quote) < height(text) - 0.2, 'smaller type');
  });

  test('verse keeps its lines, and a turned-over line is indented under its own', () => {
    const text = allText();
    assert.match(text, /Verse keeps its lines as they were written,\n\s*each line a line of its own,\n/);
    assert.match(text, /12 Long Lane\n\s*Smalltown\n\s*The Netherlands/);
    const all = lines.flatMap((p) => p.lines);
    const first = all.find((l) => lineText(l).startsWith('even when a line is much too long'));
    assert.ok(first);
    const turned = all[all.indexOf(first) + 1];
    assert.ok(turned && turned.xMin > first.xMin + 5, 'the rest of a long line is indented');
    const indented = all.find((l) => lineText(l).startsWith('and an indented line keeps'));
    assert.ok(indented && indented.xMin > first.xMin + 5, 'leading spaces are kept');
  });

  test('definition lists, super- and subscripts, small capitals and section breaks are set', () => {
    const text = allText();
    assert.match(text, /Term\n\s*The definition of the term/);
    assert.match(text, /H2O/);
    assert.match(text, /12 m2/);
    assert.match(text, /VIRGINIA\s+WOOLF/);
    const breaks = [...text.matchAll(/^\s*\* \* \*\s*$/gm)].length;
    assert.equal(breaks, 2, 'each section break prints its ornament');
  });

  test('only the fonts book.yaml names are in the PDF: body, code and the symbol fallback, all embedded TrueType', async () => {
    const fonts = await pdfFonts(pdfFile);
    const families = new Set(fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, '').replace(/[-,].*$/, '').replace(/ExtraLight$/, '')));
    assert.deepEqual([...families].sort(), ['DejaVuSans', 'EBGaramond', 'SourceCodePro']);
    for (const font of fonts) {
      assert.ok(font.embedded, font.name);
      assert.match(font.type, /TrueType/, font.name);
    }
  });

  test('code keeps citation and note syntax literal, and a real citation becomes a note', () => {
    const text = allText();
    assert.match(text, /\[@doe99, p\. 33\]/);
    assert.match(text, /\[\^note\] and \^\[not a note\]/);
    assert.match(text, /As Doe argues \[@doe99, p\. 33\], a claim\.\[\^1\]/);
    assert.match(text, /\[\^1\]: A note that is not one\./);
    assert.match(text, /Jane Doe, A Book about Writing Books \(Example Press, 1999\), 12\./);
  });

  test('symbols, Greek and Cyrillic are set, in text and in code', () => {
    const text = allText();
    for (const phrase of ['x ∈ A', 'A ⊂ B', '∀x ∃y', 'A → B', 'a ≤ b ≠ c', 'αβγ, Ω', 'Москва']) assert.ok(text.includes(phrase), phrase);
    assert.match(text, /x\s+∈\s+A\s+→\s+B\./);
  });

  test('a 300-character code line wraps inside the measure, each turned-over line marked in the margin of the code', async () => {
    const all = lines.flatMap((p) => p.lines);
    const first = all.find((l) => lineText(l).startsWith('const sentence = "word01'));
    assert.ok(first, 'the long line is there');
    const rest = all.slice(all.indexOf(first) + 1, all.indexOf(first) + 12).filter((l) => l.page === first.page && /^word\d\d/.test(lineText(l)));
    assert.ok(rest.length >= 3, `${rest.length} turned-over lines`);
    assert.match(lineText(rest[rest.length - 1] as PdfLine), /the end\.+$/);
    const { left, right } = measureOf(first.page);
    for (const line of [first, ...rest]) assert.ok(line.xMin >= left - 0.5 && line.xMax <= right + 0.5, lineText(line));
    // The mark is drawn (not a glyph): look for ink left of each turned-over line, and none left of the first.
    const ink = async (line: PdfLine, from: number, to: number): Promise<number> => darkPixels(pdfFile, line.page, from, line.yMin, to, line.yMax);
    for (const line of rest) {
      assert.ok(line.xMin > first.xMin + 5, 'indented');
      assert.ok((await ink(line, first.xMin, line.xMin - 0.5)) > 3, `a mark before “${lineText(line).slice(0, 20)}”`);
    }
    assert.equal(await ink(first, left - 20, first.xMin - 0.5), 0, 'no mark before the first line');
  });

  test('plainly typed quotes, dashes and ellipses are set as English has them; curly ones stay', () => {
    const text = allText().replace(/\s+/g, ' ');
    for (const phrase of ['writes “straight quotes”, ‘single ones’ and an apostrophe in it’s and ’tis', 'a dash – like this – three for a long one—like this', 'the years 1914–1918', 'an ellipsis… The book’s language', 'quotes typed curly, “like these”, stay']) {
      assert.ok(text.includes(phrase), phrase);
    }
    const chapterOne = text.slice(text.indexOf('An author who types plainly'), text.indexOf('A section with a break'));
    assert.doesNotMatch(chapterOne, /["']|--/);
    for (const pair of [/12[ \u00a0]km/, /80[ \u00a0]%/, /3[ \u00a0]kg/, /p\.[ \u00a0]12\./]) assert.match(allText(), pair, 'a number and its unit on one line');
  });

  test('an English book gets English hyphenation and English labels in every format', () => {
    assert.match(allText(), /^CONTENTS$/m);
    const chapters = Object.keys(epub).filter((name) => /^OEBPS\/ch\d+\.xhtml$/.test(name)).map((name) => strFromU8(epub[name] as Uint8Array)).join('\n');
    assert.match(chapters, /para(&#xAD;|\u00ad)graph/, 'English patterns: para-graph');
    assert.doesNotMatch(chapters, /pa(&#xAD;|\u00ad)ra(&#xAD;|\u00ad)g/, 'no Dutch patterns');
    assert.match(chapters, /aria-label="Notes to Plain text"/);
    assert.match(epubText('toc.xhtml'), /Contents/);
    assert.match(epubText('toc.xhtml'), /Landmarks/);
    assert.doesNotMatch(epubText('toc.xhtml') + epubText('content.opf') + chapters, /Inhoud|Noten bij|Titelpagina|Colofon|Omslag<|Oriëntatiepunten|gedrukte uitgave|e-boek/);
    assert.match(web, /<a class="skip-link" href="#tekst">Skip to the text<\/a>/);
    assert.match(web, /<h2 id="toc-title">Contents<\/h2>/);
    assert.match(web, /Set in EB Garamond, Source Code Pro and DejaVu Sans\./);
    assert.match(web, /<meta property="og:locale" content="en_US">/);
    assert.match(allText(), /Set in EB Garamond, Source Code Pro and DejaVu Sans\./);
  });

  test('links print black and not underlined, with the address of an outside link in a note on the same page', async () => {
    const all = lines.flatMap((p) => p.lines);
    const line = all.find((l) => lineText(l).includes('the Pandoc manual'));
    assert.ok(line, 'the link text');
    const words = line.words.filter((w) => ['the', 'Pandoc', 'manual'].includes(w.text));
    const box = { x0: Math.min(...words.map((w) => w.xMin)), x1: Math.max(...words.map((w) => w.xMax)), y0: line.yMin, y1: line.yMax + 2 };
    assert.equal(await colouredPixels(pdfFile, line.page, box.x0, box.y0, box.x1, box.y1), 0, 'no coloured ink in the link');
    const page = pages[line.page - 1] ?? '';
    assert.match(page, /\d+\s+https:\/\/pandoc\.org\/MANUAL\.html/, 'its address in a note on the page');
    assert.match(page, /A note with a link \(https:\/\/example\.org\/in-a-note\) in it\./, 'in a note, the address in parentheses');
    assert.doesNotMatch(allText(), /\d+\s+https:\/\/example\.org\/a\/rather/, 'an address written out has no note');
    assert.match(allText(), /\d+\s+editor@example\.org/);
  });

  test('the EPUB and the web edition keep live links and print no address notes', () => {
    const chapter = epubText('ch1.xhtml');
    assert.match(chapter, /<a href="https:\/\/pandoc\.org\/MANUAL\.html">the Pandoc manual<\/a>/);
    assert.doesNotMatch(chapter, /<aside[^>]*>\s*<p>[^<]*<a[^>]*>\d+\.<\/a>\s*https:\/\/pandoc/);
    assert.match(web, /<a href="https:\/\/pandoc\.org\/MANUAL\.html">the Pandoc manual<\/a>/);
    assert.doesNotMatch(web, /class="note"[^>]*>(<span[^>]*>\d+<\/span>\s*)?<span class="note-para"><span class="url">/);
  });

  test('raw HTML is left out, with one warning at its line and column', async () => {
    const raw = report.diagnostics.filter((d) => d.rule === 'markdown/raw-html');
    assert.equal(raw.length, 1, JSON.stringify(raw));
    const source = (await readFile(path.join(KITCHEN_SINK, '01-text.md'), 'utf8')).split('\n');
    const found = raw[0] as Diagnostic;
    assert.equal(path.basename(found.file), '01-text.md');
    assert.equal(found.severity, 'warning');
    assert.equal(source[found.line - 1]?.slice(found.column - 1, found.column + 4), '<kbd>');
    assert.match(allText(), /Raw HTML is not part of the dialect: Ctrl is set as “Ctrl”/);
    assert.doesNotMatch(allText() + web + epubText('ch1.xhtml'), /&lt;kbd|<kbd/);
  });

  test('the EPUB keeps list numbering, definition lists, quotations and line blocks', () => {
    const chapter = Object.keys(epub).filter((name) => /^OEBPS\/ch\d+\.xhtml$/.test(name)).map((name) => epubText(name.slice('OEBPS/'.length))).join('\n');
    assert.match(chapter, /<ol start="3">/);
    assert.match(chapter, /<ol type="a">/);
    assert.match(chapter, /<ol type="i">/);
    assert.match(chapter, /<dl>\s*<dt>Term<\/dt>/);
    assert.match(chapter, /<blockquote>\s*(<span[^>]*><\/span>)?<p>A long quotation/);
    assert.match(chapter, /<div class="line-block">/);
    assert.match(chapter, /<hr\s*\/>/);
    assert.match(chapter, /<pre class="code"><code class="language-js"><span class="code-line">/);
    const fonts = Object.keys(epub).filter((name) => name.startsWith('OEBPS/fonts/'));
    for (const family of ['eb-garamond-latin-400-normal', 'source-code-pro-latin-400-normal', 'dejavu-sans-latin-400-normal']) {
      assert.ok(fonts.some((name) => name.includes(family)), `${family} embedded`);
    }
    assert.ok(fonts.some((name) => name.includes('eb-garamond-cyrillic')), 'the Cyrillic subset, which the text uses');
    assert.ok(!fonts.some((name) => name.includes('vietnamese')), 'no subset the text does not use');
    assert.match(epubText('style.css'), /code, pre, kbd, samp \{ font-family: "Source Code Pro", "DejaVu Sans", monospace; \}/);
  });

  test('the web edition has the same constructs', () => {
    assert.match(web, /<ol start="3"/);
    assert.match(web, /<ol type="A"/);
    assert.match(web, /<dl/);
    assert.match(web, /<sup>2<\/sup>/);
    assert.match(web, /<sub>2<\/sub>/);
    assert.match(web, /<span class="smallcaps">/);
    assert.match(web, /<div class="line-block"/);
    assert.match(web, /<span class="code-line">/);
  });

  test('the web edition carries the same fonts and names them for text and code', async () => {
    const css = await readFile(path.join(out, 'web', 'fonts.css'), 'utf8');
    assert.match(css, /--body-font: "EB Garamond", "DejaVu Sans";/);
    assert.match(css, /--mono-font: "Source Code Pro", "DejaVu Sans";/);
  });
});

/** Dark pixels (grey level below half) in a rectangle of a page, in PDF points, rendered at 300 dpi. */
async function darkPixels(pdf: string, page: number, x0: number, y0: number, x1: number, y1: number): Promise<number> {
  const scale = 300 / 72;
  const args = ['-f', String(page), '-l', String(page), '-r', '300', '-gray', '-x', String(Math.floor(x0 * scale)), '-y', String(Math.floor(y0 * scale)), '-W', String(Math.max(1, Math.ceil((x1 - x0) * scale))), '-H', String(Math.max(1, Math.ceil((y1 - y0) * scale))), pdf];
  const { stdout } = await promisify(execFile)('pdftoppm', args, { encoding: 'buffer', maxBuffer: 1 << 26 });
  // A binary PGM: "P5", width, height, maxval, then one byte a pixel.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(stdout.subarray(0, 50).toString('latin1'));
  assert.ok(header, 'a PGM image');
  const pixels = stdout.subarray(header[0].length);
  let dark = 0;
  for (const value of pixels) if (value < 128) dark++;
  return dark;
}

/** Pixels with colour in them (not grey: channels more than 24 apart) in a rectangle of a page, at 150 dpi. */
async function colouredPixels(pdf: string, page: number, x0: number, y0: number, x1: number, y1: number): Promise<number> {
  const scale = 150 / 72;
  const args = ['-f', String(page), '-l', String(page), '-r', '150', '-x', String(Math.floor(x0 * scale)), '-y', String(Math.floor(y0 * scale)), '-W', String(Math.max(1, Math.ceil((x1 - x0) * scale))), '-H', String(Math.max(1, Math.ceil((y1 - y0) * scale))), pdf];
  const { stdout } = await promisify(execFile)('pdftoppm', args, { encoding: 'buffer', maxBuffer: 1 << 26 });
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(stdout.subarray(0, 50).toString('latin1'));
  assert.ok(header, 'a PPM image');
  const pixels = stdout.subarray(header[0].length);
  let coloured = 0;
  for (let i = 0; i + 2 < pixels.length; i += 3) {
    const [r, g, b] = [pixels[i] as number, pixels[i + 1] as number, pixels[i + 2] as number];
    if (Math.max(r, g, b) - Math.min(r, g, b) > 24) coloured++;
  }
  return coloured;
}
