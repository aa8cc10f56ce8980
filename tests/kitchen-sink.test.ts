import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import type { Diagnostic } from '../scripts/lib/diagnostics.ts';
import { readPdfLines, type PdfLine, type PdfPageLines } from '../scripts/lib/layout/pdf-lines.ts';
import { pdfPageTexts } from '../scripts/lib/pdf/poppler.ts';
import { PdfReader } from '../scripts/lib/pdf/read-pdf.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { toPoints } from '../scripts/lib/print/units.ts';
import type { RunResult } from './helpers.ts';
import { sharedBuild } from './shared-build.ts';

/**
 * The kitchen sink: an ordinary English manuscript with every construct a book is written in, built once in
 * all three formats by `npm run check` (which builds what every check needs and runs them all) and read back.
 */
export const KITCHEN_SINK = path.join(projectRoot, 'tests', 'manuscripts', 'kitchen-sink');

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

  test('the EPUB keeps list numbering, definition lists, quotations and line blocks', () => {
    const chapter = Object.keys(epub).filter((name) => /^OEBPS\/ch\d+\.xhtml$/.test(name)).map((name) => epubText(name.slice('OEBPS/'.length))).join('\n');
    assert.match(chapter, /<ol start="3">/);
    assert.match(chapter, /<ol type="a">/);
    assert.match(chapter, /<ol type="i">/);
    assert.match(chapter, /<dl>\s*<dt>Term<\/dt>/);
    assert.match(chapter, /<blockquote>\s*(<span[^>]*><\/span>)?<p>A long quotation/);
    assert.match(chapter, /<div class="line-block">/);
    assert.match(chapter, /<hr\s*\/>/);
  });

  test('the web edition has the same constructs', () => {
    assert.match(web, /<ol start="3"/);
    assert.match(web, /<ol type="A"/);
    assert.match(web, /<dl/);
    assert.match(web, /<sup>2<\/sup>/);
    assert.match(web, /<sub>2<\/sub>/);
    assert.match(web, /<span class="smallcaps">/);
    assert.match(web, /<div class="line-block"/);
  });
});
