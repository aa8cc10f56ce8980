/**
 * What a printer asks of the files a book sends it. One profile a printer, each a small data file in this
 * folder; book.yaml picks one with `print.press.printer` and may override any value (config/schema.ts).
 * Values are what the printer publishes for a paperback; where a printer publishes none, the file says so and
 * gives the usual offset value.
 */

/** The PDF/X flavours the press step can write: Ghostscript's pdfwrite converts every colour to CMYK, which
 * both allow. PDF/X-4 (live transparency, PDF 1.6) needs a pdfwrite that writes it; Ghostscript 10.00 does not. */
export const PDFX_VERSIONS = ['PDF/X-1a:2003', 'PDF/X-3:2003'] as const;
export type PdfxVersion = (typeof PDFX_VERSIONS)[number];

/** What the print file may not hold: the outline (bookmarks), document metadata (XMP and the Info entries
 * beyond what PDF/X needs), annotations (links, comments). */
export const EXCLUDABLE = ['bookmarks', 'metadata', 'annotations'] as const;
export type Excludable = (typeof EXCLUDABLE)[number];

export const PAPERS = ['white', 'cream'] as const;
export type Paper = (typeof PAPERS)[number];

export interface PrinterProfile {
  /** Shown in messages: "Amazon KDP". */
  title: string;
  /** Where the values come from. */
  source: string;
  /** Bleed around the trim, a CSS length. */
  bleed: string;
  /** Crop marks on the print file: the printer needs them, or refuses a file with them. */
  cropMarks: 'required' | 'forbidden';
  /** Highest total ink (C+M+Y+K, percent) anywhere on a page. */
  inkLimit: number;
  pdfx: PdfxVersion;
  /** The printing condition the printer prints to (a characterization such as FOGRA39), when it names one:
   * the book should name that ICC profile in print.press.profile. */
  outputCondition?: string;
  exclude: readonly Excludable[];
  /** Lowest effective resolution of an image on the page, pixels per inch. */
  minImagePpi: number;
  /** Thinnest line the press holds, a CSS length. */
  minLineWeight: string;
  /** The cover's spine: thickness of one page (half a leaf) per paper, plus what the cover itself adds. */
  spine: {
    caliper: Record<Paper, string>;
    add: string;
    /** Text on the spine only from this many pages, or from this spine width. */
    textFromPages?: number;
    textFromWidth: string;
  };
}
