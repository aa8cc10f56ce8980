// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { decodePDFRawStream, PDFDocument, PDFName, PDFRawStream, StandardFonts } from 'pdf-lib';
import { parseConfig } from '../scripts/lib/config/load-config.ts';
import { writeFileAtomicBeside } from '../scripts/lib/output.ts';
import { structureConforms, tagAccessible } from '../scripts/lib/print/accessible-pdf.ts';
import { padDocument } from '../scripts/lib/print/pad-pages.ts';
import { claimPdfUa, postprocessDocument } from '../scripts/lib/print/pdf-postprocess.ts';
import type { PageLayout } from '../scripts/lib/print/runtime/contract.ts';
import type { DocumentStructure } from '../scripts/lib/print/structure.ts';
import { MINIMAL_CONFIG } from './helpers.ts';

// A watching build's save writes its PDF claiming PDF/UA-1 as the last check found and checks the structure
// while the file is written (print/finish-pdf.ts): the check must answer the same after post-processing as
// before it, and a claim made again must give the file that claiming it in the first place gives.

const { config } = parseConfig(MINIMAL_CONFIG, 'book.yaml');
const layout = { pageCount: 3, pageWidth: 300, pageHeight: 400, headings: [], calls: [], notes: [], blocks: [], hyphens: 0, errors: [], timings: { paginateMs: 0, settleMs: 0, collectMs: 0 } } as unknown as PageLayout;
const date = new Date(Date.UTC(2026, 11, 4));

/** Three printed pages of text, the structure a paragraph on each; `figure`: the second a figure without
 * alternative text, which PDF/UA-1 does not allow. Three pages: post-processing pads them to the signature. */
async function taggedPdf(figure: boolean): Promise<PDFDocument> {
  const drawn = await PDFDocument.create({ updateMetadata: false });
  const font = await drawn.embedFont(StandardFonts.Helvetica);
  for (const text of ['Een.', 'Twee.', 'Drie.']) drawn.addPage([300, 400]).drawText(text, { x: 30, y: 340, size: 12, font });
  const pdf = await PDFDocument.load(await drawn.save({ useObjectStreams: false }), { updateMetadata: false });
  const structure: DocumentStructure = {
    roots: ['p1', 'p2', 'p3'],
    elements: [1, 2, 3].map((page) => ({ key: `p${page}`, role: figure && page === 2 ? 'Figure' : 'P', parent: null, kids: [page - 1], page })),
    leaves: [1, 2, 3].map((page) => ({ owner: `p${page}`, kind: 'text' as const, page, rects: [[30, 60, 250, 84]] })),
  } as unknown as DocumentStructure;
  await tagAccessible(pdf, structure, config, layout);
  return pdf;
}

const xmpOf = async (bytes: Uint8Array): Promise<string> => {
  const saved = await PDFDocument.load(bytes, { updateMetadata: false });
  const stream = saved.context.lookup(saved.catalog.get(PDFName.of('Metadata')));
  assert.ok(stream instanceof PDFRawStream);
  return Buffer.from(decodePDFRawStream(stream).decode()).toString('utf8');
};

test('the structure check answers the same before and after post-processing and the pages padded to the signature', async () => {
  for (const figure of [false, true]) {
    const pdf = await taggedPdf(figure);
    const before = structureConforms(pdf);
    assert.equal(before, !figure, figure ? 'a figure without Alt fails' : 'the paragraphs pass');
    postprocessDocument(pdf, { config, layout, date, producer: 'test', pdfUa: before });
    const pages = pdf.getPageCount();
    padDocument(pdf, config.print);
    assert.ok(pdf.getPageCount() > pages, 'blank pages were added');
    assert.equal(structureConforms(pdf), before);
  }
});

test('the PDF/UA-1 claim made again in its object gives the file post-processing with that claim gives, either way', async () => {
  for (const claim of [true, false]) {
    const first = await taggedPdf(false);
    postprocessDocument(first, { config, layout, date, producer: 'test', pdfUa: claim });
    padDocument(first, config.print);
    const expected = await first.save({ useObjectStreams: false });

    const again = await taggedPdf(false);
    postprocessDocument(again, { config, layout, date, producer: 'test', pdfUa: !claim });
    padDocument(again, config.print);
    const wrong = await again.save({ useObjectStreams: false });
    assert.ok(!Buffer.from(wrong).equals(Buffer.from(expected)), 'the other claim is another file');
    claimPdfUa(again, { config, date, producer: 'test' }, claim);
    const made = await again.save({ useObjectStreams: false });
    assert.ok(Buffer.from(made).equals(Buffer.from(expected)), 'the same file');
    assert.equal(/<pdfuaid:part>1<\/pdfuaid:part>/.test(await xmpOf(made)), claim);
  }
});

test("a file written beside this thread's work: the same bytes, the work's answer, no temp file left; a failed work leaves no file", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'beside-'));
  try {
    const data = new Uint8Array(5 * 2 ** 20).map((_, i) => (i * 7919) & 255);
    const file = path.join(dir, 'boek.pdf');
    assert.equal(await writeFileAtomicBeside(file, data, () => 'gecontroleerd'), 'gecontroleerd');
    assert.ok((await readFile(file)).equals(Buffer.from(data)));
    await assert.rejects(writeFileAtomicBeside(path.join(dir, 'ander.pdf'), data, () => {
      throw new Error('de controle faalde');
    }), /de controle faalde/);
    assert.deepEqual(await readdir(dir), ['boek.pdf']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
