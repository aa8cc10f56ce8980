import { PDFArray, PDFStream, type PDFDocument } from 'pdf-lib';
import { scanContent } from '../pdf/content-stream.ts';
import { streamBytes } from '../pdf/tagged-pdf.ts';

const STROKES = new Set(['S', 's', 'B', 'B*', 'b', 'b*']);
const FILLS = new Set(['f', 'F', 'f*']);

/**
 * The thinnest line on each page, in points as printed: a stroke's width, or the short side of a filled
 * rectangle (Chromium draws rules and borders as both), each scaled by the transformation in force. A page
 * without lines is left out. A width of 0 is the thinnest line the device can draw, reported as 0.
 */
export function thinnestLines(pdf: PDFDocument): Map<number, number> {
  const result = new Map<number, number>();
  pdf.getPages().forEach((page, index) => {
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => pdf.context.lookup(ref)) : [contents];
    const source = streams
      .filter((s): s is PDFStream => s instanceof PDFStream)
      .map((s) => Buffer.from(streamBytes(s)).toString('latin1'))
      .join('\n');
    let thinnest = Infinity;
    // The scale of the current transformation (square root of its determinant), saved and restored with q/Q.
    let scale = 1;
    let lineWidth = 1;
    const stack: [number, number][] = [];
    let rects: number[] = [];
    scanContent(source, ({ operator, operands }) => {
      if (operator === 'q') stack.push([scale, lineWidth]);
      else if (operator === 'Q') [scale, lineWidth] = stack.pop() ?? [1, 1];
      else if (operator === 'cm') {
        const [a, b, c, d] = operands as number[];
        scale *= Math.sqrt(Math.abs((a ?? 1) * (d ?? 1) - (b ?? 0) * (c ?? 0)));
      } else if (operator === 'w') lineWidth = typeof operands[0] === 'number' ? operands[0] : lineWidth;
      else if (operator === 're') {
        const [, , width, height] = operands as number[];
        rects.push(Math.min(Math.abs(width ?? 0), Math.abs(height ?? 0)) * scale);
      } else if (STROKES.has(operator) || FILLS.has(operator) || operator === 'n') {
        if (STROKES.has(operator)) thinnest = Math.min(thinnest, lineWidth * scale);
        if (FILLS.has(operator) || operator === 'B' || operator === 'B*') for (const side of rects) if (side > 0) thinnest = Math.min(thinnest, side);
        rects = [];
      }
    });
    if (thinnest < Infinity) result.set(index + 1, Math.round(thinnest * 1000) / 1000);
  });
  return result;
}
