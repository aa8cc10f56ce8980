import { commandText } from '../pdf/poppler.ts';

/** A word as poppler places it, in PDF points from the top left of the page. */
export interface PdfWord {
  text: string;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

export interface PdfLine {
  page: number;
  /** Index of the text block on its page (pdftotext's grouping, roughly a paragraph or a margin box). */
  block: number;
  words: PdfWord[];
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

export interface PdfPageLines {
  page: number;
  width: number;
  height: number;
  lines: PdfLine[];
}

const decode = (text: string): string =>
  text.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, (_, e: string) =>
    e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : String.fromCodePoint(Number(e.slice(1))),
  );

const attr = (tag: string, name: string): number => Number(new RegExp(`${name}="([-\\d.]+)"`).exec(tag)?.[1] ?? 0);

/** Every text line of a PDF with its words' boxes, read with `pdftotext -bbox-layout` (poppler). */
export async function readPdfLines(file: string): Promise<PdfPageLines[]> {
  const stdout = await commandText('pdftotext', ['-bbox-layout', file, '-']);
  return parseBboxLayout(stdout);
}

export function parseBboxLayout(xml: string): PdfPageLines[] {
  const pages: PdfPageLines[] = [];
  const pageParts = xml.split('<page ').slice(1);
  pageParts.forEach((part, index) => {
    const head = part.slice(0, part.indexOf('>'));
    const page: PdfPageLines = { page: index + 1, width: attr(head, 'width'), height: attr(head, 'height'), lines: [] };
    part.split('<block ').slice(1).forEach((blockPart, block) => {
      for (const linePart of blockPart.split('<line ').slice(1)) {
        const words: PdfWord[] = [];
        for (const m of linePart.matchAll(/<word ([^>]*)>([^<]*)<\/word>/g)) {
          const tag = m[1] as string;
          words.push({ text: decode(m[2] as string), xMin: attr(tag, 'xMin'), xMax: attr(tag, 'xMax'), yMin: attr(tag, 'yMin'), yMax: attr(tag, 'yMax') });
        }
        if (words.length === 0) continue;
        page.lines.push({
          page: page.page,
          block,
          words,
          xMin: Math.min(...words.map((w) => w.xMin)),
          xMax: Math.max(...words.map((w) => w.xMax)),
          yMin: Math.min(...words.map((w) => w.yMin)),
          yMax: Math.max(...words.map((w) => w.yMax)),
        });
      }
    });
    pages.push(page);
  });
  return pages;
}
