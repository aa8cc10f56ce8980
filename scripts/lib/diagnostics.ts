/** One shape for every problem the pipeline finds, after unified's vfile messages. */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  /** Path of the file the problem is in, relative to the working directory when possible. */
  file: string;
  /** 1-based; 0 when the problem has no line (a missing file, a whole-book property). */
  line: number;
  /** 1-based; 0 when unknown. */
  column: number;
  severity: Severity;
  message: string;
  /** Stable id of the rule that found it, e.g. `config/unknown-key`. */
  rule: string;
  /** Printed page the problem shows on, for layout findings. */
  page?: number;
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
  const place = d.line > 0 ? `${d.file}:${d.line}:${Math.max(d.column, 1)}` : d.file;
  const page = d.page !== undefined ? ` (p. ${d.page})` : '';
  return `${place}  ${d.severity}  ${d.message}${page}  [${d.rule}]`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Line and column (1-based) of a character offset in a text. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
