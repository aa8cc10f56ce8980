import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { diagnostic, type Diagnostic } from '../diagnostics.ts';

/** A person in the index's list of names (`index.names`, e.g. names.yaml). */
export interface IndexName {
  /** The entry as printed: "Kautsky, Karl", "Lenin, V.I.". */
  key: string;
  /** Other names found in the text and indexed under the key: "Oeljanov", "Lenin". */
  aliases: string[];
  /** "zie ook": other entries' keys. */
  see: string[];
  /** The entry's line in the list, for a warning about it. */
  line: number;
  column: number;
}

/**
 * The list of names: a YAML sequence of `{ key, aliases?, see? }` (a plain string is a key alone). A
 * malformed list or entry is an error at its line (`index/names`).
 */
export function parseNames(text: string, file: string): { names: IndexName[]; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const diagnostics: Diagnostic[] = [];
  const at = (node: Node | null | undefined): { line: number; column: number } => {
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    return { line, column: col };
  };
  const problem = (node: Node | null | undefined, message: string): void => {
    diagnostics.push(diagnostic('index/names', { file, ...at(node) }, message));
  };
  for (const error of doc.errors) {
    const { line, col } = lines.linePos(error.pos[0]);
    diagnostics.push(diagnostic('index/names', { file, line, column: col }, error.message.split('\n')[0] ?? 'not valid YAML'));
  }
  if (doc.errors.length > 0) return { names: [], diagnostics };
  const root = doc.contents;
  if (!isSeq(root)) {
    problem(root, 'the list of names is a YAML list of entries: `- { key: "Kautsky, Karl", aliases: [Kautsky] }`');
    return { names: [], diagnostics };
  }
  const strings = (node: unknown): string[] | undefined => {
    if (node === undefined) return [];
    if (isScalar(node) && typeof node.value === 'string') return [node.value];
    if (isSeq(node) && node.items.every((i) => isScalar(i) && typeof i.value === 'string')) return node.items.map((i) => String((i as { value: string }).value));
    return undefined;
  };
  const names: IndexName[] = [];
  for (const item of root.items as Node[]) {
    const place = at(item);
    if (isScalar(item) && typeof item.value === 'string' && item.value.trim()) {
      names.push({ key: item.value.trim(), aliases: [], see: [], ...place });
      continue;
    }
    if (!isMap(item)) {
      problem(item, 'an entry is a name or `{ key, aliases, see }`');
      continue;
    }
    const key = item.get('key', true);
    const aliases = strings(item.get('aliases', true));
    const see = strings(item.get('see', true));
    const unknown = item.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : '')).filter((k) => !['key', 'aliases', 'see'].includes(k));
    if (!isScalar(key) || typeof key.value !== 'string' || !key.value.trim()) problem(item, 'an entry needs `key:`, the name as the index prints it ("Kautsky, Karl")');
    else if (!aliases) problem(item.get('aliases', true) as Node, '`aliases:` is a name or a list of names');
    else if (!see) problem(item.get('see', true) as Node, '`see:` is an entry\'s key or a list of them');
    else if (unknown.length > 0) problem(item, `unknown key \`${unknown[0]}\` (an entry has key, aliases, see)`);
    else names.push({ key: key.value.trim(), aliases, see, ...place });
  }
  return { names, diagnostics };
}
