import { deflateSync } from 'node:zlib';
import { decodePDFRawStream, PDFArray, PDFDict, PDFName, PDFRawStream, PDFRef, PDFStream, type PDFDocument, type PDFPage } from 'pdf-lib';

/**
 * Chromium paints black text and rules as DeviceRGB `0 0 0 rg`, which any RGB-to-CMYK conversion turns into a
 * rich black of all four inks. A neutral RGB colour (r = g = b) is rewritten as the same DeviceGray value, which
 * Ghostscript maps to K alone; colours that are not neutral are left to the colour conversion.
 * Returns how many colour operators were rewritten.
 */
export function neutralRgbToGray(pdf: PDFDocument): number {
  let count = 0;
  const done = new Set<PDFRef>();
  for (const page of pdf.getPages()) count += rewritePage(pdf, page, done);
  return count;
}

function rewritePage(pdf: PDFDocument, page: PDFPage, done: Set<PDFRef>): number {
  let count = 0;
  const contents = page.node.get(PDFName.of('Contents'));
  const refs = contents instanceof PDFArray ? contents.asArray() : [contents];
  for (const ref of refs) if (ref instanceof PDFRef) count += rewriteStream(pdf, ref, done);
  count += rewriteForms(pdf, page.node.Resources(), done);
  return count;
}

/** Form XObjects and tiling patterns carry content streams of their own. */
function rewriteForms(pdf: PDFDocument, resources: PDFDict | undefined, done: Set<PDFRef>): number {
  let count = 0;
  for (const key of ['XObject', 'Pattern']) {
    const dict = resources?.lookupMaybe(PDFName.of(key), PDFDict);
    if (!dict) continue;
    for (const value of dict.values()) {
      if (!(value instanceof PDFRef) || done.has(value)) continue;
      const stream = pdf.context.lookup(value);
      if (!(stream instanceof PDFStream)) continue;
      const subtype = stream.dict.get(PDFName.of('Subtype'));
      const isForm = subtype === PDFName.of('Form');
      const isTiling = key === 'Pattern' && stream.dict.get(PDFName.of('PatternType'))?.toString() === '1';
      if (!isForm && !isTiling) continue;
      count += rewriteStream(pdf, value, done);
      count += rewriteForms(pdf, stream.dict.lookupMaybe(PDFName.of('Resources'), PDFDict), done);
    }
  }
  return count;
}

function rewriteStream(pdf: PDFDocument, ref: PDFRef, done: Set<PDFRef>): number {
  if (done.has(ref)) return 0;
  done.add(ref);
  const stream = pdf.context.lookup(ref);
  if (!(stream instanceof PDFRawStream)) return 0;
  const source = Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
  const { text, count } = rewriteContent(source);
  if (count === 0) return 0;
  const dict = stream.dict.clone(pdf.context);
  dict.delete(PDFName.of('DecodeParms'));
  dict.set(PDFName.of('Filter'), PDFName.of('FlateDecode'));
  pdf.context.assign(ref, PDFRawStream.of(dict, deflateSync(Buffer.from(text, 'latin1'))));
  return count;
}

type Token = { kind: 'number'; value: number; start: number; end: number } | { kind: 'other'; start: number; end: number; text: string };

/** Rewrites `v v v rg` as `v g` and `v v v RG` as `v G` in one content stream, skipping strings and inline images. */
export function rewriteContent(source: string): { text: string; count: number } {
  const edits: { start: number; end: number; text: string }[] = [];
  const recent: Token[] = [];
  let i = 0;
  const n = source.length;
  const push = (token: Token): void => {
    recent.push(token);
    if (recent.length > 4) recent.shift();
  };
  while (i < n) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '%') {
      while (i < n && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (ch === '(') {
      const start = i;
      let depth = 0;
      for (; i < n; i++) {
        const c = source[i];
        if (c === '\\') i++;
        else if (c === '(') depth++;
        else if (c === ')' && --depth === 0) break;
      }
      i++;
      push({ kind: 'other', start, end: i, text: '()' });
    } else if (ch === '<' && source[i + 1] !== '<') {
      const start = i;
      i = source.indexOf('>', i) + 1 || n;
      push({ kind: 'other', start, end: i, text: '<>' });
    } else if ('<>[]{}'.includes(ch)) {
      const start = i;
      i += (ch === '<' || ch === '>') && source[i + 1] === ch ? 2 : 1;
      push({ kind: 'other', start, end: i, text: source.slice(start, i) });
    } else {
      const start = i;
      i++;
      while (i < n && !/[\s()<>[\]{}/%]/.test(source[i] as string)) i++;
      const word = source.slice(start, i);
      if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) {
        push({ kind: 'number', value: Number(word), start, end: i });
        continue;
      }
      push({ kind: 'other', start, end: i, text: word });
      if (word === 'ID') {
        // Inline image data is binary: skip to the `EI` that ends it.
        const end = source.slice(i).search(/\sEI(\s|$)/);
        i = end < 0 ? n : i + end + 3;
      } else if (word === 'rg' || word === 'RG') {
        const [r, g, b] = recent.slice(-4, -1);
        if (r?.kind === 'number' && g?.kind === 'number' && b?.kind === 'number' && r.value === g.value && g.value === b.value) {
          edits.push({ start: r.start, end: i, text: `${source.slice(r.start, r.end)} ${word === 'rg' ? 'g' : 'G'}` });
        }
      }
    }
  }
  let text = source;
  for (const edit of edits.reverse()) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  return { text, count: edits.length };
}
