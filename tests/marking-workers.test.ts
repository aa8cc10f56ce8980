// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PDFArray, PDFDocument, PDFName, StandardFonts } from 'pdf-lib';
import { markContent, markStreams } from '../scripts/lib/pdf/tag-pdf.ts';
import { loadPrinted, markClaimed, putMarkedStreams } from '../scripts/lib/print/mark-document.ts';
import { markDocument } from '../scripts/lib/print/accessible-pdf.ts';
import { MarkingWorkers, markWorkerFile } from '../scripts/lib/print/marking-workers.ts';
import { mergeUnits } from '../scripts/lib/print/merge-pdf.ts';
import type { DocumentPart, PrintedUnit, UnitLayout, UnitSource } from '../scripts/lib/print/document-layout.ts';
import { sliceStructure, type DocumentStructure } from '../scripts/lib/print/structure.ts';

/** Two pages of text and a rule, each page's content in one stream as Chromium prints it, or in two
 * streams (a page may have several); a paragraph on each page whose rectangle (CSS px from the top left)
 * holds the first line. */
async function printedDocument(contents: 'one stream' | 'two streams'): Promise<{ bytes: Uint8Array; structure: DocumentStructure }> {
  const drawn = await PDFDocument.create({ updateMetadata: false });
  const font = await drawn.embedFont(StandardFonts.Helvetica);
  for (const text of ['De eerste bladzijde.', 'De tweede bladzijde.']) {
    const page = drawn.addPage([300, 400]);
    page.drawText(text, { x: 30, y: 340, size: 12, font });
    page.drawLine({ start: { x: 30, y: 40 }, end: { x: 270, y: 40 }, thickness: 0.5 });
  }
  // pdf-lib writes a page's one stream in an array.
  const pdf = await PDFDocument.load(await drawn.save({ useObjectStreams: false }), { updateMetadata: false });
  for (const page of pdf.getPages()) {
    const streams = page.node.lookup(PDFName.of('Contents'), PDFArray);
    if (contents === 'one stream') page.node.set(PDFName.of('Contents'), streams.get(0));
    else streams.push(pdf.context.register(pdf.context.flateStream('q 0.5 w 30 30 m 270 30 l S Q')));
  }
  const bytes = await pdf.save({ useObjectStreams: false });
  // y 340 pt from the bottom of 400 pt: 80 px from the top.
  const structure: DocumentStructure = {
    roots: ['p1', 'p2'],
    elements: [
      { key: 'p1', role: 'P', parent: null, kids: [0], page: 1 },
      { key: 'p2', role: 'P', parent: null, kids: [1], page: 2 },
    ],
    leaves: [
      { owner: 'p1', kind: 'text', page: 1, rects: [[30, 60, 250, 84]] },
      { owner: 'p2', kind: 'text', page: 2, rects: [[30, 60, 250, 84]] },
    ],
  };
  return { bytes, structure };
}

/** The document's one unit of two pages, printed from `source`. */
const unitOf = (source: Omit<UnitSource, 'printed'>, structure: DocumentStructure): PrintedUnit => ({ id: 'een', firstPage: 1, pages: [1, 2], layout: { anchors: {}, links: [], structure } as unknown as UnitLayout, source: { printed: 1, ...source } });

for (const contents of ['one stream', 'two streams'] as const) {
  test(`a document marked by a thread (or none) is the document marked in place, to the byte, and so is the merge that copies it while it is marked (${contents} a page)`, async () => {
    const { bytes, structure } = await printedDocument(contents);
    const inPlace = await loadPrinted(bytes);
    const expected = await markContent(inPlace, structure, [1, 2]);
    const workers = new MarkingWorkers(2);
    try {
      const marked = await workers.mark({ bytes, parts: [{ pages: [1, 2], structure }] });
      assert.deepEqual(marked.marks, [expected]);
      // No threads (BOOK_MARK_THREADS=0): marked on this one, a page at a time, the same.
      const here = await new MarkingWorkers(0).mark({ bytes, parts: [{ pages: [1, 2], structure }] });
      assert.deepEqual(here.marks, marked.marks);
      assert.deepEqual(here.streams.map((s) => [s.index, Buffer.from(s.bytes).toString('hex')]), marked.streams.map((s) => [s.index, Buffer.from(s.bytes).toString('hex')]));
      // On this thread, in the document as the merge read it: the same, and that document left as it was read.
      const read = await loadPrinted(bytes);
      const inRead = await new MarkingWorkers(0).mark({ bytes, parts: [{ pages: [1, 2], structure }] }, Promise.resolve(read));
      assert.deepEqual(inRead.marks, marked.marks);
      assert.deepEqual(inRead.streams.map((s) => [s.index, Buffer.from(s.bytes).toString('hex')]), marked.streams.map((s) => [s.index, Buffer.from(s.bytes).toString('hex')]));
      assert.ok(Buffer.from(await read.save({ useObjectStreams: false })).equals(Buffer.from(await (await loadPrinted(bytes)).save({ useObjectStreams: false }))), 'the read document unchanged');
      // The text of each page is its paragraph's, the rules artifacts.
      assert.deepEqual(expected.leaves.map((l) => l.length), [1, 1]);
      assert.equal(expected.artifacts, contents === 'one stream' ? 2 : 4);
      const threaded = await loadPrinted(bytes);
      putMarkedStreams(threaded, marked.streams);
      const a = await inPlace.save({ useObjectStreams: false });
      const b = await threaded.save({ useObjectStreams: false });
      assert.ok(!Buffer.from(a).equals(Buffer.from(bytes)), 'the content was marked');
      assert.ok(Buffer.from(a).equals(Buffer.from(b)), 'the same PDF');

      // The merge: the marked document's pages copied, or the printed ones copied and the marked streams
      // put in place of theirs after.
      const sheetHeight = 400;
      const copiedMarked = await mergeUnits([unitOf({ id: 'doc', load: async () => bytes, document: async () => inPlace }, structure)], { sheetHeight });
      const copiedWhileMarked = await mergeUnits([unitOf({ id: 'doc', load: async () => bytes, document: () => loadPrinted(bytes), marked: async () => marked.streams }, structure)], { sheetHeight });
      const c = await copiedMarked.save({ useObjectStreams: false });
      const d = await copiedWhileMarked.save({ useObjectStreams: false });
      assert.ok(Buffer.from(c).equals(Buffer.from(d)), 'the same merged PDF');
    } finally {
      await workers.close();
    }
    assert.equal(workers.alive, 0);
  });
}

test("a document marked by a thread and this one together (a watching build's) is the document marked by a thread alone, marks and streams", async () => {
  const { bytes, structure } = await printedDocument('two streams');
  // Two units of one page each, and one unit of both pages: the halves of a unit of one page are all the thread's.
  const partsOf = (pages: [number, number][]): DocumentPart[] =>
    pages.map((range) => ({ pages: range, layout: { anchors: {}, links: [], structure: range[0] === range[1] ? sliceStructure(structure, range[0], range[1], '') : structure } as unknown as UnitLayout }));
  for (const ranges of [[[1, 2]], [[1, 1], [2, 2]]] as [number, number][][]) {
    const parts = partsOf(ranges);
    const alone = new MarkingWorkers(1);
    const shared = new MarkingWorkers(1, markWorkerFile(), true);
    try {
      const expected = await markDocument(alone, bytes, parts).marked;
      const together = await markDocument(shared, bytes, parts).marked;
      assert.deepEqual(together.marks, expected.marks);
      assert.deepEqual(together.streams.map((s) => [s.index, Buffer.from(s.bytes).toString('hex')]), expected.streams.map((s) => [s.index, Buffer.from(s.bytes).toString('hex')]));
      assert.equal(expected.streams.length, 2);
    } finally {
      await alone.close();
      await shared.close();
    }
  }
});

test('pages claimed from a shared counter: a marker takes every page from where the counter stands, across units, and what the others took is the rest', async () => {
  const { bytes, structure } = await printedDocument('two streams');
  const pdf = await loadPrinted(bytes);
  const hex = (streams: { index: number; bytes: Uint8Array }[]): string[][] => streams.map((s) => [String(s.index), Buffer.from(s.bytes).toString('hex')]);
  // One unit of both pages, and two units of one page each (numbered across them: page 2 is the second unit's first).
  const layouts: { parts: { pages: [number, number]; structure: DocumentStructure }[] }[] = [
    { parts: [{ pages: [1, 2], structure }] },
    { parts: [{ pages: [1, 1], structure: sliceStructure(structure, 1, 1, '') }, { pages: [2, 2], structure: sliceStructure(structure, 2, 2, '') }] },
  ];
  for (const { parts } of layouts) {
    const whole = parts.map((part) => markStreams(pdf, part.structure, Array.from({ length: part.pages[1] - part.pages[0] + 1 }, (_, i) => i + 1), part.pages[0] - 1));
    for (let taken = 0; taken <= 2; taken++) {
      const counter = new Int32Array(new SharedArrayBuffer(4));
      counter[0] = taken;
      const claimed = markClaimed(pdf, parts, counter);
      assert.equal(counter[0], 3, 'the counter left past the last page');
      assert.deepEqual(hex(claimed.streams), hex(whole.flatMap((w) => w.streams).slice(taken)));
      // Each leaf's marks are the whole marking's where this marker took its page, none where another did.
      const pageOf = (k: number, page: number): number => (parts[k] as { pages: [number, number] }).pages[0] + page - 1;
      claimed.marks.forEach((marks, k) => {
        const all = whole[k]?.marks as (typeof marks);
        assert.deepEqual(marks.pages, all.pages.filter((page) => pageOf(k, page) > taken));
        const leaves = (parts[k] as { structure: DocumentStructure }).structure.leaves;
        assert.deepEqual(marks.leaves, all.leaves.map((l, i) => (pageOf(k, (leaves[i] as { page: number }).page) > taken ? l : [])));
      });
    }
  }
});

test('a document a thread cannot read fails its request with the reason; the thread goes on', async () => {
  const { bytes, structure } = await printedDocument('one stream');
  const workers = new MarkingWorkers(1);
  try {
    await assert.rejects(workers.mark({ bytes: new TextEncoder().encode('no PDF at all'), parts: [{ pages: [1, 1], structure }] }), /marking a printed document's content for the tagged PDF failed: .*PDF/i);
    const marked = await workers.mark({ bytes, parts: [{ pages: [1, 2], structure }] });
    assert.equal(marked.streams.length, 2);
  } finally {
    await workers.close();
  }
});

/** A thread's module as a data: URL. */
const module = (code: string): URL => new URL(`data:text/javascript,${encodeURIComponent(code)}`);

for (const [how, code, reason] of [
  ['throws', `import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => { throw new Error('kapot'); });`, /failed: kapot/],
  ['exits', `import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => process.exit(3));`, /stopped \(exit code 3\)/],
  ['cannot start', `throw new Error('geen begin');`, /failed: geen begin/],
] as const) {
  test(`a thread that ${how} fails its request and every later one, and no thread is left`, async () => {
    const { bytes, structure } = await printedDocument('one stream');
    const workers = new MarkingWorkers(2, module(code));
    workers.start(2);
    assert.equal(workers.alive, 2);
    const request = { bytes, parts: [{ pages: [1, 2] as [number, number], structure }] };
    await assert.rejects(workers.mark(request), reason);
    await assert.rejects(workers.mark(request), reason);
    await workers.close();
    assert.equal(workers.alive, 0);
  });
}
