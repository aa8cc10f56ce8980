import { readFile, writeFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFName, ParseSpeeds, PDFRawStream, PDFRef, PDFStream } from 'pdf-lib';
import { scanContent } from '../pdf/content-stream.ts';
import { streamBytes } from '../pdf/tagged-pdf.ts';

/**
 * A CMYK colour (0..1 each) brought within a total ink limit (percent) the way a separation does it: grey
 * component replacement first (the same amount taken from C, M and Y goes onto K, which looks the same and
 * takes two parts of ink for one), then, if K is full, C, M and Y scaled down together.
 */
export function withinInkLimit([c, m, y, k]: readonly [number, number, number, number], limit: number): [number, number, number, number] {
  const max = limit / 100;
  const excess = c + m + y + k - max;
  if (excess <= 1e-6) return [c, m, y, k];
  const moved = Math.min(excess / 2, c, m, y, 1 - k);
  [c, m, y, k] = [c - moved, m - moved, y - moved, k + moved];
  const over = c + m + y + k - max;
  if (over > 1e-6 && c + m + y > 0) {
    const scale = Math.max(0, (max - k) / (c + m + y));
    [c, m, y] = [c * scale, m * scale, y * scale];
  }
  return [c, m, y, k];
}

/**
 * Rewrites every DeviceCMYK colour (`k`, `K`) in the page and form content streams that carries more ink than
 * `limit` percent, so vector colour (a cover's background, a rule) stays within what the printer allows.
 * Images are the picture's own: the preflight reports them. Returns how many colours were changed.
 */
export function limitInk(pdf: PDFDocument, limit: number): number {
  let count = 0;
  const done = new Set<PDFRef>();
  const visit = (ref: unknown): void => {
    if (!(ref instanceof PDFRef) || done.has(ref)) return;
    done.add(ref);
    const stream = pdf.context.lookup(ref);
    if (!(stream instanceof PDFStream)) return;
    count += rewriteStream(pdf, ref, stream, limit);
    forms(stream.dict.lookupMaybe(PDFName.of('Resources'), PDFDict)).forEach(visit);
  };
  for (const page of pdf.getPages()) {
    const contents = page.node.get(PDFName.of('Contents'));
    (contents instanceof PDFArray ? contents.asArray() : [contents]).forEach(visit);
    forms(page.node.Resources()).forEach(visit);
  }
  return count;
}

/** limitInk on a file Ghostscript wrote, rewritten in place only when a colour changed. */
export async function limitInkInFile(file: string, limit: number): Promise<number> {
  const pdf = await PDFDocument.load(await readFile(file), { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  const changed = limitInk(pdf, limit);
  if (changed > 0) await writeFile(file, await pdf.save({ useObjectStreams: false, objectsPerTick: Infinity }));
  return changed;
}

function forms(resources: PDFDict | undefined): unknown[] {
  const xobjects = resources?.lookupMaybe(PDFName.of('XObject'), PDFDict);
  return xobjects ? [...xobjects.values()] : [];
}

function rewriteStream(pdf: PDFDocument, ref: PDFRef, stream: PDFStream, limit: number): number {
  if (stream.dict.get(PDFName.of('Subtype')) === PDFName.of('Image')) return 0;
  const source = Buffer.from(streamBytes(stream)).toString('latin1');
  const edits: { start: number; end: number; text: string }[] = [];
  scanContent(source, ({ operator, operands, start, end }) => {
    if ((operator !== 'k' && operator !== 'K') || operands.length !== 4 || !operands.every((o) => typeof o === 'number')) return;
    const colour = operands as unknown as [number, number, number, number];
    const limited = withinInkLimit(colour, limit);
    if (limited.every((v, i) => v === colour[i])) return;
    edits.push({ start, end, text: `${limited.map((v) => Number(v.toFixed(4))).join(' ')} ${operator}` });
  });
  if (edits.length === 0) return 0;
  let text = source;
  for (const edit of edits.reverse()) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  const dict = stream.dict.clone(pdf.context);
  dict.delete(PDFName.of('DecodeParms'));
  dict.delete(PDFName.of('Length'));
  dict.set(PDFName.of('Filter'), PDFName.of('FlateDecode'));
  pdf.context.assign(ref, PDFRawStream.of(dict, deflateSync(Buffer.from(text, 'latin1'))));
  return edits.length;
}
