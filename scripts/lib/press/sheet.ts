import { cmyk, PDFName, type PDFDocument, type PDFPage } from 'pdf-lib';
import type { PrintConfig } from '../config/schema.ts';
import { toPoints } from '../print/lengths.ts';

/** Where the trim sits on the press sheet, in points. */
export interface SheetGeometry {
  trimWidth: number;
  trimHeight: number;
  bleed: number;
  /** Room beyond the bleed on every side, holding the crop marks (0 without marks). */
  slug: number;
}

const MM = 72 / 25.4;
/** Crop marks start this far outside the bleed, are this long and this thick (0.25 pt is the usual hairline). */
const MARK_GAP = 2 * MM;
const MARK_LENGTH = 5 * MM;
const MARK_WIDTH = 0.25;

export function sheetGeometry(print: PrintConfig): SheetGeometry {
  const bleed = toPoints(print.bleed);
  return {
    trimWidth: toPoints(print.trim.width),
    trimHeight: toPoints(print.trim.height),
    bleed,
    slug: print.marks ? MARK_GAP + MARK_LENGTH + 1 * MM : 0,
  };
}

/** The boxes every press page must have: [x0, y0, x1, y1] in points. */
export function expectedBoxes(g: SheetGeometry): Record<'MediaBox' | 'BleedBox' | 'TrimBox', [number, number, number, number]> {
  const o = g.slug + g.bleed;
  return {
    TrimBox: [o, o, o + g.trimWidth, o + g.trimHeight],
    BleedBox: [g.slug, g.slug, o + g.trimWidth + g.bleed, o + g.trimHeight + g.bleed],
    MediaBox: [0, 0, 2 * o + g.trimWidth, 2 * o + g.trimHeight],
  };
}

/**
 * Makes the screen PDF's pages into press sheets: links dropped (PDF/X allows no annotations on the page), and
 * with `print.marks` the sheet grown by a slug that holds crop marks. The screen PDF already has the bleed, its
 * TrimBox/BleedBox (print/pdf-postprocess.ts) and the blank pages that complete the signature (print/pad-pages.ts).
 */
export function makePressSheets(pdf: PDFDocument, print: PrintConfig): void {
  const g = sheetGeometry(print);
  const boxes = expectedBoxes(g);
  for (const page of pdf.getPages()) {
    page.node.delete(PDFName.of('Annots'));
    placeOnSheet(page, g, boxes);
  }
}

/**
 * Sets a page's boxes for its sheet and, with a slug, moves the page into it and draws the crop marks there.
 * `folds` (x, from the bleed's left edge) get marks of their own: a cover's spine.
 */
export function placeOnSheet(page: PDFPage, g: SheetGeometry, boxes = expectedBoxes(g), folds: readonly number[] = []): void {
  if (g.slug > 0) page.translateContent(g.slug, g.slug);
  const box = (b: [number, number, number, number]): [number, number, number, number] => [b[0], b[1], b[2] - b[0], b[3] - b[1]];
  page.setMediaBox(...box(boxes.MediaBox));
  page.setCropBox(...box(boxes.MediaBox));
  page.setBleedBox(...box(boxes.BleedBox));
  page.setTrimBox(...box(boxes.TrimBox));
  page.node.delete(PDFName.of('ArtBox'));
  if (g.slug > 0) drawCropMarks(page, g, folds);
}

/** Eight hairlines in pure K, each continuing a trim edge outside the bleed, so none shows on the trimmed page;
 * a fold gets one above and one below. */
function drawCropMarks(page: PDFPage, g: SheetGeometry, folds: readonly number[]): void {
  const o = g.slug + g.bleed;
  const xs = [o, o + g.trimWidth, ...folds.map((x) => g.slug + x)];
  const ys = [o, o + g.trimHeight];
  const near = g.slug - MARK_GAP;
  const far = near - MARK_LENGTH;
  // pdf-lib's translateContent also moves what is drawn afterwards: draw in the page's old coordinates.
  const s = g.slug;
  const line = (x1: number, y1: number, x2: number, y2: number): void =>
    page.drawLine({ start: { x: x1 - s, y: y1 - s }, end: { x: x2 - s, y: y2 - s }, thickness: MARK_WIDTH, color: cmyk(0, 0, 0, 1) });
  const width = 2 * o + g.trimWidth;
  const height = 2 * o + g.trimHeight;
  for (const x of xs) {
    line(x, near, x, far);
    line(x, height - near, x, height - far);
  }
  for (const y of ys) {
    line(near, y, far, y);
    line(width - near, y, width - far, y);
  }
}
