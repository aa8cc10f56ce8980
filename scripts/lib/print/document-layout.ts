import type { PDFDocument } from 'pdf-lib';
import type { LayoutProbes, LineBreakStats } from '../layout/probes.ts';
import type { ContentMarks, MarkedStream } from '../pdf/tag-pdf.ts';
import { BuildError, diagnostic } from '../diagnostics.ts';
import type { DocumentDescription, LostBlock, PageLayout } from './runtime/contract.ts';
import { appendStructure, emptyStructure, sliceStructure, type DocumentStructure } from './structure.ts';

/** Where things landed in one unit, pages counted from the unit's first page (1). */
export interface UnitLayout {
  layout: PageLayout;
  /** Every id in the unit: page and top (CSS px from the sheet's top edge). */
  anchors: Record<string, { page: number; top: number }>;
  /** Links to ids in other units: page and rectangles [left, top, right, bottom] in CSS px. */
  links: { id: string; page: number; rects: number[][] }[];
  /** The unit's logical structure, for the tagged PDF; its keys prefixed with the unit's id. */
  structure: DocumentStructure;
}

/** The printed PDF a unit's pages are in (several units are laid out in one document at a time). */
export interface UnitSource {
  id: string;
  /** The build that printed it, counted up from the first build on an empty cache (print-book.ts): the merge
   * copies the documents printed earlier first, so what a save prints anew is numbered after what it keeps. */
  printed: number;
  load(): Promise<Uint8Array>;
  /** The document read (a document printed in this run). */
  document?(): Promise<PDFDocument>;
  /** Its units' pages marked for the tagged PDF: the streams that take the place of the pages' own, once
   * the merge has copied them. */
  marked?(): Promise<MarkedStream[]>;
}

/** A unit laid out: where it starts in the book, its pages in its document, its layout. */
export interface LaidOutUnit {
  id: string;
  /** Printed page number of the unit's first page. */
  firstPage: number;
  /** The unit's pages in its document, 1-based, inclusive. */
  pages: [number, number];
  layout: UnitLayout;
  /** The printed document its pages are in (when the documents were printed). */
  source?: UnitSource;
  /** Its pages' content as marked (`source.marked()`), aligned with its structure's leaves. */
  marks?: ContentMarks;
}

export type PrintedUnit = LaidOutUnit & { source: UnitSource };

/** A unit's pages in its laid-out document (1-based, inclusive) and its layout counted from its first page. */
export interface DocumentPart {
  pages: [number, number];
  layout: UnitLayout;
}

/**
 * Cuts a laid-out document into its units' layouts, each counted from the unit's first page. The blank verso
 * Paged.js adds after a unit that ends on a recto belongs to no unit.
 */
export function splitDocument(layout: PageLayout, description: DocumentDescription, ids: readonly string[]): DocumentPart[] {
  if (description.lost.length > 0) throw layoutStopped(description.lost);
  const starts = ids.map((id) => {
    const start = description.starts[id];
    // A unit without manuscript blocks (the front matter, the index) that is missing: nowhere to point at.
    if (start === undefined) throw new BuildError(diagnostic('print/layout-stopped', { source: 'paged.js' }, `Paged.js stopped laying out the pages before ${id === 'front' ? 'the front matter' : `the section "${id}"`}: it is missing from the book`));
    return start;
  });
  const blanks = new Set(description.blanks);
  return ids.map((_, k) => {
    const from = starts[k] as number;
    let to = k < ids.length - 1 ? (starts[k + 1] as number) - 1 : layout.pageCount;
    if (to > from && blanks.has(to)) to--;
    const inside = <T extends { page: number }>(items: T[]): T[] =>
      items.filter((item) => item.page >= from && item.page <= to).map((item) => ({ ...item, page: item.page - from + 1 }));
    const pages = to - from + 1;
    const local: PageLayout = {
      ...layout,
      pageCount: pages,
      headings: inside(layout.headings),
      calls: inside(layout.calls),
      notes: inside(layout.notes),
      blocks: inside(layout.blocks),
      // The document's count of hyphenated line ends, shared out by pages.
      hyphens: Math.round((layout.hyphens * pages) / Math.max(1, layout.pageCount)),
      timings: k === 0 ? layout.timings : { paginateMs: 0, settleMs: 0, collectMs: 0 },
    };
    if (layout.probes) {
      // The line breaker's figures are the document's: counted once, with its first unit.
      local.probes = { findings: inside(layout.probes.findings), pages: inside(layout.probes.pages), lineBreaks: k === 0 ? layout.probes.lineBreaks : null };
    }
    const anchors = Object.fromEntries(
      Object.entries(description.anchors)
        .filter(([, a]) => a.page >= from && a.page <= to)
        .map(([id, a]) => [id, { ...a, page: a.page - from + 1 }]),
    );
    const structure = sliceStructure(description.structure, from, to, `${ids[k]}/`);
    return { pages: [from, to], layout: { layout: local, anchors, links: inside(description.links), structure } };
  });
}

/**
 * Text Paged.js did not lay out on any page: the build stops at the first lost block's line, saying how much
 * would be missing, rather than make a book that silently ends there.
 */
export function layoutStopped(lost: readonly LostBlock[]): BuildError {
  const first = lost[0] as LostBlock;
  const files = [...new Set(lost.map((b) => b.file).filter(Boolean))];
  const rest = lost.length - 1;
  const kind = first.note ? 'note' : 'block';
  const what = first.part ? `the end of this ${kind} is` : `this ${kind} is`;
  const after = rest > 0 ? `, and ${rest} more block${rest === 1 ? '' : 's'} after it${files.length > 1 ? ` (in ${files.join(', ')})` : ''}` : '';
  return new BuildError(
    diagnostic(
      'print/layout-stopped',
      { file: first.file, line: first.line, column: 1, source: 'paged.js' },
      `Paged.js stopped laying out the pages here: ${what} on no page${after}. Is something before it taller than a page (a note, an image, a table)?`,
    ),
  );
}

/** The book's layout from its units' layouts, each moved to the printed page it starts on (`firsts`). */
export function combineLayouts(units: readonly UnitLayout[], firsts: readonly number[], pageCount: number): PageLayout {
  const layout: PageLayout = {
    pageCount,
    pageWidth: units[0]?.layout.pageWidth ?? 0,
    pageHeight: units[0]?.layout.pageHeight ?? 0,
    headings: [],
    calls: [],
    notes: [],
    blocks: [],
    hyphens: 0,
    errors: [],
    timings: { paginateMs: 0, settleMs: 0, collectMs: 0, structureMs: 0 },
    probes: { findings: [], pages: [], lineBreaks: null },
  };
  const probes = layout.probes as LayoutProbes;
  units.forEach((unit, index) => {
    const offset = (firsts[index] as number) - 1;
    const local = unit.layout;
    const shift = <T extends { page: number }>(items: T[]): T[] => items.map((item) => ({ ...item, page: item.page + offset }));
    layout.headings.push(...shift(local.headings));
    layout.calls.push(...shift(local.calls));
    layout.notes.push(...shift(local.notes));
    layout.blocks.push(...shift(local.blocks));
    layout.hyphens += local.hyphens;
    if (local.probes) {
      probes.findings.push(...shift(local.probes.findings));
      probes.pages.push(...shift(local.probes.pages));
      probes.lineBreaks = addLineBreakStats(probes.lineBreaks, local.probes.lineBreaks);
    }
    layout.timings.paginateMs += local.timings.paginateMs;
    layout.timings.settleMs += local.timings.settleMs;
    layout.timings.collectMs += local.timings.collectMs;
    (layout.timings.structureMs as number) += local.timings.structureMs ?? 0;
  });
  return layout;
}

/** The book's logical structure from its units', each moved to the printed page it starts on. */
export function combineStructures(units: readonly UnitLayout[], firsts: readonly number[]): DocumentStructure {
  const structure = emptyStructure();
  units.forEach((unit, index) => {
    if (unit.structure) appendStructure(structure, unit.structure, (firsts[index] as number) - 1);
  });
  return structure;
}

/** The book's marks from its units' (those whose documents were marked as printed), as combineStructures
 * joins their structures: leaves in unit order, pages from the unit's first printed page. */
export function combineMarks(units: readonly LaidOutUnit[]): ContentMarks | undefined {
  if (!units.some((u) => u.marks)) return undefined;
  const book: ContentMarks = { leaves: [], pages: [], sequences: 0, artifacts: 0 };
  for (const unit of units) {
    const leaves = unit.layout.structure?.leaves.length ?? 0;
    const marks = unit.marks;
    if (!marks) {
      for (let i = 0; i < leaves; i++) book.leaves.push([]);
      continue;
    }
    book.leaves.push(...marks.leaves);
    book.pages.push(...marks.pages.map((page) => page + unit.firstPage - 1));
    book.sequences += marks.sequences;
    book.artifacts += marks.artifacts;
  }
  return book;
}

function addLineBreakStats(sum: LineBreakStats | null, part: LineBreakStats | null): LineBreakStats | null {
  if (!part) return sum;
  if (!sum) return { ...part };
  return {
    paragraphs: sum.paragraphs + part.paragraphs,
    pinned: sum.pinned + part.pinned,
    infeasible: sum.infeasible + part.infeasible,
    reverted: sum.reverted + part.reverted,
    ms: sum.ms + part.ms,
  };
}
