// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { markContent } from '../scripts/lib/pdf/tag-pdf.ts';
import { loadPrinted, putMarkedStreams } from '../scripts/lib/print/mark-document.ts';
import { MarkingWorkers } from '../scripts/lib/print/marking-workers.ts';
import type { DocumentStructure } from '../scripts/lib/print/structure.ts';

/** Two pages as Chromium prints them for the matter here: text, a rule, each page's drawing in two content
 * streams; a paragraph on each page whose rectangle (CSS px from the top left) holds the first line. */
async function printedDocument(): Promise<{ bytes: Uint8Array; structure: DocumentStructure }> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const text of ['De eerste bladzijde.', 'De tweede bladzijde.']) {
    const page = pdf.addPage([300, 400]);
    page.drawText(text, { x: 30, y: 340, size: 12, font });
    // A second stream: pdf-lib starts one when the page is drawn on again after a flush.
    page.node.normalize();
    page.drawLine({ start: { x: 30, y: 40 }, end: { x: 270, y: 40 }, thickness: 0.5 });
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

test('a document marked by a thread is the document marked in place, to the byte', async () => {
  const { bytes, structure } = await printedDocument();
  const inPlace = await loadPrinted(bytes);
  const expected = await markContent(inPlace, structure, [1, 2]);
  const workers = new MarkingWorkers(2);
  try {
    const marked = await workers.mark({ bytes, parts: [{ pages: [1, 2], structure }] });
    assert.deepEqual(marked.marks, [expected]);
    // The text of each page is its paragraph's, the rule an artifact.
    assert.deepEqual(expected.leaves.map((l) => l.length), [1, 1]);
    assert.equal(expected.artifacts, 2);
    const threaded = await loadPrinted(bytes);
    putMarkedStreams(threaded, marked.streams);
    const a = await inPlace.save({ useObjectStreams: false });
    const b = await threaded.save({ useObjectStreams: false });
    assert.ok(Buffer.compare(Buffer.from(a), Buffer.from(bytes)) !== 0, 'the content was marked');
    assert.ok(Buffer.from(a).equals(Buffer.from(b)), 'the same PDF');
  } finally {
    await workers.close();
  }
  assert.equal(workers.alive, 0);
});

test('a document a thread cannot read fails its request with the reason; the thread goes on', async () => {
  const { bytes, structure } = await printedDocument();
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
    const { bytes, structure } = await printedDocument();
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
