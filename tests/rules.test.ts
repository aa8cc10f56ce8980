// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Book } from '../scripts/lib/book.ts';
import { formatRuleList } from '../scripts/lib/checks/report.ts';
import { applyRuleSettings, ruleSettingProblems } from '../scripts/lib/checks/rule-settings.ts';
import { diagnostic, formatDiagnostic } from '../scripts/lib/diagnostics.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { ALL_RULES, RULES, type RuleId } from '../scripts/lib/rules.ts';

const REGISTRY_FILE = path.join('scripts', 'lib', 'rules.ts');
/** `family/name` string literals that are not rule ids: media types, and the bench's column heads (ms/page, ours/row). */
const NOT_RULES = /^(text|image|font|application|audio|video|multipart)\/|^(ms\/page|ours\/row)$/;

/** Every rule-id-shaped string literal in the pipeline's code (TypeScript and the page's JavaScript), but the registry's own. */
function idsInCode(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const dir = path.join(projectRoot, 'scripts');
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(ts|js|mjs)$/.test(entry.name)) continue;
    const file = path.relative(projectRoot, path.join(entry.parentPath, entry.name));
    if (file === REGISTRY_FILE) continue;
    const text = readFileSync(path.join(projectRoot, file), 'utf8');
    for (const [, , id] of text.matchAll(/(['"`])([a-z][a-z0-9]*\/[a-z0-9]+(?:-[a-z0-9]+)*)\1/g)) {
      if (NOT_RULES.test(id as string)) continue;
      found.set(id as string, [...(found.get(id as string) ?? []), file]);
    }
  }
  return found;
}

test('every rule id the code reports is in the registry, and every registered rule is reported somewhere', () => {
  const inCode = idsInCode();
  const registered = new Set<string>(ALL_RULES.map((r) => r.id));
  const unregistered = [...inCode].filter(([id]) => !registered.has(id)).map(([id, files]) => `${id} (${files.join(', ')})`);
  assert.deepEqual(unregistered, [], `add these to ${REGISTRY_FILE}`);
  const unused = [...registered].filter((id) => !inCode.has(id));
  assert.deepEqual(unused, [], 'registered rules nothing reports');
});

test('--list-rules lists every registered rule with its severity', () => {
  const listed = formatRuleList(ALL_RULES).trimEnd().split('\n');
  assert.equal(listed.length, ALL_RULES.length);
  for (const rule of ALL_RULES) assert.ok(listed.some((line) => new RegExp(`^${rule.id}\\s+${rule.severity}\\s`).test(line)), rule.id);
  assert.match(listed.find((l) => l.startsWith('config/yaml')) ?? '', /stops the build/);
});

test('a finding takes its severity from its rule; a finding of no file names the program that reported it', () => {
  const d = diagnostic('quotes/unsourced-quotation', { file: 'a.md', line: 3, column: 7 }, 'unsourced');
  assert.equal(d.severity, 'warning');
  assert.equal(formatDiagnostic(d), 'a.md:3:7  warning  unsourced  [quotes/unsourced-quotation]');
  const render = diagnostic('print/render', { source: 'chromium' }, 'the tab crashed');
  assert.deepEqual([render.file, render.source, render.severity], ['', 'chromium', 'error']);
  assert.equal(formatDiagnostic(render), 'chromium  error  the tab crashed  [print/render]');
});

function bookWith(rules: Record<string, 'error' | 'warning' | 'info' | 'off'>): Book {
  const ids = Object.keys(rules);
  return { config: { rules }, configFile: 'book.yaml', locateConfig: (keys: string[]) => ({ line: 10 + ids.indexOf(keys[1] ?? ''), column: 3 }) } as unknown as Book;
}

test('book.yaml rules: sets any rule, refuses unknown ids, and cannot lower a rule that stops the build', () => {
  const found = [
    diagnostic('notes/undefined-reference', { file: 'a.md', line: 1, column: 1 }, 'x'),
    diagnostic('layout/widow', { file: 'a.md', line: 2, column: 1 }, 'y'),
    diagnostic('press/build', { file: 'book.yaml' }, 'z'),
  ];
  const settings = { 'notes/undefined-reference': 'warning', 'layout/widow': 'off', 'press/build': 'warning', 'no/such-rule': 'off', 'config/yaml': 'error' } as const;
  const book = bookWith(settings);
  const result = [...applyRuleSettings(found, book), ...ruleSettingProblems(book)];
  assert.deepEqual(
    result.map((d) => [d.rule, d.severity, d.line]),
    [
      ['notes/undefined-reference', 'warning', 1],
      ['press/build', 'error', 0],
      ['config/fixed-rule', 'warning', 12],
      ['config/unknown-rule', 'warning', 13],
    ],
  );
  // Every registered rule is a setting book.yaml accepts.
  const every = Object.fromEntries(ALL_RULES.map((r) => [r.id, r.stops ? 'error' : 'info'] as const));
  assert.deepEqual(ruleSettingProblems(bookWith(every)), []);
  assert.ok((Object.keys(RULES) as RuleId[]).every((id) => /^[a-z][a-z0-9]*\/[a-z0-9]+(-[a-z0-9]+)*$/.test(id)));
});
