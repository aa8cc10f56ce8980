import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { loadBook } from '../scripts/lib/book.ts';
import { pdfFonts, pdfInfo, pdfPageTexts } from '../scripts/lib/pdf/poppler.ts';
import { PdfReader } from '../scripts/lib/pdf/read-pdf.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { toPoints } from '../scripts/lib/print/lengths.ts';
import type { RunResult } from './helpers.ts';
import { bookRelease } from './shared-build.ts';

const SECTIONS = [
  'Het begin van een internationale revolutie',
  'De burgeroorlog',
  'NEP en bureaucratisering',
  'De laatste strijd van Lenin',
];

describe('the book: Lenins strijd tegen het stalinisme', () => {
  let out: string;
  let run: RunResult;
  let pdfFile: string;
  let pages: string[];
  let reader: PdfReader;

  before(async () => {
    ({ out, run } = await bookRelease());
    pdfFile = path.join(out, 'lenins-strijd-tegen-het-stalinisme.pdf');
    if (run.code === 0) {
      pages = await pdfPageTexts(pdfFile);
      reader = await PdfReader.load(await readFile(pdfFile));
    }
  });

  test('builds', () => assert.equal(run.code, 0, run.stderr));

  test('is trimmed to 135 × 210 mm with 3 mm bleed', async () => {
    const { TrimBox, BleedBox } = (await pdfInfo(pdfFile)).boxes;
    const near = (a: number, b: number): boolean => Math.abs(a - b) < 0.05;
    assert.ok(near((TrimBox[2] ?? 0) - (TrimBox[0] ?? 0), toPoints('135mm')));
    assert.ok(near((TrimBox[3] ?? 0) - (TrimBox[1] ?? 0), toPoints('210mm')));
    assert.ok(near(BleedBox[2] ?? 0, toPoints('141mm')));
  });

  test('has the four sections in order, each in the text and the outline', () => {
    const text = pages.join('\n').toLowerCase();
    let from = 0;
    for (const section of SECTIONS) {
      const at = text.indexOf(`\n${section.toLowerCase()}\n`, from);
      assert.ok(at > from, `section "${section}" missing or out of order`);
      from = at;
    }
    assert.deepEqual(
      reader.outline().map((e) => [e.depth, e.title]),
      [[0, 'Lenins strijd tegen het stalinisme'], ...SECTIONS.map((s) => [1, s]), [0, 'Bronnen']],
    );
  });

  test('takes its notes from the bibliography, in Chicago style with the Dutch locale, shortened after the first', () => {
    const text = pages.join('\n').replace(/\s+/g, ' ');
    assert.match(text, /1 V\. I\. Lenin, “Political Report of the Central Committee of the R\.C\.P\.\(B\.\), March 27”, in Collected Works, vol\. 33/);
    assert.match(text, /2 Ibid\. /);
    assert.match(text, /Lenin, “Letter to the Congress”\. /);
    assert.match(text, /Toegeschreven aan Leon Trotski, z\.d\., bron niet gevonden\./);
    const last = (pages.filter((p) => p.trim()).at(-1) ?? '').replace(/\s+/g, ' ');
    assert.match(last, /Bronnen/);
    assert.match(last, /Carr, E\. H\. The Bolshevik Revolution 1917–1923\./);
  });

  test('sets every note at the foot of the page that calls it', async () => {
    const book = await loadBook({ manuscriptDir: path.join(projectRoot, 'manuscript') });
    const links = reader.noteLinks();
    assert.equal(links.length, book.chapters[0]?.notes.length);
    assert.ok(links.length >= 15);
    for (const link of links) assert.equal(link.notePage, link.callPage);
  });

  test('embeds every font, none Type 3, all EB Garamond', async () => {
    const fonts = await pdfFonts(pdfFile);
    assert.ok(fonts.some((f) => /EBGaramond-Italic/.test(f.name)));
    for (const f of fonts) {
      assert.ok(f.embedded);
      assert.doesNotMatch(f.type, /Type 3/);
      assert.match(f.name, /EBGaramond/);
    }
  });

  test('carries the editorial corrections, and no soft hyphens in its text', () => {
    const text = pages.join('\n');
    assert.ok(!text.includes('\u00ad'));
    assert.match(text, /Per-Åke Westerlund/);
    assert.match(text, /‘Staat en revolutie’/);
    assert.match(text, /Twaalfde Partijcongres/);
    assert.match(text, /die in 1995 overleed/);
    assert.doesNotMatch(text, /Staat van Revolutie|Per-Ake|weet niet nooit|maneuvreren/);
  });

  test('has its metadata', async () => {
    const { fields } = await pdfInfo(pdfFile);
    assert.equal(fields.Title, 'Lenins strijd tegen het stalinisme');
    assert.equal(fields.Author, 'Per-Åke Westerlund');
    assert.equal(reader.language(), 'nl');
  });
});
