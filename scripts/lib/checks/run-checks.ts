import type { Book } from '../book.ts';
import type { BrowserSession } from '../browser.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { BuildOutputs } from '../targets/outputs.ts';
import type { Check, CheckFindings } from './check.ts';
import { CHECKS } from './index.ts';
import { applyRuleSettings, ruleSettingProblems } from './rule-settings.ts';
import { stageDone } from '../stage-times.ts';

export interface RunChecksOptions {
  outputs?: BuildOutputs;
  outDir: string;
  /** The build's Chromium; without it a check that needs a browser starts one of its own. */
  browser?: () => Promise<BrowserSession>;
  /** Lets Node's other work in between checks (a watching build checks beside the layout, whose page Node serves). */
  yieldBetween?: boolean;
}

/** Runs checks in order and returns each one's findings with book.yaml's rule settings applied. */
export async function runChecks(book: Book, checks: readonly Check[], options: RunChecksOptions): Promise<CheckFindings[]> {
  const results: CheckFindings[] = [];
  let own: Promise<BrowserSession> | undefined;
  const browser = options.browser ?? (() => (own ??= import('../browser.ts').then(({ launchBrowser }) => launchBrowser())));
  try {
    for (const check of checks) {
      const checking = performance.now();
      const found = await check.run({ book, outputs: options.outputs ?? {}, outDir: options.outDir, browser });
      results.push({ check, diagnostics: applyRuleSettings(found, book) });
      stageDone(`check ${check.name}`, checking);
      if (options.yieldBetween) await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await (await own?.catch(() => undefined))?.close();
  }
  return results;
}

/** Every finding of the checks, in their order. */
export function findingsOf(results: readonly CheckFindings[]): Diagnostic[] {
  return results.flatMap((r) => r.diagnostics);
}

/** What the build finds before it builds anything: the source checks' findings, and the settings in
 * book.yaml `rules:` it cannot apply. */
export async function checkSources(book: Book, outDir: string, options: { yieldBetween?: boolean } = {}): Promise<Diagnostic[]> {
  return [...findingsOf(await runChecks(book, sourceChecks(), { outDir, ...options })), ...ruleSettingProblems(book)];
}

/** Checks that read only the manuscript: the build runs these before any target. */
export function sourceChecks(): Check[] {
  return CHECKS.filter((c) => c.needs.length === 0);
}

/** Checks on the outputs of the given formats (each needs only formats among them). */
export function outputChecks(formats: readonly string[]): Check[] {
  return CHECKS.filter((c) => c.needs.length > 0 && c.needs.every((f) => formats.includes(f)));
}
