import type { PDFDocument } from 'pdf-lib';
import type { PrintConfig } from '../config/schema.ts';

/** With `print.padToSignature`, blank pages at the end (same boxes as the last) until the page count is a
 * multiple of `print.signature`. Returns how many blank pages it added. The one padder: the press PDF is made
 * from the padded screen PDF and the EPUB's page list counts the same pages (paddedPageCount). */
export function padDocument(pdf: PDFDocument, print: PrintConfig): number {
  const missing = paddedPageCount(pdf.getPageCount(), print) - pdf.getPageCount();
  if (missing === 0) return 0;
  const last = pdf.getPage(pdf.getPageCount() - 1);
  for (let i = 0; i < missing; i++) {
    const page = pdf.addPage([last.getWidth(), last.getHeight()]);
    const media = last.getMediaBox();
    const trim = last.getTrimBox();
    const bleed = last.getBleedBox();
    page.setMediaBox(media.x, media.y, media.width, media.height);
    page.setCropBox(media.x, media.y, media.width, media.height);
    page.setBleedBox(bleed.x, bleed.y, bleed.width, bleed.height);
    page.setTrimBox(trim.x, trim.y, trim.width, trim.height);
  }
  return missing;
}

/** The page count of the printed book: the laid-out pages plus the blanks that complete the signature. */
export function paddedPageCount(pages: number, print: PrintConfig): number {
  if (!print.padToSignature) return pages;
  return pages + ((print.signature - (pages % print.signature)) % print.signature);
}
