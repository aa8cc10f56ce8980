import path from 'node:path';
import type { Diagnostic, Severity } from '../diagnostics.ts';
import { measureLineStretch, type LineStretchReport } from '../layout/line-stretch.ts';
import type { LayoutProbes } from '../layout/probes.ts';
import type { PlacedDiagnostic } from '../layout/proof-report.ts';
import type { Check, Rule } from './check.ts';

const RULES: Rule[] = [
  { id: 'layout/overflow', severity: 'error', description: 'a line wider than the measure, or a box outside the page area' },
  { id: 'layout/unplaceable', severity: 'error', description: 'Paged.js could not place a block on any page (taller than the page area?); it and what follows may be missing' },
  { id: 'notes/wrong-page', severity: 'error', description: 'a footnote is not on the page of its call' },
  { id: 'notes/clipped', severity: 'error', description: 'a note area is cut off at the foot of the page' },
  { id: 'layout/widow', severity: 'error', description: 'the last line of a paragraph alone at the head of a page' },
  { id: 'layout/orphan', severity: 'error', description: 'the first line of a paragraph alone at the foot of a page' },
  { id: 'layout/stranded-heading', severity: 'error', description: 'a heading is the last thing on a page' },
  { id: 'layout/blank-page', severity: 'error', description: 'a page is empty but was not meant to be blank' },
  { id: 'layout/short-page', severity: 'warning', description: 'a page is less than a quarter full while its chapter goes on' },
  { id: 'hyphenation/ladder', severity: 'error', description: 'more than three hyphenated line ends in a row' },
  { id: 'hyphenation/page-turn', severity: 'warning', description: 'a hyphenated word is split across a page turn' },
  { id: 'typography/loose-line', severity: 'warning', description: 'a justified line whose word spaces are stretched beyond 2× their natural width' },
  { id: 'fonts/not-embedded', severity: 'error', description: 'a font is not embedded in the PDF' },
  { id: 'fonts/type3', severity: 'error', description: 'a Type 3 (bitmap or vector-procedure) font is in the PDF' },
  { id: 'fonts/fallback', severity: 'error', description: 'characters are drawn by a font other than the configured one (a fallback)' },
  { id: 'images/resolution', severity: 'error', description: 'an image prints below 300 ppi at its printed size' },
  { id: 'print/signature', severity: 'error', description: 'the page count is not a multiple of print.signature (set print.padToSignature to pad)' },
];

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
function hyphenFindings(stretch: LineStretchReport, probes: LayoutProbes): PlacedDiagnostic[] {
  const found: PlacedDiagnostic[] = [];
  const lines = stretch.bodyLines;
  let run: typeof lines = [];
  const flush = (): void => {
    if (run.length > MAX_HYPHEN_RUN) {
      const first = run[0] as (typeof lines)[number];
      const place = blockAt(probes, first.page, first.y);
      found.push({ diagnostic: { ...place, column: 1, page: first.page, severity: 'error', rule: 'hyphenation/ladder', message: `${run.length} hyphenated line ends in a row, from “${first.text.slice(-30)}”` }, y: first.y });
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
        found.push({ diagnostic: { ...place, column: 1, page: line.page, severity: 'warning', rule: 'hyphenation/page-turn', message: `the word “${line.text.split(' ').pop()}” is split across the page turn` }, y: line.y });
      }
    }
  });
  flush();
  return found;
}

export const layoutCheck: Check = {
  name: 'layout',
  needs: ['pdf'],
  rules: RULES,
  async run({ book, outputs, outDir }) {
    const pdf = outputs.pdf;
    if (!pdf) return [];
    // Loaded when the check runs, not with every build's start (they bring zx and pdf-lib).
    const [{ readPdfLines }, { writeProofReport }, { pdfFonts, pdfInfo }] = await Promise.all([
      import('../layout/pdf-lines.ts'),
      import('../layout/proof-report.ts'),
      import('../pdf/poppler.ts'),
    ]);
    const severity = (rule: string): Severity => RULES.find((r) => r.id === rule)?.severity ?? 'error';
    const probes: LayoutProbes = pdf.layout.probes ?? { findings: [], pages: [], lineBreaks: null };
    const placed: PlacedDiagnostic[] = probes.findings.map((f) => ({
      diagnostic: { file: f.file || book.configFile, line: f.line, column: f.line > 0 ? 1 : 0, severity: severity(f.rule), rule: f.rule, message: f.detail, page: f.page },
      y: f.y !== undefined ? f.y / PX_PER_PT : undefined,
    }));

    const stretch = measureLineStretch(await readPdfLines(pdf.file));
    for (const line of stretch.ratios.filter((r) => r.ratio > LOOSE_LIMIT)) {
      placed.push({
        diagnostic: { ...blockAt(probes, line.page, line.y), column: 1, page: line.page, severity: 'warning', rule: 'typography/loose-line', message: `word spaces stretched to ${line.ratio.toFixed(2)}× their natural width: “${line.text.slice(0, 50)}…”` },
        y: line.y,
      });
    }
    placed.push(...hyphenFindings(stretch, probes));

    const fontsAt = book.locateConfig(['print', 'fonts']);
    const family = book.config.print.fonts.body.family.replace(/\s+/g, '');
    for (const font of await pdfFonts(pdf.file)) {
      const at = { file: book.configFile, line: fontsAt.line, column: fontsAt.column };
      if (!font.embedded) placed.push({ diagnostic: { ...at, severity: 'error', rule: 'fonts/not-embedded', message: `font ${font.name} is not embedded` } });
      if (/Type 3/.test(font.type)) placed.push({ diagnostic: { ...at, severity: 'error', rule: 'fonts/type3', message: `font ${font.name} is a Type 3 font` } });
      if (!font.name.replace(/^[A-Z]{6}\+/, '').startsWith(family)) {
        placed.push({ diagnostic: { ...at, severity: 'error', rule: 'fonts/fallback', message: `${font.name} draws some characters: a fallback for glyphs ${book.config.print.fonts.body.family} lacks` } });
      }
    }

    const pages = Number((await pdfInfo(pdf.file)).fields.Pages ?? pdf.pages);
    const { signature } = book.config.print;
    if (pages % signature !== 0) {
      const at = book.locateConfig(['print']);
      placed.push({ diagnostic: { file: book.configFile, line: at.line, column: at.column, severity: 'error', rule: 'print/signature', message: `${pages} pages is not a multiple of the signature (${signature}); ${signature - (pages % signature)} blank page(s) would complete it (print.padToSignature: true)` } });
    }

    placed.sort((a, b) => (a.diagnostic.page ?? 0) - (b.diagnostic.page ?? 0) || (a.y ?? 0) - (b.y ?? 0));
    const report = path.join(outDir, `${path.basename(pdf.file, '.pdf')}-proof.html`);
    await writeProofReport(pdf.file, report, placed);
    return placed.map((p) => p.diagnostic);
  },
};
