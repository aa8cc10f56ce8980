import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { diagnostic, positionOf, type Diagnostic } from '../diagnostics.ts';
import type { RuleId } from '../rules.ts';

/** A CSL-JSON item as citeproc reads it. */
export type CslItem = Record<string, unknown> & { id: string; type: string };

/** How far a source is confirmed: `custom.status` in the bibliography (see README, "Citations"). */
export type SourceStatus = 'confirmed' | 'partial' | 'unconfirmed';

export interface BibliographyEntry {
  id: string;
  /** What citeproc gets: the item without our `custom` block. */
  item: CslItem;
  status: SourceStatus;
  /** The editor's note on what is open, shown in the info diagnostic. */
  remark?: string;
  /** Where the entry's `id` value is in the bibliography file. */
  line: number;
  column: number;
}

export interface Bibliography {
  /** The file as named in messages. */
  file: string;
  /** First entry per id (a duplicate is reported, and the first one wins). */
  entries: Map<string, BibliographyEntry>;
}

const STATUSES = new Set<string>(['confirmed', 'partial', 'unconfirmed']);

/**
 * Reads a CSL-JSON bibliography (an array of items), keeping where each item's id sits so that duplicate
 * keys and bad entries are reported with line and column.
 */
export async function readBibliography(absolute: string, file: string, diagnostics: Diagnostic[]): Promise<Bibliography> {
  const bibliography: Bibliography = { file, entries: new Map() };
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch {
    diagnostics.push(diagnostic('citations/bad-bibliography', { file }, 'bibliography file not found'));
    return bibliography;
  }
  return parseBibliography(text, file, diagnostics);
}

export function parseBibliography(text: string, file: string, diagnostics: Diagnostic[]): Bibliography {
  const bibliography: Bibliography = { file, entries: new Map() };
  const lines = new LineCounter();
  const report = (offset: number, rule: RuleId, message: string): void => {
    const { line, col } = lines.linePos(offset);
    diagnostics.push(diagnostic(rule, { file, line, column: col }, message));
  };
  try {
    JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = Number(/at position (\d+)/.exec(message)?.[1] ?? 0);
    const { line, column } = positionOf(text, position);
    diagnostics.push(diagnostic('citations/bad-bibliography', { file, line, column }, `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/s, '')}`));
    return bibliography;
  }
  // JSON is YAML, and the YAML parser keeps every node's position, which JSON.parse does not.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) report(error.pos[0], 'citations/bad-bibliography', `cannot read the bibliography: ${error.message.split('\n')[0]}`);
    return bibliography;
  }
  if (!isSeq(doc.contents)) {
    report(doc.contents?.range?.[0] ?? 0, 'citations/bad-bibliography', 'the bibliography must be a CSL-JSON array of items');
    return bibliography;
  }
  for (const node of doc.contents.items) {
    const at = (node as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
    if (!isMap(node)) {
      report(at, 'citations/bad-bibliography', 'a bibliography item must be an object');
      continue;
    }
    const idNode = node.get('id', true);
    const typeNode = node.get('type', true);
    const item = node.toJSON() as Record<string, unknown>;
    if (!isScalar(idNode) || typeof idNode.value !== 'string' || idNode.value === '') {
      report(at, 'citations/bad-bibliography', 'a bibliography item needs an "id" (the citation key)');
      continue;
    }
    const id = idNode.value;
    const idOffset = idNode.range?.[0] ?? at;
    if (!isScalar(typeNode) || typeof typeNode.value !== 'string') {
      report(idOffset, 'citations/bad-bibliography', `item "${id}" needs a CSL "type" (book, chapter, article-newspaper, ...)`);
      continue;
    }
    const { line, col } = lines.linePos(idOffset);
    const existing = bibliography.entries.get(id);
    if (existing) {
      diagnostics.push(diagnostic('citations/duplicate-key', { file, line, column: col }, `citation key "${id}" is used by two bibliography items (first on line ${existing.line})`));
      continue;
    }
    const { custom, ...csl } = item;
    const extra = (custom ?? {}) as { status?: unknown; remark?: unknown };
    let status: SourceStatus = 'confirmed';
    if (extra.status !== undefined) {
      if (typeof extra.status === 'string' && STATUSES.has(extra.status)) status = extra.status as SourceStatus;
      else report(idOffset, 'citations/bad-bibliography', `item "${id}": custom.status must be confirmed, partial or unconfirmed`);
    }
    bibliography.entries.set(id, {
      id,
      item: csl as CslItem,
      status,
      remark: typeof extra.remark === 'string' ? extra.remark : undefined,
      line,
      column: col,
    });
  }
  return bibliography;
}
