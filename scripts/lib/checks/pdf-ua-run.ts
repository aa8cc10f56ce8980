// The PDF/UA check's work (pdf-ua-check.ts), loaded only when it runs.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument, ParseSpeeds } from 'pdf-lib';
import type { Book } from '../book.ts';
import { diagnostic, positionOf, type Diagnostic } from '../diagnostics.ts';
import { pdfUaFindings } from '../pdf/pdf-ua-conditions.ts';
import { readTaggedPdf } from '../pdf/tagged-pdf.ts';
import type { CheckContext } from './check.ts';

export async function runPdfUaCheck({ book, outputs }: CheckContext): Promise<Diagnostic[]> {
  if (!outputs.pdf) return [];
  const file = outputs.pdf.file;
  const shown = path.relative(process.cwd(), file) || file;
  const pdf = await PDFDocument.load(await readFile(file), { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  const findings = pdfUaFindings(readTaggedPdf(pdf));
  const unlabelled = manuscriptImages(book).filter((image) => !image.alt.trim());
  const figuresWithoutAlt = findings.filter((f) => f.figure !== undefined).length;
  return findings.map((finding) => {
    // A figure without alternative text is an image without alt text in the manuscript: the n-th such figure
    // in reading order is the n-th such image (when the counts agree), so the finding points at the image.
    const image = finding.figure !== undefined && figuresWithoutAlt === unlabelled.length ? unlabelled[findings.filter((f) => f.figure !== undefined).indexOf(finding)] : undefined;
    if (image) return diagnostic(finding.rule, { file: image.file, line: image.line, column: image.column, page: finding.page }, `${finding.message}: ![](${image.src}) has no alt text`);
    return diagnostic(finding.rule, { file: shown, page: finding.page }, finding.message);
  });
}

export interface ManuscriptImage {
  file: string;
  line: number;
  column: number;
  alt: string;
  src: string;
}

/** The images of the manuscript in reading order, where each is written: Markdown images (inline and
 * reference) and HTML <img>; code spans and fenced code are skipped. */
export function manuscriptImages(book: Book): ManuscriptImage[] {
  const images: ManuscriptImage[] = [];
  for (const chapter of book.chapters) {
    const source = chapter.source;
    const code = codeRanges(source);
    const pattern = /!\[((?:[^\]\\]|\\.)*)\](?:\(\s*<?([^)\s>]*)>?[^)]*\)|\[([^\]]*)\])|<img\b[^>]*>/g;
    for (const match of source.matchAll(pattern)) {
      const at = match.index ?? 0;
      if (code.some(([from, to]) => at >= from && at < to)) continue;
      const { line, column } = positionOf(source, at);
      if (match[0].startsWith('<img')) {
        const alt = /\balt\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(match[0]);
        const src = /\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(match[0]);
        images.push({ file: chapter.file, line, column, alt: alt ? (alt[1] ?? alt[2] ?? '') : '', src: src ? (src[1] ?? src[2] ?? '') : '' });
      } else {
        images.push({ file: chapter.file, line, column, alt: match[1] ?? '', src: match[2] ?? match[3] ?? '' });
      }
    }
  }
  return images;
}

/** Offsets of fenced code blocks and code spans, where `![` is not an image. */
function codeRanges(source: string): [number, number][] {
  const ranges: [number, number][] = [];
  for (const m of source.matchAll(/^(```+|~~~+)[^\n]*\n[\s\S]*?(?:^\1[^\n]*$|(?![\s\S]))/gm)) ranges.push([m.index ?? 0, (m.index ?? 0) + m[0].length]);
  for (const m of source.matchAll(/(`+)[^`]+?\1/g)) ranges.push([m.index ?? 0, (m.index ?? 0) + m[0].length]);
  return ranges;
}
