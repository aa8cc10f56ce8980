import type { PrintConfig } from '../config/schema.ts';
import { toPoints } from '../print/lengths.ts';

/** The cover's spine for a page count: pages × the caliper of one page, plus what the cover adds (Lulu). */
export function spineWidth(press: PrintConfig['press'], pages: number): number {
  return pages * toPoints(press.caliper) + toPoints(press.spineAdd);
}

/** Whether the spine carries text: the printer's page minimum (KDP: 79) and a width a line of type fits in. */
export function spineHasText(press: PrintConfig['press'], pages: number): boolean {
  const { fromPages, fromWidth } = press.spineText;
  return (fromPages === undefined || pages >= fromPages) && spineWidth(press, pages) >= toPoints(fromWidth) && spineWidth(press, pages) > 0;
}

/** Where the panels of a full-wrap cover lie, in points from the sheet's left and bottom edges (no marks). */
export interface CoverGeometry {
  trimWidth: number;
  trimHeight: number;
  bleed: number;
  spine: number;
  /** The whole sheet: bleed, back, spine, front, bleed. */
  width: number;
  height: number;
  /** The trimmed cover: back, spine and front. */
  trimBox: [number, number, number, number];
  bleedBox: [number, number, number, number];
  /** The two folds, at the spine's edges (x). */
  folds: [number, number];
}

export function coverGeometry(print: PrintConfig, pages: number): CoverGeometry {
  const trimWidth = toPoints(print.trim.width);
  const trimHeight = toPoints(print.trim.height);
  const bleed = toPoints(print.bleed);
  const spine = spineWidth(print.press, pages);
  const width = 2 * trimWidth + spine + 2 * bleed;
  const height = trimHeight + 2 * bleed;
  return {
    trimWidth,
    trimHeight,
    bleed,
    spine,
    width,
    height,
    trimBox: [bleed, bleed, width - bleed, height - bleed],
    bleedBox: [0, 0, width, height],
    folds: [bleed + trimWidth, bleed + trimWidth + spine],
  };
}
