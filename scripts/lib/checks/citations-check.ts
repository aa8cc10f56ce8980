import type { Book } from '../book.ts';
import { findCitations } from '../citations/syntax.ts';
import { positionOf, type Diagnostic, type Severity } from '../diagnostics.ts';
import type { Check, Rule } from './check.ts';

const RULES = {
  unknownKey: { id: 'citations/unknown-key', severity: 'error', description: 'a citation names a key the bibliography does not have' },
  unusedEntry: { id: 'citations/unused-entry', severity: 'warning', description: 'a bibliography entry is never cited' },
  duplicateKey: { id: 'citations/duplicate-key', severity: 'error', description: 'two bibliography entries have the same key' },
  badBibliography: { id: 'citations/bad-bibliography', severity: 'error', description: 'the bibliography file is missing or not valid CSL-JSON' },
  badStyle: { id: 'citations/bad-style', severity: 'error', description: 'the CSL style or locale named in book.yaml does not exist, or the style is not a note style' },
  malformedLocator: { id: 'citations/malformed-locator', severity: 'error', description: 'a locator is malformed (pp. 12-14 with a hyphen, p. for a range, unknown label)' },
  unconfirmedSource: { id: 'citations/unconfirmed-source', severity: 'info', description: 'a cited source is marked unconfirmed or partial in the bibliography' },
  missingLocator: { id: 'citations/missing-locator', severity: 'info', description: 'a citation of a confirmed source has no locator though the style prints one' },
} satisfies Record<string, Rule & { severity: Severity }>;

/** Citation keys against the bibliography, locators, and the sources still open. */
export const citationsCheck: Check = {
  name: 'citations',
  needs: [],
  rules: Object.values(RULES),
  async run({ book }) {
    return citationDiagnostics(book);
  },
};

export function citationDiagnostics(book: Book): Diagnostic[] {
  const citations = book.citations;
  const found: Diagnostic[] = [...(citations?.diagnostics ?? [])];
  const entries = citations?.bibliography.entries;
  const cited = new Set<string>();
  const style = citations?.style;
  for (const chapter of book.chapters) {
    for (const { offset, cluster } of findCitations(chapter.source)) {
      for (const item of cluster.items) {
        const report = (rule: Rule, at: number, message: string): void => {
          const { line, column } = positionOf(chapter.source, offset + at);
          found.push({ file: chapter.file, line, column, severity: rule.severity, rule: rule.id, message });
        };
        if (item.locatorProblem) report(RULES.malformedLocator, item.locatorOffset ?? item.keyOffset, `locator "${item.locatorText}": ${item.locatorProblem}`);
        if (!citations) {
          report(RULES.unknownKey, item.keyOffset, `citation @${item.key}: the book has no bibliography (set citations.bibliography in book.yaml)`);
          continue;
        }
        const entry = entries?.get(item.key);
        if (!entry) {
          report(RULES.unknownKey, item.keyOffset, `unknown citation key @${item.key} (not in ${citations.bibliography.file})`);
          continue;
        }
        cited.add(item.key);
        if (entry.status !== 'confirmed') {
          const remark = entry.remark ? `: ${entry.remark}` : '';
          report(RULES.unconfirmedSource, item.keyOffset, `source @${item.key} is ${entry.status === 'partial' ? 'only partly confirmed' : 'unconfirmed'}${remark}`);
        } else if (!item.locator && !item.locatorProblem && style?.usesLocator) {
          const remark = entry.remark ? ` (${entry.remark})` : '';
          report(RULES.missingLocator, item.keyOffset, `citation of @${item.key} has no page or other locator${remark}`);
        }
      }
    }
  }
  if (citations) {
    for (const entry of citations.bibliography.entries.values()) {
      if (cited.has(entry.id)) continue;
      found.push({
        file: citations.bibliography.file,
        line: entry.line,
        column: entry.column,
        severity: RULES.unusedEntry.severity,
        rule: RULES.unusedEntry.id,
        message: `bibliography entry "${entry.id}" is never cited`,
      });
    }
  }
  return found;
}
