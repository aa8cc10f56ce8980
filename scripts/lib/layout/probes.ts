import type { RuleId } from '../rules.ts';

/** What the page runtime's layout probes (print/runtime/layout-probes.ts) measure in the paginated page (CSS px from the sheet's top left). */
export interface ProbeFinding {
  rule: RuleId;
  page: number;
  file: string;
  line: number;
  detail: string;
  /** Where on the page, for the proof report. */
  y?: number;
}

export interface ProbedPage {
  page: number;
  area: { x: number; y: number; width: number; height: number };
  /** Every manuscript block on the page with its box. */
  blocks: { file: string; line: number; x: number; y: number; width: number; height: number }[];
}

export interface LineBreakStats {
  paragraphs: number;
  pinned: number;
  infeasible: number;
  reverted: number;
  /** Paragraphs whose lines a watching build remembered from an earlier build. */
  reused?: number;
  /** Pinned line ends at a soft hyphen. */
  hyphens?: number;
  ms: number;
}

export interface LayoutProbes {
  findings: ProbeFinding[];
  pages: ProbedPage[];
  lineBreaks: LineBreakStats | null;
}
