import { formatDiagnostic, type Diagnostic } from '../diagnostics.ts';
import type { Rule } from '../rules.ts';
import type { BuildOutputs } from '../targets/outputs.ts';
import type { CheckFindings } from './check.ts';

export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
}

export function summarize(diagnostics: readonly Diagnostic[]): Summary {
  return {
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    infos: diagnostics.filter((d) => d.severity === 'info').length,
  };
}

/** `file:line:col  severity  message  [rule]`, one per line, then a count. */
export function formatText(diagnostics: readonly Diagnostic[]): string {
  const { errors, warnings, infos } = summarize(diagnostics);
  const lines = diagnostics.map(formatDiagnostic);
  lines.push(`${errors} error(s), ${warnings} warning(s), ${infos} info(s)`);
  return `${lines.join('\n')}\n`;
}

/** The same findings for CI: `{ "diagnostics": [...], "summary": {...} }` (documented in README). */
export function formatJson(diagnostics: readonly Diagnostic[]): string {
  return `${JSON.stringify({ diagnostics, summary: summarize(diagnostics) }, null, 2)}\n`;
}

/** `npm run check -- --list-rules`: one rule a line, `id  severity  description`. */
export function formatRuleList(rules: readonly Rule[]): string {
  return rules.map((rule) => `${rule.id.padEnd(36)} ${rule.severity.padEnd(8)} ${rule.description}${rule.stops ? ' (stops the build)' : ''}\n`).join('');
}

/**
 * The proof report (`<slug>-proof.html` beside the print PDF): every page with the layout check's findings
 * marked where they are. Written by the command that ran the checks, after them; returns its file, or
 * undefined when the layout check did not run.
 */
export async function writeLayoutProof(outputs: BuildOutputs, checks: readonly CheckFindings[]): Promise<string | undefined> {
  const layout = checks.find((c) => c.check.name === 'layout');
  if (!layout || !outputs.pdf) return undefined;
  const { proofReportFile, writeProofReport } = await import('../layout/proof-report.ts');
  const file = proofReportFile(outputs.pdf.file);
  await writeProofReport(outputs.pdf.file, file, layout.diagnostics);
  return file;
}
