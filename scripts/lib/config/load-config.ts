import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { BuildError, diagnostic, type Diagnostic } from '../diagnostics.ts';
import { refusal, resolveManuscriptFile } from '../manuscript-files.ts';
import { RULES, type RuleId } from '../rules.ts';
import { decodeUtf8 } from '../text-encoding.ts';
import { bookConfigSchema, REPLACED_KEYS, type BookConfig } from './schema.ts';

export const CONFIG_FILE = 'book.yaml';

/** Reads and validates `book.yaml`; every problem names the file, line, column and key. */
export interface LoadedConfig {
  config: BookConfig;
  /** The config file as it should be named in messages. */
  file: string;
  /** Line and column (1-based) of the value at a key path, for messages about it. */
  locate(keyPath: readonly (string | number)[]): { line: number; column: number };
}

export async function loadConfig(manuscriptDir: string, displayDir = manuscriptDir): Promise<LoadedConfig> {
  const file = path.join(displayDir, CONFIG_FILE);
  const located = resolveManuscriptFile(manuscriptDir, CONFIG_FILE);
  if (located.kind === 'outside') {
    throw new BuildError(diagnostic('manuscript/outside', { file }, refusal(located, CONFIG_FILE, CONFIG_FILE)));
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(manuscriptDir, CONFIG_FILE));
  } catch {
    throw new BuildError(diagnostic('config/missing', { file }, `no ${CONFIG_FILE} in ${displayDir}: a manuscript folder needs one (see README, "The manuscript")`));
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    throw new BuildError(diagnostic('manuscript/encoding', { file, line: decoded.line, column: decoded.column }, decoded.message));
  }
  return parseConfig(decoded.text, file);
}

export function parseConfig(text: string, file: string): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new BuildError(
      doc.errors.map((error): Diagnostic => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return diagnostic('config/yaml', { file, line, column: col }, firstLine(error.message));
      }),
    );
  }
  const result = bookConfigSchema.safeParse(doc.toJS() ?? {});
  if (result.success) {
    return {
      config: result.data,
      file,
      locate(keyPath) {
        // A key left to its default is not in the file: point at the nearest setting above it that is.
        let offset: number | undefined;
        for (let depth = keyPath.length; offset === undefined && depth >= 0; depth--) offset = valueOffset(doc, keyPath.slice(0, depth));
        const { line, col } = lineCounter.linePos(offset ?? 0);
        return { line, column: col };
      },
    };
  }
  throw new BuildError(result.error.issues.flatMap((issue) => issueToDiagnostics(issue, doc, lineCounter, file)));
}

/**
 * A value that fits none of a union's forms (a `contents:` item) is reported where the form it came closest to
 * went wrong: the form with the fewest issues (then the deepest), at its deepest issue, so "kind: voorwoord" is
 * named at its line, not the item's.
 */
function closestIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const branches = issue.errors.map((errors) => {
    const inner = errors.map((e) => closestIssue({ ...e, path: [...issue.path, ...e.path] } as z.core.$ZodIssue));
    const deepest = inner.reduce((best, c) => (c.path.length > best.path.length ? c : best), inner[0]!);
    return { count: errors.length, deepest };
  });
  branches.sort((a, b) => a.count - b.count || b.deepest.path.length - a.deepest.path.length);
  const best = branches[0]?.deepest;
  return best && best.path.length > issue.path.length ? best : issue;
}

function issueToDiagnostics(found: z.core.$ZodIssue, doc: Document, lines: LineCounter, file: string): Diagnostic[] {
  const issue = closestIssue(found);
  const keyPath = issue.path.map(String);
  const at = (offset: number): { file: string; line: number; column: number } => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
  if (issue.code === 'unrecognized_keys') {
    const keyAt = (key: string): number => keyOffset(doc, issue.path, key) ?? valueOffset(doc, issue.path) ?? 0;
    const full = (key: string): string => [...keyPath, key].join('.');
    const replaced = issue.keys.filter((key) => full(key) in REPLACED_KEYS);
    const unknown = issue.keys.filter((key) => !replaced.includes(key));
    const found = replaced.map((key) =>
      diagnostic('config/unknown-key', at(keyAt(key)), `"${full(key)}" is no longer a key: use "${REPLACED_KEYS[full(key)]}", one setting for the screen and the press PDF`),
    );
    const [first, ...more] = unknown;
    if (first !== undefined) {
      found.push(diagnostic('config/unknown-key', at(keyAt(first)), `unknown key "${full(first)}"${more.length > 0 ? ` (and ${more.join(', ')})` : ''}`));
    }
    return found;
  }
  const name = keyPath.join('.') || '(top level)';
  const missing = issue.code === 'invalid_type' && doc.getIn(issue.path, true) === undefined;
  const message = missing ? `missing required key "${name}"` : `"${name}": ${issue.message}`;
  let rule: RuleId = missing ? 'config/missing-key' : 'config/invalid';
  const custom = issue.code === 'custom' ? (issue.params as { rule?: unknown } | undefined)?.rule : undefined;
  if (typeof custom === 'string' && custom in RULES) rule = custom as RuleId;
  return [diagnostic(rule, at(valueOffset(doc, issue.path) ?? valueOffset(doc, issue.path.slice(0, -1)) ?? 0), message)];
}

function valueOffset(doc: Document, keyPath: readonly PropertyKey[]): number | undefined {
  const node = keyPath.length === 0 ? doc.contents : doc.getIn(keyPath as unknown[], true);
  return isNode(node) && node.range ? node.range[0] : undefined;
}

/** Offset of a key (not its value) in the mapping at `parentPath`. */
function keyOffset(doc: Document, parentPath: readonly PropertyKey[], key: string): number | undefined {
  const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath as unknown[], true);
  if (!parent || typeof parent !== 'object' || !('items' in parent) || !Array.isArray(parent.items)) return undefined;
  for (const pair of parent.items as unknown[]) {
    if (pair && typeof pair === 'object' && 'key' in pair) {
      const k = (pair as { key: unknown }).key;
      if (isNode(k) && String((k as { value?: unknown }).value) === key && k.range) return k.range[0];
    }
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
