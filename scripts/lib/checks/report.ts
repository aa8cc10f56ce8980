import { formatDiagnostic, type Diagnostic } from '../diagnostics.ts';
import type { Rule } from '../rules.ts';

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
