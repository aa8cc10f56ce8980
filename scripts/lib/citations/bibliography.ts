import { readFile } from 'node:fs/promises';
import { getNodeValue, parseTree, type Node as JsonNode } from 'jsonc-parser';
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
  /** The file it is in, as named in messages. */
  file?: string;
  /** Where the entry's `id` value is in the bibliography file. */
  line: number;
  column: number;
}

export interface Bibliography {
  /** The files as named in messages, in the order book.yaml lists them. */
  file: string;
  files: string[];
  /** First entry per id across the files (a duplicate is reported, and the first one wins). */
  entries: Map<string, BibliographyEntry>;
  /** A file could not be read or parsed (reported): unknown keys then say nothing new. */
  unreadable?: boolean;
}

/** The formats Pandoc reads, by file extension. */
export type BibliographyFormat = 'csl-json' | 'csl-yaml' | 'bibtex';

export function bibliographyFormat(file: string): BibliographyFormat | undefined {
  const extension = file.toLowerCase().split('.').pop();
  if (extension === 'json') return 'csl-json';
  if (extension === 'yaml' || extension === 'yml') return 'csl-yaml';
  if (extension === 'bib' || extension === 'bibtex' || extension === 'biblatex') return 'bibtex';
  return undefined;
}

const STATUSES = new Set<string>(['confirmed', 'partial', 'unconfirmed']);

/**
 * Each bibliography file as parsed last in this process, by its format and path, with what the parse reported:
 * a watching build and the preview read the book again on every save, and an unchanged bibliography went
 * through the YAML parser (for its positions) or citation.js each time. Used again while the text is the
 * same. Nothing changes a parsed entry: readBibliographies copies them into a new set, citeproc copies an item
 * as it retrieves it, the citation threads get clones, and the rest only read them.
 */
const parsedBefore = new Map<string, { text: string; display: string; parsed: Bibliography; reported: Diagnostic[] }>();

/**
 * Reads the bibliography files into one set of sources (CSL-JSON, CSL-YAML, BibTeX and BibLaTeX), keeping
 * where each entry's key sits so that duplicate keys and bad entries are reported with line and column.
 */
export async function readBibliographies(files: { absolute: string; display: string }[], diagnostics: Diagnostic[]): Promise<Bibliography> {
  const bibliography: Bibliography = { file: files.map((f) => f.display).join(', '), files: files.map((f) => f.display), entries: new Map() };
  for (const { absolute, display } of files) {
    let text: string;
    try {
      text = await readFile(absolute, 'utf8');
    } catch {
      diagnostics.push(diagnostic('citations/bad-bibliography', { file: display }, 'bibliography file not found'));
      bibliography.unreadable = true;
      continue;
    }
    const format = bibliographyFormat(display);
    if (!format) {
      diagnostics.push(diagnostic('citations/bad-bibliography', { file: display, line: 1, column: 1 }, 'not a bibliography format read here: name a CSL-JSON (.json), CSL-YAML (.yaml) or BibTeX/BibLaTeX (.bib) file'));
      bibliography.unreadable = true;
      continue;
    }
    const before = diagnostics.length;
    const memo = `${format} ${absolute}`;
    const last = parsedBefore.get(memo);
    let one: Bibliography;
    if (last && last.text === text && last.display === display) {
      one = last.parsed;
      for (const reported of last.reported) diagnostics.push({ ...reported });
    } else {
      one = format === 'bibtex' ? await parseBibtex(text, display, diagnostics) : parseBibliography(text, display, diagnostics, format === 'csl-yaml');
      parsedBefore.set(memo, { text, display, parsed: one, reported: diagnostics.slice(before).map((reported) => ({ ...reported })) });
    }
    if (one.entries.size === 0 && diagnostics.length > before) bibliography.unreadable = true;
    for (const [id, entry] of one.entries) {
      const existing = bibliography.entries.get(id);
      if (!existing) bibliography.entries.set(id, entry);
      else {
        const message = `citation key "${id}" is used by two bibliography items (first in ${existing.file ?? bibliography.file} on line ${existing.line})`;
        diagnostics.push(diagnostic('citations/duplicate-key', { file: entry.file ?? display, line: entry.line, column: entry.column }, message));
      }
    }
  }
  return bibliography;
}

/** Reads one bibliography file (kept for callers that have one). */
export async function readBibliography(absolute: string, file: string, diagnostics: Diagnostic[]): Promise<Bibliography> {
  return readBibliographies([{ absolute, display: file }], diagnostics);
}

/**
 * BibTeX and BibLaTeX through citation.js (its BibLaTeX-to-CSL mapping, LaTeX accents and commands decoded,
 * braces removed). A syntax error is reported at the brace or entry where it starts, not where the parser
 * gave up (an unclosed brace runs to the end of the file).
 */
export async function parseBibtex(text: string, file: string, diagnostics: Diagnostic[]): Promise<Bibliography> {
  const bibliography: Bibliography = { file, files: [file], entries: new Map() };
  const { plugins } = await import('@citation-js/core');
  await import('@citation-js/plugin-bibtex');
  // As Pandoc: English titles to sentence case, a {braced} word kept as written (`nocase`), so that a style's
  // title case neither lowers "nm" in "{nm}" nor misses a word.
  (plugins.config.get('@bibtex') as { parse: { sentenceCase: string } }).parse.sentenceCase = 'english';
  let items: CslItem[];
  try {
    items = plugins.input.chain(langidAsLanguage(unstarCommands(text)), { target: '@csl/list+object', generateGraph: false, forceType: '@biblatex/text' }) as CslItem[];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unclosed = unclosedBrace(text);
    const reported = /at line (\d+) col (\d+)/.exec(message);
    const { line, column } = unclosed ?? (reported ? { line: Number(reported[1]), column: Number(reported[2]) } : { line: 1, column: 1 });
    const why = unclosed ? 'BibTeX syntax error: this brace is never closed' : `BibTeX syntax error: ${message.split('\n')[0]!.replace(/ at line \d+ col \d+:?$/, '')}`;
    diagnostics.push(diagnostic('citations/bad-bibliography', { file, line, column }, why));
    return bibliography;
  }
  const keys = bibtexKeyPositions(text);
  for (const raw of items) {
    // A BibLaTeX @set groups other entries; it is no source of its own.
    if (raw.type === 'set' || Object.keys(raw).every((k) => k === 'id' || k === 'type' || k === 'citation-key')) continue;
    const id = String(raw.id);
    const { 'citation-key': _key, ...item } = raw;
    const at = keys.get(id) ?? { line: 1, column: 1 };
    if (bibliography.entries.has(id)) {
      diagnostics.push(diagnostic('citations/duplicate-key', { file, line: at.line, column: at.column }, `citation key "${id}" is used by two bibliography items`));
      continue;
    }
    bibliography.entries.set(id, { id, item: normalizeBibtexItem(item as CslItem), status: 'confirmed', line: at.line, column: at.column, file });
  }
  return bibliography;
}

/**
 * citation.js's LaTeX reader stops at a starred command (`\\enquote*{series}`, common in BibLaTeX files) and
 * with it the whole file; the star only chooses a variant of the same command, so it is dropped (the text
 * keeps its length, so every position stays where it was).
 */
function unstarCommands(text: string): string {
  return text.replace(/(\\[A-Za-z]+)\*(?=\s*[{[])/g, '$1 ');
}

/**
 * citation.js reads an entry's language from `language` only, and sentence-cases every title it takes for
 * English, so a German title with BibLaTeX's `langid = {german}` lost its capitals. The langid is also given
 * as the language (on the same line: positions stay).
 */
function langidAsLanguage(text: string): string {
  return text.replace(/(\blangid\s*=\s*)(\{[^{}]*\}|"[^"]*"|[A-Za-z]+)/gi, '$1$2, language = $2');
}

/** BibLaTeX's language names (`langid`) as the codes CSL reads; citeproc title-cases only English titles. */
const LANGUAGES: Record<string, string> = {
  english: 'en', american: 'en-US', british: 'en-GB', dutch: 'nl', german: 'de', ngerman: 'de', austrian: 'de-AT',
  french: 'fr', spanish: 'es', italian: 'it', portuguese: 'pt', brazilian: 'pt-BR', swedish: 'sv', danish: 'da',
  norwegian: 'nb', finnish: 'fi', polish: 'pl', czech: 'cs', russian: 'ru', ukrainian: 'uk', greek: 'el',
  latin: 'la', catalan: 'ca', hungarian: 'hu', turkish: 'tr', japanese: 'ja', chinese: 'zh', korean: 'ko',
};

const NAME_FIELDS = new Set(['author', 'editor', 'translator', 'container-author', 'collection-editor', 'composer', 'director', 'illustrator', 'interviewer', 'original-author', 'recipient', 'reviewed-author', 'editorial-director']);

/**
 * What citation.js leaves that citeproc cannot read or a reader should not see: a list where CSL wants text
 * (several places or publishers, joined as Pandoc joins them), BibLaTeX language names, thesis genres as BibTeX
 * names them, a dotless i with an accent.
 */
function normalizeBibtexItem(item: CslItem): CslItem {
  const genres: Record<string, string> = {
    phdthesis: 'PhD thesis', mastersthesis: 'Master’s thesis', mathesis: 'Master’s thesis', techreport: 'Technical report',
    resreport: 'Research report', patent: 'Patent', patentus: 'U.S. patent', patenteu: 'European patent', patentde: 'German patent',
    patentfr: 'French patent', patentuk: 'British patent', patreqfr: 'French patent request', patreqeu: 'European patent request',
  };
  const result: Record<string, unknown> = JSON.parse(JSON.stringify(item, (_, value: unknown) => (typeof value === 'string' ? value.replace(/ı\u0301/g, 'í').normalize('NFC') : value)));
  for (const [field, value] of Object.entries(result)) {
    if (Array.isArray(value) && !NAME_FIELDS.has(field) && value.every((v) => typeof v === 'string')) result[field] = field === 'language' ? value[0] : value.join('; ');
  }
  if (typeof result.language === 'string') {
    const name = result.language.toLowerCase().replace(/^lang/, '');
    result.language = LANGUAGES[name] ?? result.language;
  }
  if (typeof result.genre === 'string' && genres[result.genre]) result.genre = genres[result.genre];
  for (const [field, value] of Object.entries(result)) if (typeof value === 'string' && value.includes('\\hyphen')) result[field] = value.replace(/\\hyphen\s*/g, '-');
  return result as CslItem;
}

/** Line and column of each entry's key (`@book{key,`). */
function bibtexKeyPositions(text: string): Map<string, { line: number; column: number }> {
  const positions = new Map<string, { line: number; column: number }>();
  for (const match of text.matchAll(/@[A-Za-z]+\s*[{(]\s*([^\s,{}()]+)\s*,/g)) {
    const key = match[1]!;
    if (positions.has(key)) continue;
    positions.set(key, positionOf(text, match.index + match[0].indexOf(key, 1)));
  }
  return positions;
}

/**
 * The brace that breaks an entry: a field's value still open where the next field (`name =`) starts, else the
 * innermost brace left open when the next entry starts (or the file ends).
 */
function unclosedBrace(text: string): { line: number; column: number } | undefined {
  const starts = [...text.matchAll(/^[ \t]*@[A-Za-z]+\s*\{/gm)].map((m) => m.index);
  for (const [n, start] of starts.entries()) {
    const end = starts[n + 1] ?? text.length;
    const open: number[] = [];
    for (let i = start; i < end; i++) {
      const c = text[i];
      if (c === '\\') i++;
      else if (c === '{') open.push(i);
      else if (c === '}') open.pop();
      else if (c === '\n' && open.length >= 2 && /^[ \t]*[A-Za-z][\w-]*[ \t]*=/.test(text.slice(i + 1, i + 80))) return positionOf(text, open[1]!);
    }
    if (open.length > 0) return positionOf(text, open[open.length - 1]!);
  }
  return undefined;
}

/** One item of a bibliography file as parsed: where it starts and where its `id` value is, and its value. */
interface ParsedItem {
  at: number;
  idAt?: number;
  value: unknown;
}

/** An item's place and value, or what is wrong with the file (an offset and a message). */
type ParsedItems = { items: ParsedItem[] } | { error: { at: number; message: string } };

/**
 * A CSL-JSON file's items with their places. JSON.parse says whether it is JSON at all (its message is the
 * one users know); jsonc-parser then gives every node's offset, several times faster than the YAML parser
 * that did this before (JSON is YAML) on a bibliography of any size. A key twice in one object is refused,
 * since JSON.parse would silently keep the last.
 */
function jsonItems(text: string): ParsedItems {
  const root = parseTree(text, [], { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (!root || root.type !== 'array') return { error: { at: root?.offset ?? 0, message: 'the bibliography must be a CSL-JSON array of items' } };
  const duplicate = duplicateKey(root);
  if (duplicate) return { error: { at: duplicate.offset, message: `cannot read the bibliography: the key "${String(duplicate.value)}" is in one object twice` } };
  return {
    items: (root.children ?? []).map((node) => {
      const id = node.type === 'object' ? node.children?.find((property) => property.children?.[0]?.value === 'id')?.children?.[1] : undefined;
      return { at: node.offset, idAt: id?.offset, value: getNodeValue(node) };
    }),
  };
}

/** The first key that is in its object twice, anywhere in the tree. */
function duplicateKey(node: JsonNode): JsonNode | undefined {
  if (node.type === 'object') {
    const seen = new Set<unknown>();
    for (const property of node.children ?? []) {
      const key = property.children?.[0];
      if (key && seen.has(key.value)) return key;
      seen.add(key?.value);
    }
  }
  for (const child of node.children ?? []) {
    const found = duplicateKey(child);
    if (found) return found;
  }
  return undefined;
}

/** A CSL-YAML file's items with their places: a document with a `references` list (as Pandoc writes it), or the list itself. */
function yamlItems(text: string, lineCounter: LineCounter): ParsedItems {
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const [error] = doc.errors;
  if (error) return { error: { at: error.pos[0], message: `cannot read the bibliography: ${error.message.split('\n')[0]}` } };
  const list = isMap(doc.contents) ? doc.contents.get('references', true) : doc.contents;
  if (!isSeq(list)) return { error: { at: doc.contents?.range?.[0] ?? 0, message: 'a CSL-YAML bibliography must have a "references" list of items' } };
  return {
    items: list.items.map((node) => {
      const at = (node as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
      const id = isMap(node) ? node.get('id', true) : undefined;
      return { at, idAt: isScalar(id) ? id.range?.[0] : undefined, value: isMap(node) ? node.toJSON() : null };
    }),
  };
}

export function parseBibliography(text: string, file: string, diagnostics: Diagnostic[], yaml = false): Bibliography {
  const bibliography: Bibliography = { file, files: [file], entries: new Map() };
  const lines = new LineCounter();
  if (!yaml) {
    try {
      JSON.parse(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const position = Number(/at position (\d+)/.exec(message)?.[1] ?? 0);
      const { line, column } = positionOf(text, position);
      diagnostics.push(diagnostic('citations/bad-bibliography', { file, line, column }, `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/s, '')}`));
      return bibliography;
    }
    // The YAML parser counts lines as it parses; JSON's are counted here, as it would have.
    lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  }
  const report = (offset: number, rule: RuleId, message: string): void => {
    const { line, col } = lines.linePos(offset);
    diagnostics.push(diagnostic(rule, { file, line, column: col }, message));
  };
  const parsed = yaml ? yamlItems(text, lines) : jsonItems(text);
  if ('error' in parsed) {
    report(parsed.error.at, 'citations/bad-bibliography', parsed.error.message);
    return bibliography;
  }
  for (const { at, idAt, value } of parsed.items) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      report(at, 'citations/bad-bibliography', 'a bibliography item must be an object');
      continue;
    }
    const item = value as Record<string, unknown>;
    if (typeof item.id !== 'string' || item.id === '') {
      report(at, 'citations/bad-bibliography', 'a bibliography item needs an "id" (the citation key)');
      continue;
    }
    const id = item.id;
    const idOffset = idAt ?? at;
    if (typeof item.type !== 'string') {
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
      file,
      item: (yaml ? yamlDates(csl) : csl) as CslItem,
      status,
      remark: typeof extra.remark === 'string' ? extra.remark : undefined,
      line,
      column: col,
    });
  }
  return bibliography;
}

const DATE_FIELDS = ['issued', 'accessed', 'event-date', 'original-date', 'submitted', 'available-date'];

/** CSL-YAML writes dates as EDTF text (`issued: 2005-06`) or Pandoc's `{year: 2005}`; citeproc reads date-parts. */
function yamlDates(item: Record<string, unknown>): Record<string, unknown> {
  const result = { ...item };
  for (const field of DATE_FIELDS) {
    const value = result[field];
    if (typeof value === 'string' || typeof value === 'number') {
      const parts = String(value).split('/').map((part) => part.split('-').filter(Boolean).map(Number));
      result[field] = parts.every((p) => p.length > 0 && p.every(Number.isFinite)) ? { 'date-parts': parts } : { literal: String(value) };
    } else if (value && typeof value === 'object' && !Array.isArray(value) && 'year' in value) {
      const { year, month, day } = value as { year?: unknown; month?: unknown; day?: unknown };
      result[field] = { 'date-parts': [[year, month, day].filter((p) => p !== undefined).map(Number)] };
    }
  }
  return result;
}
