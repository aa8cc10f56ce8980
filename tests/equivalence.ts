import assert from 'node:assert/strict';
import { PDFArray, PDFDict, PDFDocument, PDFRef, PDFStream, type PDFObject } from 'pdf-lib';
import { readFile } from 'node:fs/promises';
import { pdfInfo, pdfPageTexts } from '../scripts/lib/pdf/poppler.ts';
import { PdfReader } from '../scripts/lib/pdf/read-pdf.ts';

/** What a reader of a PDF gets from it: the equivalence tests compare builds by this. */
export interface PdfSummary {
  pages: string[];
  /** Per footnote link: the page of its call and of its note (names are random per build). */
  notes: [number, number][];
  links: [number, number][];
  outline: [number, string, number][];
  info: Record<string, string>;
}

export async function summarize(file: string): Promise<PdfSummary> {
  const reader = await PdfReader.load(await readFile(file));
  const { fields, boxes } = await pdfInfo(file);
  const info: Record<string, string> = {};
  for (const key of ['Title', 'Author', 'Subject', 'Keywords', 'Creator', 'CreationDate', 'ModDate', 'Pages', 'Page size']) info[key] = fields[key] ?? '';
  info.TrimBox = boxes.TrimBox.join(' ');
  info.BleedBox = boxes.BleedBox.join(' ');
  info.Language = reader.language() ?? '';
  info.PageMode = reader.pageMode() ?? '';
  info.XMP = reader.xmp() ?? '';
  return {
    pages: await pdfPageTexts(file),
    notes: reader.noteLinks().map((l) => [l.callPage, l.notePage]),
    links: reader
      .internalLinks()
      .map((l): [number, number] => [l.page, l.targetPage])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]),
    outline: reader.outline().map((e) => [e.depth, e.title, e.page]),
    info,
  };
}

/** Same pages, same text on each page, same notes per page, links, outline and metadata. */
export function assertSameBook(actual: PdfSummary, expected: PdfSummary, label: string): void {
  assert.equal(actual.pages.length, expected.pages.length, `${label}: page count`);
  actual.pages.forEach((text, i) => assert.equal(text, expected.pages[i], `${label}: text of page ${i + 1}`));
  assert.deepEqual(actual.notes, expected.notes, `${label}: note links per page`);
  assert.deepEqual(actual.links, expected.links, `${label}: internal links`);
  assert.deepEqual(actual.outline, expected.outline, `${label}: outline`);
  assert.deepEqual(actual.info, expected.info, `${label}: metadata`);
}

/** How many of a PDF's objects nothing in the file leads to from its trailer (its catalog and info): objects
 * written for nothing, such as pages copied into a merge and never put in its page tree. */
export async function unusedObjects(file: string): Promise<number> {
  const pdf = await PDFDocument.load(await readFile(file), { updateMetadata: false });
  const { context } = pdf;
  const reached = new Set<PDFRef>();
  const pending: PDFObject[] = [context.trailerInfo.Root, context.trailerInfo.Info].filter((o): o is PDFObject => o !== undefined);
  for (let object = pending.pop(); object; object = pending.pop()) {
    if (object instanceof PDFRef) {
      if (reached.has(object)) continue;
      reached.add(object);
      const target = context.lookup(object);
      if (target) pending.push(target);
    } else if (object instanceof PDFDict) pending.push(...object.values());
    else if (object instanceof PDFStream) pending.push(object.dict);
    else if (object instanceof PDFArray) pending.push(...object.asArray());
  }
  return context.enumerateIndirectObjects().filter(([ref]) => !reached.has(ref)).length;
}
