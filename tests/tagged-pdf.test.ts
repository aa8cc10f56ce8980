import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef } from 'pdf-lib';
import { scanContent } from '../scripts/lib/pdf/content-stream.ts';
import { markPageContent, type MarkTarget } from '../scripts/lib/pdf/mark-content.ts';
import { hexText } from '../scripts/lib/pdf/tag-pdf.ts';
import { pdfUaFindings } from '../scripts/lib/pdf/pdf-ua-conditions.ts';
import { pdfInfo, pdfPageTexts } from '../scripts/lib/pdf/poppler.ts';
import { readTaggedPdf } from '../scripts/lib/pdf/tagged-pdf.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { allElements, readStructure, type ReadElement, type ReadPage } from './pdf-structure.ts';
import { bookRelease, sharedBuild } from './shared-build.ts';

/** What each painting operator of a content stream is inside: an MCID, an artifact, or nothing. */
function marking(source: string): string[] {
  const stack: string[] = [];
  const found: string[] = [];
  scanContent(source, (op) => {
    if (op.operator === 'BDC' || op.operator === 'BMC') {
      const props = op.operands[1];
      const mcid = typeof props === 'object' && props.type === 'dict' ? props.entries.MCID : undefined;
      const tag = op.operands[0] as { value: string };
      stack.push(typeof mcid === 'number' ? `mcid ${mcid}` : tag.value);
    } else if (op.operator === 'EMC') stack.pop();
    else if (['Tj', 'TJ', 'f', 'S', 'Do'].includes(op.operator)) found.push(`${op.operator}:${stack.find((s) => s.startsWith('mcid')) ?? stack[0] ?? 'none'}`);
  });
  return found;
}

/** A page as Chromium writes it (CSS px user space, y down): a running head, two lines of one paragraph, a rule. */
const PAGE_HEIGHT = 600;
const line = (y: number, glyphs: string): string => `BT\n/F1 12 Tf\n1 0 0 -1 100 ${y} Tm\n${[...glyphs].map((g, i) => `${i ? '6 0 Td ' : ''}<${g.charCodeAt(0).toString(16).padStart(4, '0')}> Tj`).join('\n')}\nET\n`;
const SOURCE = `.75 0 0 -.75 0 ${PAGE_HEIGHT} cm\n${line(40, 'HEAD')}${line(200, 'ab ov-')}${line(220, 'er cd')}q\n100 300 200 1 re\nf\nQ\n`;

describe('marking a page’s content', () => {
  const paragraph: MarkTarget = { kind: 'text', rects: [[95, 188, 400, 204], [95, 208, 400, 224]], hyphenated: [0] };
  const decode = (_font: string, bytes: string): string => String.fromCharCode(...Array.from({ length: bytes.length / 2 }, (_, i) => (bytes.charCodeAt(2 * i) << 8) | bytes.charCodeAt(2 * i + 1)));

  test('text in a target is tagged content, one sequence for consecutive items; the rest is an artifact', () => {
    const marked = markPageContent(SOURCE, PAGE_HEIGHT, [{ ...paragraph, hyphenated: [] }], () => 'P');
    assert.deepEqual(marking(marked.source), [
      ...Array(4).fill('Tj:Artifact'),
      ...Array(11).fill('Tj:mcid 0'),
      'f:Artifact',
    ]);
    assert.deepEqual(marked.mcids, [0]);
    assert.equal(marked.artifacts, 2);
  });

  test('a word hyphenated at a line end is marked apart in both its lines, and named whole', () => {
    const marked = markPageContent(SOURCE, PAGE_HEIGHT, [paragraph], () => 'P', decode);
    assert.deepEqual(marked.words, ['over']);
    // “ab ” | “ov-” | “er” | “ cd”: four sequences inside the two text objects, the middle two the word.
    assert.deepEqual(marking(marked.source).slice(4, 15), ['Tj:mcid 0', 'Tj:mcid 0', 'Tj:mcid 0', 'Tj:mcid 1', 'Tj:mcid 1', 'Tj:mcid 1', 'Tj:mcid 2', 'Tj:mcid 2', 'Tj:mcid 3', 'Tj:mcid 3', 'Tj:mcid 3']);
    assert.deepEqual(marked.byTarget.get(0), [{ mcid: 0 }, { mcid: 1, word: 0 }, { mcid: 2, word: 0 }, { mcid: 3 }]);
    // Every sequence begins and ends inside its text object: BT and ET stay outside.
    assert.match(marked.source, /BT\n\/P <<\/MCID 0>> BDC/);
    assert.doesNotMatch(marked.source, /BDC\nBT|ET\nEMC\n\/P/);
  });

  test('a glyph drawn in a generated box (a call’s number) goes there, not to the text beside it', () => {
    const source = `.75 0 0 -.75 0 ${PAGE_HEIGHT} cm\n${line(200, 'ab')}BT\n/F1 8 Tf\n1 0 0 -1 112 196 Tm\n<0031> Tj\nET\n`;
    const text: MarkTarget = { kind: 'text', rects: [[100, 188, 112, 204]] };
    const call: MarkTarget = { kind: 'generated', rects: [[112, 186, 117, 204]] };
    const marked = markPageContent(source, PAGE_HEIGHT, [text, call], (t) => (t ? 'Link' : 'P'));
    assert.deepEqual(marked.mcids, [0, 1]);
  });

  test('past a text object’s first glyph, what could hide its end or matter after it is still read', () => {
    // A literal string holding “ ET ” after the first glyph: the text object does not end inside it.
    const withString = `.75 0 0 -.75 0 ${PAGE_HEIGHT} cm\nBT\n/F1 12 Tf\n1 0 0 -1 100 200 Tm\n<0061> Tj\n6 0 Td (x ET y) Tj\nET\n${line(40, 'HEAD')}`;
    const paragraph: MarkTarget = { kind: 'text', rects: [[95, 188, 400, 204]] };
    const marked = markPageContent(withString, PAGE_HEIGHT, [paragraph], () => 'P');
    assert.deepEqual(marking(marked.source), ['Tj:mcid 0', 'Tj:mcid 0', ...Array(4).fill('Tj:Artifact')]);
    assert.match(marked.source, /\(x ET y\) Tj\nET\nEMC\n/);
    // A font set after the first glyph is the font of the next text object, which sets none: the word it
    // ends is decoded in it.
    const fonts: string[] = [];
    const hyphenated = `.75 0 0 -.75 0 ${PAGE_HEIGHT} cm\nBT\n/F1 12 Tf\n1 0 0 -1 100 200 Tm\n<0061> Tj\n/F2 12 Tf\n6 0 Td <002d> Tj\nET\nBT\n1 0 0 -1 100 220 Tm\n<0062> Tj\nET\n`;
    const lines: MarkTarget = { kind: 'text', rects: [[95, 188, 400, 204], [95, 208, 400, 224]], hyphenated: [0] };
    const split = markPageContent(hyphenated, PAGE_HEIGHT, [lines], () => 'P', (font, bytes) => {
      fonts.push(font);
      return String.fromCharCode((bytes.charCodeAt(0) << 8) | bytes.charCodeAt(1));
    });
    assert.deepEqual(split.words, ['ab']);
    assert.deepEqual([...new Set(fonts)], ['F1', 'F2']);
    assert.ok(fonts.lastIndexOf('F2') > fonts.indexOf('F1'));
  });
});

const KITCHEN_SINK = path.join(projectRoot, 'tests', 'manuscripts', 'kitchen-sink');
const SECTIONS = ['Het begin van een internationale revolutie', 'De burgeroorlog', 'NEP en bureaucratisering', 'De laatste strijd van Lenin'];
const RUNNING_HEAD = 'LENINS STRIJD TEGEN HET STALINISME';

/** The page's elements below Document and its sections, in reading order. */
function blocks(page: ReadPage): ReadElement[] {
  const document = page.root.children.find((c) => c.role === 'Document');
  return (document?.children ?? []).flatMap((c) => (c.role === 'Sect' ? c.children : [c]));
}

describe('texts in the structure tree', () => {
  // Lone surrogates, a pair, an empty text, Latin-1 and beyond: what hexText writes is what pdf-lib's own
  // encoder writes, and what the reader reads back is what pdf-lib decodes (U+FFFD for a surrogate alone).
  const texts = ['', 'Noot 3', 'be-hoorlijk', 'Œuvre – “Lenin’s” ß', 'emoji 😀 pair', 'alone \ud800 high', 'alone \udc00 low', 'end \ud83d', '\u0000\uffff'];
  test('written as pdf-lib writes them', () => {
    for (const text of texts) assert.equal(hexText(text).asString(), PDFHexString.fromText(text).asString(), JSON.stringify(text));
  });
  test('read back as pdf-lib decodes them, other hex strings too', async () => {
    const pdf = await PDFDocument.create();
    const others = ['FFFE4100', 'FEFF00', 'FEFF004', '48656C6C6F', 'feff0041', 'FEFFD800DC00', 'FEFFDC00D800', ''];
    const hexes = [...texts.map((t) => PDFHexString.fromText(t)), ...others.map((h) => PDFHexString.of(h))];
    const k = pdf.context.obj([]) as PDFArray;
    for (const hex of hexes) k.push(pdf.context.obj({ Type: 'StructElem', S: 'P', ActualText: hex, K: [] }));
    const root = pdf.context.obj({ Type: 'StructTreeRoot', K: k });
    pdf.catalog.set(PDFName.of('StructTreeRoot'), pdf.context.register(root));
    const read = readTaggedPdf(pdf, { content: false }).structure ?? [];
    assert.equal(read.length, hexes.length);
    read.forEach((element, i) => assert.equal(element.actualText, (hexes[i] as PDFHexString).decodeText(), (hexes[i] as PDFHexString).asString()));
  });
});

describe('the book’s screen PDF is tagged (PDF/UA-1)', () => {
  let pdfFile: string;
  let pdf: PDFDocument;
  let texts: string[];

  before(async () => {
    const { out, run } = await bookRelease();
    assert.equal(run.code, 0, run.stderr);
    pdfFile = path.join(out, 'lenins-strijd-tegen-het-stalinisme.pdf');
    pdf = await PDFDocument.load(await readFile(pdfFile), { updateMetadata: false });
    texts = await pdfPageTexts(pdfFile);
  });

  test('tagged, and the PDF/UA check finds nothing; the XMP claims PDF/UA-1', async () => {
    assert.equal((await pdfInfo(pdfFile)).fields.Tagged, 'yes');
    assert.deepEqual(pdfUaFindings(readTaggedPdf(pdf)), []);
    assert.match(readTaggedPdf(pdf, { content: false }).xmp ?? '', /<pdfuaid:part>1<\/pdfuaid:part>/);
  });

  test('content on its element\u2019s page is referenced by its bare MCID; an MCR dictionary only names another page', () => {
    const Pg = PDFName.of('Pg');
    let bare = 0;
    let dictionaries = 0;
    for (const [, object] of pdf.context.enumerateIndirectObjects()) {
      if (!(object instanceof PDFDict) || object.get(PDFName.of('Type')) !== PDFName.of('StructElem')) continue;
      const kids = object.get(PDFName.of('K'));
      for (const kid of kids instanceof PDFArray ? kids.asArray() : []) {
        if (kid instanceof PDFNumber) {
          assert.ok(object.get(Pg) instanceof PDFRef, 'a bare MCID in an element with no /Pg');
          bare++;
        } else if (kid instanceof PDFDict && kid.get(PDFName.of('Type')) === PDFName.of('MCR')) {
          assert.notEqual(kid.get(Pg), object.get(Pg), 'an MCR dictionary for content on the element\u2019s own page');
          dictionaries++;
        }
      }
    }
    assert.ok(bare > 300, `${bare} bare MCIDs`);
    assert.ok(dictionaries > 0 && dictionaries < bare / 5, `${dictionaries} MCR dictionaries against ${bare} bare MCIDs`);
  });

  test('a page read by its tags: no running head, a paragraph, the note it calls, the next paragraph', async () => {
    // The first page with a running head and a note.
    const candidates = texts.flatMap((t, i) => (t.includes(RUNNING_HEAD) ? [i + 1] : []));
    const read = (await readStructure(pdfFile, candidates)).find((p) => allElements(p.root).some((e) => e.role === 'Note'));
    assert.ok(read, 'no page with a running head and a note');
    const order = blocks(read as ReadPage);
    const note = order.findIndex((e) => e.role === 'Note');
    assert.ok(note > 0, JSON.stringify(order.map((e) => e.role)));
    const calling = order[note - 1] as ReadElement;
    assert.equal(calling.role, 'P');
    const reference = allElements(calling).find((e) => e.role === 'Reference');
    assert.match(reference?.text ?? '', /^\d+$/, 'the call is a Reference in its paragraph');
    assert.equal(reference?.children[0]?.role, 'Link');
    const noteElement = order[note] as ReadElement;
    assert.equal(noteElement.children[0]?.role, 'Lbl');
    assert.equal(noteElement.children[0]?.text, reference?.text, 'the note begins with the number its call prints');
    assert.equal(order[note + 1]?.role, 'P', 'the next paragraph follows the note');
    for (const element of allElements((read as ReadPage).root)) assert.ok(!element.text.includes(RUNNING_HEAD), `running head in a ${element.role}`);
    assert.match((read as ReadPage).unstructured.Artifact ?? '', new RegExp(RUNNING_HEAD));
  });

  test('headings at their levels: the chapter H1, its sections H2, the sources H1', async () => {
    const read = await readStructure(pdfFile, Array.from({ length: pdf.getPageCount() }, (_, i) => i + 1));
    const headings = read.flatMap((p) => allElements(p.root)).filter((e) => /^H\d$/.test(e.role));
    assert.deepEqual(
      headings.map((h) => [h.role, h.text]),
      [['H1', 'Lenins strijd tegen het stalinisme'], ...SECTIONS.map((s) => ['H2', s]), ['H1', 'Bronnen']],
    );
  });

  test('a word hyphenated at a line end reads whole from the tags, and pdftotext still joins it', async () => {
    const read = await readStructure(pdfFile, Array.from({ length: pdf.getPageCount() }, (_, i) => i + 1));
    const words = read.flatMap((p) => allElements(p.root)).filter((e) => e.role === 'Span' && e.alt);
    assert.ok(words.length > 10, `${words.length} hyphenated words`);
    // The word whole: its letters (and the punctuation around it), no line-end hyphen, no space.
    for (const word of words) assert.match(word.alt ?? '', /^\p{P}*[\p{L}\p{N}][\p{L}\p{N}-]*[\p{L}\p{N}]\p{P}*$/u, `“${word.text}” reads “${word.alt}”`);
    for (const word of words) assert.equal(word.alt?.replace(/-/g, ''), word.text.replace(/[-\s]/g, ''), `“${word.text}” reads “${word.alt}”`);
    const all = texts.join('\n');
    assert.ok(!all.includes('\u00ad'));
    for (const word of words) assert.ok(all.includes(word.alt as string), `pdftotext lacks “${word.alt}”`);
  });

  test('pdftotext: running heads stand on lines of their own, never inside a paragraph', () => {
    for (const [i, text] of texts.entries()) {
      for (const l of text.split('\n').filter((l) => l.includes(RUNNING_HEAD))) {
        assert.match(l.trim(), new RegExp(`^(\\d+\\s+)?${RUNNING_HEAD}(\\s+\\d+)?$`), `page ${i + 1}: ${l}`);
      }
    }
  });
});

describe('the kitchen sink’s screen PDF is tagged (PDF/UA-1)', () => {
  let pdfFile: string;

  before(async () => {
    // The PDF of the kitchen sink's check, which kitchen-sink.test.ts, kitchen-sink-media.test.ts and
    // fonts.test.ts read too: one build of the fixture for all of them.
    const { out, run } = await sharedBuild(KITCHEN_SINK, ['--report', 'json'], 'check');
    assert.equal(run.code, 0, run.stderr);
    pdfFile = path.join(out, 'kitchen-sink.pdf');
  });

  test('the PDF/UA check finds nothing', async () => {
    const pdf = await PDFDocument.load(await readFile(pdfFile), { updateMetadata: false });
    assert.deepEqual(pdfUaFindings(readTaggedPdf(pdf)), []);
  });

  test('lists as L, LI, Lbl and LBody; the contents as TOC and TOCI with links; a note called in a list item ends it', async () => {
    const pdf = await PDFDocument.load(await readFile(pdfFile), { updateMetadata: false });
    const read = await readStructure(pdfFile, Array.from({ length: pdf.getPageCount() }, (_, i) => i + 1));
    const elements = read.flatMap((p) => allElements(p.root));
    const item = elements.find((e) => e.role === 'LI' && e.text.includes('The second item, with a note')) as ReadElement;
    assert.deepEqual(item.children.map((c) => c.role), ['Lbl', 'LBody']);
    assert.equal(item.children[0]?.text, '–');
    assert.deepEqual(item.children[1]?.children.map((c) => c.role), ['Reference', 'Note']);
    const toc = elements.find((e) => e.role === 'TOC') as ReadElement;
    assert.ok(toc.children.length >= 2);
    for (const entry of toc.children) {
      assert.equal(entry.role, 'TOCI');
      assert.equal(entry.children[0]?.role, 'Link');
      assert.match(entry.text, /\d+$/, 'the entry’s page number is in it');
    }
  });
});
