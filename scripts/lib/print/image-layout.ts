import type { PrintConfig } from '../config/schema.ts';
import type { BookImage } from '../images.ts';
import { toPoints } from './lengths.ts';

/** The resolution a printed raster image needs: it is never set larger than this allows unless the author asks. */
export const PRINT_PPI = 300;
const PT_PER_IN = 72;
const PT_PER_PX = 0.75;

/** The text block of a page, in points: the measure and the height between the margins. */
export function textBlock(print: Pick<PrintConfig, 'trim' | 'margins'>): { width: number; height: number } {
  const { trim, margins } = print;
  return {
    width: toPoints(trim.width) - toPoints(margins.inner) - toPoints(margins.outer),
    height: toPoints(trim.height) - toPoints(margins.top) - toPoints(margins.bottom),
  };
}

/** A size from `{width=…}` in points; `%` is a share of `whole`. */
function sizeInPoints(size: NonNullable<BookImage['width']>, whole: number): number {
  if (size.unit === '%') return (whole * size.value) / 100;
  if (size.unit === 'px') return size.value * PT_PER_PX;
  return toPoints(`${size.value}${size.unit}`);
}

/**
 * The printed width of an image, in points, its height following: the size the author asked for, else the
 * largest its pixels allow at 300 ppi (a vector image: its own size); a plate as large as the text block
 * allows. Always inside the text block, in width and in height: `reserve` is the height kept free beside
 * the image (a figure's caption and space), so a figure as tall as it may be still fits on an empty page.
 */
export function printedWidth(image: Pick<BookImage, 'pixels' | 'format' | 'width' | 'height' | 'plate'>, block: { width: number; height: number }, reserve = 0): number {
  const ratio = image.pixels.width / image.pixels.height;
  const vector = image.format === 'svg';
  let width: number;
  if (image.plate) width = block.width;
  else if (image.width) width = sizeInPoints(image.width, block.width);
  else if (image.height) width = sizeInPoints(image.height, block.height) * ratio;
  else width = vector ? image.pixels.width * PT_PER_PX : (image.pixels.width / PRINT_PPI) * PT_PER_IN;
  return Math.min(width, block.width, Math.max(block.height - reserve, block.height / 2) * ratio);
}

/** The height a figure keeps for its caption and the space around it: four lines of text. */
export function figureReserve(print: Pick<PrintConfig, 'fontSize' | 'lineHeight'>): number {
  return 4 * toPoints(print.fontSize) * print.lineHeight;
}
