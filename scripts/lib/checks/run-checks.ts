import type { Book } from '../book.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { BuildOutputs } from '../targets/target.ts';
import type { Check } from './check.ts';
import { CHECKS } from './index.ts';
import { applyRuleSettings } from './rule-settings.ts';

/** Runs checks and returns their findings with book.yaml's rule settings applied. */
export async function runChecks(
  book: Book,
  outputs: BuildOutputs,
  outDir: string,
  checks: readonly Check[] = CHECKS,
): Promise<Diagnostic[]> {
  const found: Diagnostic[] = [];
  for (const check of checks) found.push(...(await check.run({ book, outputs, outDir })));
  return applyRuleSettings(found, book);
}

/** Checks that read only the manuscript: the build runs these before any target. */
export function sourceChecks(): Check[] {
  return CHECKS.filter((c) => c.needs.length === 0);
}
