import type { Book } from '../book.ts';
import { diagnostic, type Diagnostic } from '../diagnostics.ts';
import { measureLineStretch, type LineStretchReport } from '../layout/line-stretch.ts';
import type { LayoutProbes } from '../layout/probes.ts';
import { noteSeries } from '../markdown/note-series.ts';
import { ENDNOTES_ID, endnoteCallId, endnoteId } from '../print/endnotes.ts';
import { INDEX_ID, rangesAcrossParts } from '../book-index/book-index.ts';
import { BIBLIOGRAPHY_ID } from '../print/print-html.ts';
import { isRuleId } from '../rules.ts';
import type { Check } from './check.ts';

/** Stretch beyond which a justified line is reported (the target: none beyond 2×). */
const LOOSE_LIMIT = 2;
const MAX_HYPHEN_RUN = 3;
const PX_PER_PT = 4 / 3;

/** Which manuscript block a PDF line at (page, y in points) belongs to. */
function blockAt(probes: LayoutProbes, page: number, yPt: number): { file: string; line: number } {
  const y = yPt * PX_PER_PT;
  const blocks = probes.pages.find((p) => p.page === page)?.blocks ?? [];
  const inside = blocks.filter((b) => y >= b.y - 2 && y <= b.y + b.height + 2);
  const best = inside[inside.length - 1] ?? blocks.filter((b) => b.y <= y).pop() ?? blocks[0];
  return best ? { file: best.file, line: best.line } : { file: '', line: 0 };
}

/** Hyphen ladders and hyphens across a page turn, from the PDF's full body lines in reading order. */
function hyphenFindings(stretch: LineStretchReport, probes: LayoutProbes): Diagnostic[] {
  const found: Diagnostic[] = [];
  const lines = stretch.bodyLines;
  let run: typeof lines = [];
  const flush = (): void => {
    if (run.length > MAX_HYPHEN_RUN) {
      const first = run[0] as (typeof lines)[number];
      const place = blockAt(probes, first.page, first.y);
      found.push(diagnostic('hyphenation/ladder', { ...place, column: 1, page: first.page, y: first.y }, `${run.length} hyphenated line ends in a row, from “${first.text.slice(-30)}”`));
    }
    run = [];
  };
  lines.forEach((line, i) => {
    const hyphenated = line.full && /\p{L}-$/u.test(line.text);
    const next = lines[i + 1];
    const adjacent = run.length === 0 || (() => {
      const prev = run[run.length - 1] as (typeof lines)[number];
      return prev.page === line.page ? line.y - prev.y < 20 : line.page === prev.page + 1;
    })();
    if (hyphenated && adjacent) run.push(line);
    else {
      flush();
      if (hyphenated) run.push(line);
    }
    if (hyphenated && next && next.page !== line.page) {
      const page = stretch.lastBodyLine.get(line.page);
      if (page !== undefined && Math.abs(page - line.y) < 1) {
        const place = blockAt(probes, line.page, line.y);
        found.push(diagnostic('hyphenation/page-turn', { ...place, column: 1, page: line.page, y: line.y }, `the word “${line.text.split(' ').pop()}” is split across the page turn`));
      }
    }
  });
  flush();
  return found;
}

/**
 * Every note of a series placed at the end: its call printed in the text, its note in the endnotes section
 * (print/endnotes.ts), found by their ids where the book printed them. The calls and notes of the series at
 * the page foot are checked in the page (runtime/layout-probes.ts: each on its call's page, in series order).
 */
export function endnoteFindings(book: Pick<Book, 'config' | 'chapters'>, anchors: Record<string, { page: number }>): Diagnostic[] {
  const atEnd = new Set(noteSeries(book.config).filter((s) => s.placement === 'end').map((s) => s.id));
  const section = anchors[ENDNOTES_ID];
  const found: Diagnostic[] = [];
  for (const chapter of book.chapters) {
    for (const note of chapter.notes.filter((n) => atEnd.has(n.series))) {
      const call = anchors[endnoteCallId(chapter, note)];
      const printed = anchors[endnoteId(chapter, note)];
      const place = { file: chapter.file, line: note.line, column: 1 };
      if (!call || (section && call.page >= section.page)) found.push(diagnostic('notes/endnote-placement', { ...place, ...(call ? { page: call.page } : {}) }, `the call of note [^${note.label}] is not printed in the text`));
      else if (!printed || !section || printed.page < section.page) found.push(diagnostic('notes/endnote-placement', { ...place, page: call.page }, `note [^${note.label}] is not printed in the endnotes`));
    }
  }
  return found;
}

/**
 * The index's ranges that run across a part's end (book-index.ts rangesAcrossParts), from the printed page of
 * every place: a page is in the part whose title page or chapter last began on or before it.
 */
export function indexRangeFindings(book: Pick<Book, 'chapters' | 'parts' | 'index'>, anchors: Record<string, { page: number }>, romanPages: number): Diagnostic[] {
  if (!book.index) return [];
  const starts = [
    ...book.chapters.map((c) => ({ id: c.id, part: c.part })),
    ...(book.parts ?? []).map((p) => ({ id: p.id, part: p.index as number | undefined })),
    ...[ENDNOTES_ID, BIBLIOGRAPHY_ID, INDEX_ID].map((id) => ({ id, part: undefined })),
  ]
    .flatMap((s) => (anchors[s.id] ? [{ page: (anchors[s.id] as { page: number }).page, part: s.part }] : []))
    .sort((a, b) => a.page - b.page);
  const partOf = (page: number): number | undefined => starts.filter((s) => s.page <= page).at(-1)?.part;
  return rangesAcrossParts(book.index, book.chapters, anchors, partOf, romanPages);
}

export const layoutCheck: Check = {
  name: 'layout',
  needs: ['pdf'],
  async run({ book, outputs }) {
    const pdf = outputs.pdf;
    if (!pdf) return [];
    // Loaded when the check runs, not with every build's start (they bring zx and pdf-lib).
    const [{ readPdfLines }, { pdfFonts, pdfInfo }] = await Promise.all([import('../layout/pdf-lines.ts'), import('../pdf/poppler.ts')]);
    const probes: LayoutProbes = pdf.layout.probes ?? { findings: [], pages: [], lineBreaks: null };
    const placed: Diagnostic[] = probes.findings.map((f) => {
      if (!isRuleId(f.rule)) throw new Error(`the layout probes reported an unregistered rule "${f.rule}" (add it to scripts/lib/rules.ts)`);
      const y = f.y !== undefined ? Math.round((f.y / PX_PER_PT) * 10) / 10 : undefined;
      return diagnostic(f.rule, { file: f.file || book.configFile, line: f.line, column: f.line > 0 ? 1 : 0, page: f.page, y }, f.detail);
    });

    const stretch = measureLineStretch(await readPdfLines(pdf.file));
    for (const line of stretch.ratios.filter((r) => r.ratio > LOOSE_LIMIT)) {
      placed.push(
        diagnostic('typography/loose-line', { ...blockAt(probes, line.page, line.y), column: 1, page: line.page, y: line.y }, `word spaces stretched to ${line.ratio.toFixed(2)}× their natural width: “${line.text.slice(0, 50)}…”`),
      );
    }
    placed.push(...hyphenFindings(stretch, probes));
    if (pdf.anchors) placed.push(...endnoteFindings(book, pdf.anchors), ...indexRangeFindings(book, pdf.anchors, pdf.layout.romanPages ?? 0));

    const fontsAt = book.locateConfig(['print', 'fonts']);
    const { body, mono, fallback } = book.config.print.fonts;
    const named = [body, mono, ...fallback].map((font) => font.family);
    for (const font of await pdfFonts(pdf.file)) {
      const at = { file: book.configFile, line: fontsAt.line, column: fontsAt.column };
      if (!font.embedded) placed.push(diagnostic('fonts/not-embedded', at, `font ${font.name} is not embedded`));
      if (/Type 3/.test(font.type)) placed.push(diagnostic('fonts/type3', at, `font ${font.name} is a Type 3 font`));
      if (!named.some((family) => font.name.replace(/^[A-Z]{6}\+/, '').startsWith(family.replace(/\s+/g, '')))) {
        placed.push(diagnostic('fonts/fallback', at, `${font.name} draws some characters: a font book.yaml does not name (${named.join(', ')})`));
      }
    }

    const pages = Number((await pdfInfo(pdf.file)).fields.Pages ?? pdf.pages);
    const { signature } = book.config.print;
    if (pages % signature !== 0) {
      const at = book.locateConfig(['print']);
      placed.push(diagnostic('print/signature', { file: book.configFile, ...at }, `${pages} pages is not a multiple of the signature (${signature}); ${signature - (pages % signature)} blank page(s) would complete it (print.padToSignature: true)`));
    }

    return placed.sort((a, b) => (a.page ?? 0) - (b.page ?? 0) || (a.y ?? 0) - (b.y ?? 0));
  },
};
