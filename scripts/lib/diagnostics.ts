import { RULES, type RuleId, type Severity } from './rules.ts';

export type { Severity };

/** One shape for every problem the pipeline finds, after unified's vfile messages. */
export interface Diagnostic {
  /** Path of the file the problem is in, relative to the working directory when possible; '' when the
   * problem is in no file (then `source` says what found it). */
  file: string;
  /** 1-based; 0 when the problem has no line (a missing file, a whole-book property). */
  line: number;
  /** 1-based; 0 when unknown. */
  column: number;
  severity: Severity;
  message: string;
  /** The rule that found it (scripts/lib/rules.ts), e.g. `config/unknown-key`. */
  rule: RuleId;
  /** Printed page the problem shows on, for layout findings. */
  page?: number;
  /** Where on that page, in PDF points from the top of the sheet (the proof report marks it there). */
  y?: number;
  /** The program that reported it, when not the pipeline itself: `chromium`, `ghostscript`, `java`, … */
  source?: string;
}

/** Where a finding is: a file (and line, column, printed page), or only the program that reported it. */
export interface Place {
  file?: string;
  line?: number;
  column?: number;
  page?: number;
  y?: number;
  source?: string;
}

/** A finding of `rule` at `place`, with the rule's severity (book.yaml `rules:` may change it later). */
export function diagnostic(rule: RuleId, place: Place, message: string): Diagnostic {
  const found: Diagnostic = { file: place.file ?? '', line: place.line ?? 0, column: place.column ?? 0, severity: RULES[rule].severity, message, rule };
  if (place.page !== undefined) found.page = place.page;
  if (place.y !== undefined) found.y = place.y;
  if (place.source !== undefined) found.source = place.source;
  return found;
}

/** Thrown when a stage cannot go on; carries the diagnostics that explain why. */
export class BuildError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[] | Diagnostic) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map(formatDiagnostic).join('\n'));
    this.name = 'BuildError';
    this.diagnostics = list;
  }
}

export function formatDiagnostic(d: Diagnostic): string {
  const place = !d.file ? (d.source ?? '') : d.line > 0 ? `${d.file}:${d.line}:${Math.max(d.column, 1)}` : d.file;
  const page = d.page !== undefined ? ` (p. ${d.page})` : '';
  return `${place}  ${d.severity}  ${d.message}${page}  [${d.rule}]`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Where each line of the last text asked about starts: a check reports many findings in one text. */
let lineStartsOf: { text: string; starts: number[] } | undefined;

function lineStarts(text: string): number[] {
  if (lineStartsOf?.text === text) return lineStartsOf.starts;
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  lineStartsOf = { text, starts };
  return starts;
}

/** Line and column (1-based) of a character offset in a text. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const starts = lineStarts(text);
  // The last line starting at or before the offset (an offset past the end counts from the last line).
  const end = Math.min(offset, text.length);
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] as number) <= end) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - (starts[low] as number) + 1 };
}
