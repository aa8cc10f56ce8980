import type { Book } from '../book.ts';
import { nociteKeys } from '../citations/book-citations.ts';
import { findCitations } from '../citations/syntax.ts';
import { diagnostic, positionOf, type Diagnostic } from '../diagnostics.ts';
import { isCrossReferenceKey } from '../markdown/cross-references.ts';
import type { RuleId } from '../rules.ts';
import type { Check } from './check.ts';

/** Citation keys against the bibliography, locators, and the sources still open. */
export const citationsCheck: Check = {
  name: 'citations',
  needs: [],
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
    for (const { offset, cluster } of findCitations(chapter.source, citations?.terms)) {
      for (const item of cluster.items) {
        // `[@sec:staat]` is a cross-reference (markdown/cross-references.ts), resolved and checked with the book.
        if (isCrossReferenceKey(item.key, (key) => entries?.has(key) ?? false)) continue;
        const report = (rule: RuleId, at: number, message: string): void => {
          const { line, column } = positionOf(chapter.source, offset + at);
          found.push(diagnostic(rule, { file: chapter.file, line, column }, message));
        };
        if (item.locatorProblem) report('citations/malformed-locator', item.locatorOffset ?? item.keyOffset, `locator "${item.locatorText}": ${item.locatorProblem}`);
        if (!citations) {
          report('citations/unknown-key', item.keyOffset, `citation @${item.key}: the book has no bibliography (set citations.bibliography in book.yaml)`);
          continue;
        }
        const entry = entries?.get(item.key);
        if (!entry) {
          if (citations.bibliography.unreadable) continue;
          const lower = item.key.toLowerCase();
          const near = [...(entries?.keys() ?? [])].find((key) => key.toLowerCase() === lower);
          const hint = near ? `; keys are case-sensitive: the bibliography has @${near}` : '';
          report('citations/unknown-key', item.keyOffset, `unknown citation key @${item.key} (not in ${citations.bibliography.file})${hint}`);
          continue;
        }
        cited.add(item.key);
        if (entry.status !== 'confirmed') {
          const remark = entry.remark ? `: ${entry.remark}` : '';
          report('citations/unconfirmed-source', item.keyOffset, `source @${item.key} is ${entry.status === 'partial' ? 'only partly confirmed' : 'unconfirmed'}${remark}`);
        } else if (!item.locator && !item.locatorProblem && style?.usesLocator) {
          const remark = entry.remark ? ` (${entry.remark})` : '';
          report('citations/missing-locator', item.keyOffset, `citation of @${item.key} has no page or other locator${remark}`);
        }
      }
    }
  }
  if (citations) {
    const nocite = new Set(nociteKeys(citations.config, citations.bibliography));
    for (const entry of citations.bibliography.entries.values()) {
      if (cited.has(entry.id) || nocite.has(entry.id)) continue;
      found.push(diagnostic('citations/unused-entry', { file: entry.file ?? citations.bibliography.file, line: entry.line, column: entry.column }, `bibliography entry "${entry.id}" is never cited`));
    }
  }
  return found;
}
