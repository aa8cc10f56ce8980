import type { Book } from '../book.ts';
import { diagnostic, type Diagnostic } from '../diagnostics.ts';
import { isRuleId, RULES } from '../rules.ts';

/** Applies book.yaml's `rules:` (a severity per rule id, or off); a rule that stops the build keeps its own. */
export function applyRuleSettings(diagnostics: Diagnostic[], book: Book): Diagnostic[] {
  const settings = book.config.rules;
  const result: Diagnostic[] = [];
  for (const d of diagnostics) {
    const setting = RULES[d.rule].stops ? undefined : settings[d.rule];
    if (setting === 'off') continue;
    result.push(setting ? { ...d, severity: setting } : d);
  }
  return result;
}

/** The settings in book.yaml's `rules:` that cannot be applied: an id no rule has, or a lower severity for a
 * rule whose finding stops the build. */
export function ruleSettingProblems(book: Book): Diagnostic[] {
  const result: Diagnostic[] = [];
  for (const [id, setting] of Object.entries(book.config.rules)) {
    const at = () => ({ file: book.configFile, ...book.locateConfig(['rules', id]) });
    if (!isRuleId(id)) {
      result.push(diagnostic('config/unknown-rule', at(), `rules: no check has a rule "${id}" (see \`npm run check -- --list-rules\`)`));
    } else if (RULES[id].stops && setting !== 'error') {
      result.push(diagnostic('config/fixed-rule', at(), `rules: "${id}" stops the build when it is found; it cannot be made "${setting}"`));
    }
  }
  return result;
}
