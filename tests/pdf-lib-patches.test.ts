// npm test: unit
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFPage, PDFRawStream, PDFRef, PDFString, PDFWriter } from 'pdf-lib';
import { sharePdfNumbers, withPdfLibWriting, withTwoPassWriting, withUnsharedPdfNumbers, writePdfsInBulk, writePdfsInOnePass } from '../scripts/lib/pdf/pdf-lib-patches.ts';

/** A document whose numbers are of every kind pdf-lib writes out: whole, fractional, negative, tiny, huge. */
async function documentWithNumbers(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const page: PDFPage = pdf.addPage([419.53, 595.28]);
  page.drawText('Lenin', { x: 72.5, y: 500 });
  const values = [0, -0, 1, 2, 2, 3.25, -7.125, 1e-7, -3e-9, 123456789012345680000000, 0.1 + 0.2, 65535, 65536, 612.28];
  page.node.set(PDFName.of('Numbers'), pdf.context.obj(values));
  // A copy of the page into a second document: pdf-lib clones each number as it copies.
  const merged = await PDFDocument.create({ updateMetadata: false });
  const [copied] = await merged.copyPages(pdf, [0]);
  merged.addPage(copied as PDFPage);
  merged.addPage(copied as PDFPage);
  return merged.save({ useObjectStreams: false });
}

describe('pdf-lib patches (pdf-lib-patches.ts)', () => {
  test('unpatched, every PDFNumber.of makes a new object; shared, one per value', async () => {
    sharePdfNumbers();
    await withUnsharedPdfNumbers(() => assert.notEqual(PDFNumber.of(12.5), PDFNumber.of(12.5)));
    assert.equal(PDFNumber.of(12.5), PDFNumber.of(12.5));
    assert.equal(PDFNumber.of(3).clone(), PDFNumber.of(3));
    assert.notEqual(PDFNumber.of(3), PDFNumber.of(4));
    assert.equal(PDFNumber.of(-7.125).toString(), '-7.125');
  });

  test('a document saved with shared numbers is the same bytes as without', async () => {
    sharePdfNumbers();
    const unshared = await withUnsharedPdfNumbers(() => documentWithNumbers());
    const shared = await documentWithNumbers();
    assert.ok(Buffer.from(shared).equals(Buffer.from(unshared)), 'sharing numbers changed the file');
    // The document has every one of them, as pdf-lib writes it either way.
    assert.match(Buffer.from(shared).toString('latin1'), /\/Numbers \[ 0 0 1 2 2 3\.25 -7\.125 0\.0+\d+ -0\.0+\d+ 123456789012345680000000 0\.30000000000000004 65535 65536 612\.28 \]/);
  });

  test('written in bulk, a document is the same bytes as pdf-lib writes it, without its entry arrays', async () => {
    writePdfsInBulk();
    /** A document with streams (a page's content, a raw stream of every byte value, an empty one) and nested
     * dictionaries, copied into a second one (which clones each dictionary), saved. */
    const written = async (): Promise<Uint8Array> => {
      const pdf = await PDFDocument.create({ updateMetadata: false });
      const page = pdf.addPage([419.53, 595.28]);
      page.drawText('Staat en revolutie', { x: 72, y: 500 });
      const every = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
      page.node.set(PDFName.of('Raw'), pdf.context.register(PDFRawStream.of(pdf.context.obj({ Kind: 'every byte', Nested: { A: [1, 2, { B: 'c' }] } }) as PDFDict, every)));
      page.node.set(PDFName.of('Empty'), pdf.context.register(PDFRawStream.of(pdf.context.obj({}) as PDFDict, new Uint8Array(0))));
      const merged = await PDFDocument.create({ updateMetadata: false });
      const [copied] = await merged.copyPages(pdf, [0]);
      merged.addPage(copied as PDFPage);
      return merged.save({ useObjectStreams: false });
    };
    // pdf-lib's own writing copies every dictionary's entries to an array to measure it, write it and clone it.
    const entries = PDFDict.prototype.entries;
    let calls = 0;
    PDFDict.prototype.entries = function (this: PDFDict) {
      calls++;
      return entries.call(this);
    };
    try {
      const unpatched = await withPdfLibWriting(written);
      const callsUnpatched = calls;
      calls = 0;
      const patched = await written();
      assert.ok(Buffer.from(patched).equals(Buffer.from(unpatched)), 'writing in bulk changed the file');
      assert.ok(calls < callsUnpatched / 2, `entries() called ${calls} times patched, ${callsUnpatched} unpatched`);
      assert.ok(Buffer.from(patched).includes(Buffer.concat([Buffer.from('stream\n'), Buffer.from(Uint8Array.from({ length: 512 }, (_, i) => i % 256)), Buffer.from('\nendstream')])));
    } finally {
      PDFDict.prototype.entries = entries;
    }
  });

  test('written in one pass, a document is the same bytes as pdf-lib writes it in two, gaps in its numbers and a buffer outgrown', async () => {
    writePdfsInBulk();
    writePdfsInOnePass();
    /** Streams (every byte value, an empty one, a page's content), strings that need escapes, a deleted object
     * (a gap in the numbers: another subsection in the cross-reference table), an object of another generation,
     * and an array larger than the buffer the writer begins with. */
    const pdf = await PDFDocument.create({ updateMetadata: false });
    const page = pdf.addPage([419.53, 595.28]);
    page.drawText('Wat te doen?', { x: 72, y: 500 });
    const every = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
    page.node.set(PDFName.of('Raw'), pdf.context.register(PDFRawStream.of(pdf.context.obj({ Nested: { A: [1, 2.5, { B: 'c' }] } }) as PDFDict, every)));
    page.node.set(PDFName.of('Empty'), pdf.context.register(PDFRawStream.of(pdf.context.obj({}) as PDFDict, new Uint8Array(0))));
    page.node.set(PDFName.of('Texts'), pdf.context.obj([PDFString.of('(haakjes) \\ en\nregels'), PDFHexString.fromText('Ленин')]));
    const gone = pdf.context.register(pdf.context.obj({ Gone: true }));
    pdf.context.register(pdf.context.obj({ After: 'the gap' }));
    pdf.context.delete(gone);
    pdf.context.assign(PDFRef.of(pdf.context.largestObjectNumber + 5, 3), pdf.context.obj({ Generation: 3 }));
    page.node.set(PDFName.of('Large'), pdf.context.register(pdf.context.obj(Array.from({ length: 30_000 }, (_, i) => i * 1.5))));
    const save = (): Promise<Uint8Array> => pdf.save({ useObjectStreams: false, objectsPerTick: Infinity });

    // pdf-lib's own writer measures every object before it writes any.
    const writer = PDFWriter.prototype as unknown as { computeBufferSize(this: PDFWriter): Promise<unknown> };
    const measure = writer.computeBufferSize;
    let measured = 0;
    writer.computeBufferSize = function (this: PDFWriter) {
      measured++;
      return measure.call(this);
    };
    try {
      const twoPasses = await withTwoPassWriting(save);
      assert.equal(measured, 1);
      const onePass = await save();
      assert.equal(measured, 1, 'the one-pass writer measured the document');
      assert.ok(Buffer.from(onePass).equals(Buffer.from(twoPasses)), 'writing in one pass changed the file');
      const text = Buffer.from(onePass).toString('latin1');
      assert.ok(onePass.length > 150_000, 'the large array is in the file');
      assert.match(text, /\nxref\n0 \d+\n0000000000 65535 f \n/);
      assert.match(text, / 00003 n \n/);
      // A save that yields between objects (pdf-lib's default) is pdf-lib's own.
      assert.ok(Buffer.from(await pdf.save({ useObjectStreams: false })).equals(Buffer.from(twoPasses)));
      assert.equal(measured, 2);
      assert.equal((await PDFDocument.load(onePass)).getPageCount(), 1);
    } finally {
      writer.computeBufferSize = measure;
    }
  });
});
