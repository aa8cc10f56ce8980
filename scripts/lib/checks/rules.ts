import type { Book } from '../book.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { Check } from './check.ts';

/** Applies book.yaml's `rules:` (severity per rule id, or off) and flags settings for unknown rules. */
export function applyRuleSettings(diagnostics: Diagnostic[], book: Book, checks: readonly Check[]): Diagnostic[] {
  const settings = book.config.rules;
  const known = new Set(checks.flatMap((c) => c.rules.map((r) => r.id)));
  const result: Diagnostic[] = [];
  for (const d of diagnostics) {
    const setting = settings[d.rule];
    if (setting === 'off') continue;
    result.push(setting ? { ...d, severity: setting } : d);
  }
  for (const id of Object.keys(settings)) {
    if (known.has(id)) continue;
    const { line, column } = book.locateConfig(['rules', id]);
    result.push({
      file: book.configFile,
      line,
      column,
      severity: 'warning',
      rule: 'config/unknown-rule',
      message: `rules: no check has a rule "${id}" (see \`npm run check -- --list-rules\`)`,
    });
  }
  return result;
}
