import MarkdownIt from 'markdown-it';

/**
 * Pandoc's citation syntax, read the same way by the Markdown plugin (to render) and by the citation check
 * (to report with exact columns), after Pandoc's Markdown reader and its citeproc locator parser:
 *
 * - bracketed: `[@key]`, `[see @key, p. 12, and more]`, `[@a; -@b ch. 3]`, `[*see* @key p. **32**]`;
 * - narrative (author in the text): `@key`, `@key [p. 33]`, `@key [-@key2 p. 30; see also @key3]`;
 * - keys: a letter, digit or `_`, then letters, digits, `_` and internal punctuation (`:.#$%&-+?<>~/`), or
 *   anything but spaces in braces (`@{braced key}`);
 * - locators: a term of the locale or of English (`p.`, `chap.`, `vol.`, `l.`, ...) or a bare number (a page),
 *   with or without a comma before it, or anything in braces (`{II, A.3}`, `{pp. iv, vi–xi}`).
 */

/** CSL's locator variables: the terms a locale gives them are what Pandoc reads as locator labels. */
export const LOCATOR_NAMES = [
  'act', 'appendix', 'article-locator', 'book', 'canon', 'chapter', 'column', 'elocation', 'equation', 'figure',
  'folio', 'issue', 'line', 'note', 'opus', 'page', 'paragraph', 'part', 'rule', 'scene', 'section', 'sub verbo',
  'supplement', 'table', 'timestamp', 'title-locator', 'verse', 'volume',
] as const;

/** Abbreviations Dutch editors write that the nl-NL locale does not have as terms (it has p., hfdst., deel). */
const DUTCH_ALIASES: Record<string, string> = {
  'blz.': 'page', 'bladz.': 'page', 'pag.': 'page', 'hfst.': 'chapter', 'hoofdstuk': 'chapter', 'dl.': 'volume',
  'deel': 'volume', 'r.': 'line', 'kol.': 'column', 'noot': 'note', 'aant.': 'note',
};

/** Locator terms as typed (lower case) → CSL locator name. */
export type LocatorTerms = ReadonlyMap<string, string>;

/** The locator terms of a CSL locale's XML: every form (long, short, symbol), singular and plural. */
export function localeLocatorTerms(localeXml: string): Map<string, string> {
  const terms = new Map<string, string>();
  const names = new Set<string>(LOCATOR_NAMES);
  for (const match of localeXml.matchAll(/<term\s+name="([^"]+)"[^>]*?(?:\/>|>([\s\S]*?)<\/term>)/g)) {
    const name = match[1]!;
    if (!names.has(name) || match[2] === undefined) continue;
    const body = match[2];
    const forms = /<single>/.test(body) ? [...body.matchAll(/<(?:single|multiple)>([^<]*)<\/(?:single|multiple)>/g)].map((m) => m[1]!) : [body];
    for (const form of forms) {
      const text = decodeXml(form).trim().toLowerCase();
      if (text && !terms.has(text)) terms.set(text, name);
    }
  }
  return terms;
}

/** Not a term: where `locatorTerms` keeps the locale's page-range delimiter (a key no one can type). */
export const RANGE_DELIMITER = ' page-range-delimiter';

/** The terms a book's citations are read with: its locale's, English (as Pandoc adds them), Dutch aliases. */
export function locatorTerms(localeXml: string, englishXml: string, language: string): Map<string, string> {
  const terms = localeLocatorTerms(localeXml);
  const delimiter = /<term name="page-range-delimiter">([^<]*)<\/term>/.exec(localeXml)?.[1];
  if (delimiter !== undefined) terms.set(RANGE_DELIMITER, delimiter);
  for (const [term, name] of localeLocatorTerms(englishXml)) if (!terms.has(term)) terms.set(term, name);
  if (language.toLowerCase().startsWith('nl')) for (const [term, name] of Object.entries(DUTCH_ALIASES)) if (!terms.has(term)) terms.set(term, name);
  return terms;
}

function decodeXml(text: string): string {
  return text.replace(/&(#x?[0-9a-f]+|amp|lt|gt|quot|apos);/gi, (_, code: string) => {
    if (code[0] === '#') return String.fromCodePoint(Number.parseInt(code.slice(code[1] === 'x' || code[1] === 'X' ? 2 : 1), code[1] === 'x' || code[1] === 'X' ? 16 : 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[code.toLowerCase()] ?? '';
  });
}

export interface CitationItem {
  key: string;
  /** Offset of `@` within the cluster's text (the cluster starts at 0). */
  keyOffset: number;
  suppressAuthor: boolean;
  /** Markdown, as typed (trimmed). */
  prefix: string;
  /** Markdown after the locator, as typed (a leading comma kept, surrounding space trimmed). */
  suffix: string;
  locator?: string;
  /** CSL locator label: page, chapter, volume, ... */
  label?: string;
  /** The locator as typed (label and value), and its offset in the cluster text. */
  locatorText?: string;
  locatorOffset?: number;
  /** Why the locator is something the style cannot print as meant. */
  locatorProblem?: string;
}

export interface CitationCluster {
  items: CitationItem[];
  /** Length of the cluster's text. */
  length: number;
  /** `@key` in the text: the first item's author is part of the sentence (Pandoc's AuthorInText). */
  narrative: boolean;
}

const REGULAR = /[\p{L}\p{N}_]/u;
const INTERNAL = ':.#$%&-+?<>~/';

function isRegular(c: string | undefined): boolean {
  return c !== undefined && REGULAR.test(c);
}

/** A key starting at `text[at]` (after the `@`): its text and where it ends. */
export function readKey(text: string, at: number): { key: string; end: number } | undefined {
  if (text[at] === '{') {
    let depth = 0;
    for (let i = at; i < text.length; i++) {
      const c = text[i]!;
      if (/\s/.test(c)) return undefined;
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return i > at + 1 ? { key: text.slice(at + 1, i), end: i + 1 } : undefined;
    }
    return undefined;
  }
  const first = String.fromCodePoint(text.codePointAt(at) ?? 0);
  if (!isRegular(first)) return undefined;
  let i = at + first.length;
  for (;;) {
    const c = String.fromCodePoint(text.codePointAt(i) ?? 0);
    if (i < text.length && isRegular(c)) i += c.length;
    else if (INTERNAL.includes(c) && i < text.length && (isRegular(String.fromCodePoint(text.codePointAt(i + 1) ?? 0)) || ((c === ':' || c === '/') && text[i + 1] === '/'))) i++;
    else break;
  }
  return { key: text.slice(at, i), end: i };
}

/** `@key` or `-@key` at `at`, not glued to a word before it (an e-mail address is no citation). */
function keyAt(text: string, at: number): { key: string; suppressAuthor: boolean; keyStart: number; end: number } | undefined {
  const suppressAuthor = text[at] === '-';
  const atSign = suppressAuthor ? at + 1 : at;
  if (text[atSign] !== '@' || isRegular(text[at - 1])) return undefined;
  const key = readKey(text, atSign + 1);
  return key ? { key: key.key, suppressAuthor, keyStart: atSign, end: key.end } : undefined;
}

/** Where the code span opened by the backticks at `i` ends (after its closing backticks), or -1. */
function codeSpanEnd(text: string, i: number): number {
  let n = 0;
  while (text[i + n] === '`') n++;
  for (let j = i + n; j < text.length; ) {
    const k = text.indexOf('`', j);
    if (k < 0) return -1;
    let m = 0;
    while (text[k + m] === '`') m++;
    if (m === n) return k + m;
    j = k + m;
  }
  return -1;
}

/** Skips a code span or an escape at `i`; returns the index after it, or `i` when there is none. */
function skipInlineCode(text: string, i: number): number {
  if (text[i] === '\\') return i + 2;
  if (text[i] !== '`') return i;
  const end = codeSpanEnd(text, i);
  if (end >= 0) return end;
  let n = 0;
  while (text[i + n] === '`') n++;
  return i + n;
}

/**
 * Reads a citation starting at `start`: a bracketed cluster at `[`, a narrative one at `@` or `-@`.
 * Undefined when there is none there (a link, a footnote reference, plain brackets, an e-mail address).
 */
export function parseCitation(text: string, start: number, terms: LocatorTerms = ENGLISH_TERMS): CitationCluster | undefined {
  const c = text[start];
  if (c === '[') return bracketed(text, start, terms);
  if (c === '@' || c === '-') return narrative(text, start, terms);
  return undefined;
}

/** Kept for callers that only read bracketed clusters. */
export function parseCluster(text: string, start: number, terms: LocatorTerms = ENGLISH_TERMS): CitationCluster | undefined {
  return text[start] === '[' ? bracketed(text, start, terms) : undefined;
}

function bracketed(text: string, start: number, terms: LocatorTerms): CitationCluster | undefined {
  if (text[start + 1] === '^') return undefined;
  const end = closingBracket(text, start);
  if (end < 0) return undefined;
  const next = text[end + 1];
  // A link, a reference, or a link reference definition (`[label]: url`, only at the start of a line).
  if (next === '(' || next === '[' || (next === ':' && /(?:^|\n) {0,3}$/.test(text.slice(Math.max(0, start - 4), start)))) return undefined;
  const items = itemList(text, start + 1, end, start, terms);
  return items ? { items, length: end - start + 1, narrative: false } : undefined;
}

/** `item (; item)*` between `from` and `to` (exclusive); offsets relative to `base`. */
function itemList(text: string, from: number, to: number, base: number, terms: LocatorTerms): CitationItem[] | undefined {
  const items: CitationItem[] = [];
  let partStart = from;
  for (const partEnd of splitItems(text, from, to)) {
    const item = readItem(text, partStart, partEnd, base, terms);
    if (!item) return undefined;
    items.push(item);
    partStart = partEnd + 1;
  }
  return items.length > 0 ? items : undefined;
}

/** Where the items between `from` and `to` end: at each `;` outside brackets and code, and at `to`. */
function splitItems(text: string, from: number, to: number): number[] {
  const ends: number[] = [];
  let depth = 0;
  for (let i = from; i < to; i++) {
    const skipped = skipInlineCode(text, i);
    if (skipped !== i) {
      i = skipped - 1;
      continue;
    }
    const c = text[i];
    if (c === '[' || c === '{') depth++;
    else if ((c === ']' || c === '}') && depth > 0) depth--;
    else if (c === ';' && depth === 0) ends.push(i);
  }
  ends.push(to);
  return ends;
}

function readItem(text: string, from: number, to: number, base: number, terms: LocatorTerms): CitationItem | undefined {
  let found: ReturnType<typeof keyAt>;
  let at = from;
  for (; at < to; at++) {
    const skipped = skipInlineCode(text, at);
    if (skipped !== at) {
      at = skipped - 1;
      continue;
    }
    if ((text[at] === '@' || (text[at] === '-' && text[at + 1] === '@')) && (found = keyAt(text, at)) && found.end <= to) break;
    found = undefined;
  }
  if (!found) return undefined;
  const item: CitationItem = {
    key: found.key,
    keyOffset: found.keyStart - base,
    suppressAuthor: found.suppressAuthor,
    prefix: text.slice(from, at).trim(),
    suffix: '',
  };
  readLocator(text, found.end, to, base, item, terms);
  return item;
}

function closingBracket(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const skipped = skipInlineCode(text, i);
    if (skipped !== i) {
      i = skipped - 1;
      continue;
    }
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
    else if (c === '\n' && /^\n[ \t]*\n/.test(text.slice(i, i + 80))) return -1;
  }
  return -1;
}

/** Pandoc's `spnl`: spaces, at most one line break, spaces. */
function skipSpaceNewline(text: string, i: number): number {
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] === '\n') {
    i++;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === '\n') return -1;
  }
  return i;
}

function narrative(text: string, start: number, terms: LocatorTerms): CitationCluster | undefined {
  const found = keyAt(text, start);
  if (!found) return undefined;
  const first: CitationItem = { key: found.key, keyOffset: found.keyStart - start, suppressAuthor: found.suppressAuthor, prefix: '', suffix: '' };
  const after = skipSpaceNewline(text, found.end);
  if (after >= 0 && text[after] === '[' && text[after + 1] !== '^') {
    // `@key [-@key2 p. 30; see also @key3]`: more items; `@key [p. 33]`: the first item's locator and suffix.
    const more = bracketed(text, after, terms);
    if (more) {
      for (const item of more.items) item.keyOffset += after - start;
      shiftLocators(more.items, after - start);
      return { items: [first, ...more.items], length: after - start + more.length, narrative: !first.suppressAuthor };
    }
    const end = closingBracket(text, after);
    const next = end >= 0 ? text[end + 1] : undefined;
    if (end >= 0 && next !== '[' && next !== '(') {
      const ends = splitItems(text, after + 1, end);
      readLocator(text, after + 1, ends[0]!, start, first, terms);
      const rest = ends.length > 1 ? itemList(text, ends[0]! + 1, end, start, terms) : [];
      if (rest) return { items: [first, ...rest], length: end - start + 1, narrative: !first.suppressAuthor };
      first.suffix = '';
      delete first.locator;
      delete first.label;
      delete first.locatorText;
      delete first.locatorOffset;
      delete first.locatorProblem;
    }
  }
  return { items: [first], length: found.end - start, narrative: !first.suppressAuthor };
}

function shiftLocators(items: CitationItem[], by: number): void {
  for (const item of items) if (item.locatorOffset !== undefined) item.locatorOffset += by;
}

/** A word of a locator: digits, letters, `-–:` and `.` inside, bracketed groups; no other punctuation. */
const UNIT = /^(?:[\p{L}\p{N}\-–—:]|\.(?=[\p{L}\p{N}])|\([^()\s]*\)|\[[^[\]\s]*\]|\{[^{}\s]*\})+/u;
const ROMAN = /^[ivxlcdm]+$/i;

function hasDigit(unit: string): boolean {
  return /\p{N}/u.test(unit);
}

function isRomanOrDigit(unit: string): boolean {
  if (hasDigit(unit)) return true;
  return unit.split(/[-–—]/).every((part) => ROMAN.test(part.replace(/^[([{]|[)\]}]$/g, '')));
}

/** Emphasis around a word (`**32**`) is not part of the locator Pandoc reads. */
function bare(word: string): string {
  return word.replace(/^[*_]+|[*_]+$/g, '');
}

/**
 * Pandoc's citeproc locator parser on the text after a key: an optional comma, then a `{}`-braced locator
 * or a term followed by locator words (a word with a digit or a roman numeral), or a bare word with a digit
 * (a page). The rest is the suffix.
 */
function readLocator(text: string, from: number, to: number, base: number, item: CitationItem, terms: LocatorTerms): void {
  const rest = text.slice(from, to);
  const lead = /^\s*,?\s*/.exec(rest)![0];
  const body = rest.slice(lead.length);
  const bodyOffset = from + lead.length - base;
  const setSuffix = (suffix: string): void => {
    item.suffix = suffix.trim();
  };
  if (body[0] === '{') {
    const close = matchingBrace(body);
    if (close > 0) {
      const inner = body.slice(1, close);
      const labelled = longestTerm(inner.trimStart(), terms, () => true);
      item.label = labelled?.name ?? 'page';
      item.locator = (labelled ? inner.trimStart().slice(labelled.length) : inner).trim();
      item.locatorText = body.slice(0, close + 1);
      item.locatorOffset = bodyOffset;
      item.locatorProblem = rangeProblem(item.locator, terms);
      setSuffix(body.slice(close + 1));
      return;
    }
  }
  const labelled = longestTerm(body, terms, (next) => isRomanOrDigit(bare(next)));
  const implicit = !labelled;
  let i = labelled ? labelled.length : 0;
  if (implicit && !hasDigit(bare(/^\S*/.exec(body)![0]))) {
    setSuffix(rest);
    item.locatorProblem = unknownTerm(body, terms);
    if (item.locatorProblem) {
      item.locatorText = /^\S+\s+\S+/.exec(body)?.[0].replace(/[,;]$/, '') ?? body;
      item.locatorOffset = bodyOffset;
    }
    return;
  }
  const accept = implicit ? (unit: string) => hasDigit(unit) : isRomanOrDigit;
  let locator = '';
  for (let first = true; ; first = false) {
    const word = /^([,;]?)(\s?)(\**_*)/.exec(body.slice(i))!;
    if (first && word[1]) break;
    const unitStart = i + word[0].length;
    const unit = UNIT.exec(body.slice(unitStart))?.[0];
    if (!unit || !accept(unit)) break;
    let unitEnd = unitStart + unit.length;
    const closingEmphasis = /^[*_]+/.exec(body.slice(unitEnd))?.[0] ?? '';
    unitEnd += closingEmphasis.length;
    locator += first ? unit : `${word[1]}${word[2]}${unit}`;
    i = unitEnd;
  }
  if (!locator) {
    setSuffix(rest);
    return;
  }
  item.label = labelled?.name ?? 'page';
  item.locator = locator;
  item.locatorText = body.slice(0, i).trim();
  item.locatorOffset = bodyOffset;
  setSuffix(body.slice(i));
  item.locatorProblem = rangeProblem(locator, terms);
}

function matchingBrace(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{' || text[i] === '[') depth++;
    else if ((text[i] === '}' || text[i] === ']') && --depth === 0) return text[i] === '}' ? i : -1;
  }
  return -1;
}

/**
 * The longest run of words (up to three) at the start of `text` that is a locator term and is followed by an
 * acceptable locator word, as Pandoc grows its label match.
 */
function longestTerm(text: string, terms: LocatorTerms, acceptNext: (next: string) => boolean): { name: string; length: number } | undefined {
  let best: { name: string; length: number } | undefined;
  const word = /\S+/g;
  let match: RegExpExecArray | null;
  for (let count = 0; count < 3 && (match = word.exec(text)); count++) {
    if (count === 0 && match.index !== 0) break;
    const consumed = match.index + match[0].length;
    const name = terms.get(text.slice(0, consumed).toLowerCase());
    if (!name) continue;
    const next = /^\s*([^\s,;]+)/.exec(text.slice(consumed))?.[1];
    if (next !== undefined && acceptNext(next)) best = { name, length: consumed };
  }
  return best;
}

/** A word like a locator label (`bladz. 4`) that is no term of the locale: Pandoc prints it as text. */
function unknownTerm(body: string, terms: LocatorTerms): string | undefined {
  const match = /^(\p{L}{1,8}\.)\s+([^\s,;]+)/u.exec(body);
  if (!match || terms.has(match[1]!.toLowerCase()) || !hasDigit(match[2]!)) return undefined;
  return `"${match[1]}" is not a locator term of the book's locale or of English, so it would print as text (use p., pp., chap., vol., ...)`;
}

/**
 * What the style cannot repair. It prints a page range's hyphen with the locale's range delimiter (an en
 * dash in most: `33-35` → 33–35) and chooses p. or pp. itself, but an em dash, a dash between words that are
 * not numbers, or a hyphen where the locale's delimiter is a hyphen too (nl-NL), it prints as typed.
 */
function rangeProblem(locator: string, terms: LocatorTerms): string | undefined {
  if (/—|‐|―/.test(locator)) return `"${locator}" has a dash the style cannot turn into an en dash (write 12–14 or 12-14)`;
  const delimiter = terms.get(RANGE_DELIMITER) ?? '–';
  for (const part of locator.split(/,\s*/)) {
    const pieces = part.split(/\s*[-–]\s*/);
    if (pieces.length < 2 || !/-/.test(part)) continue;
    if (pieces.length > 2 || !pieces.every((p) => /^[\p{L}]?\p{N}+[\p{L}]?$|^[ivxlcdm]+$/iu.test(p))) {
      return `"${part}" is not a range of numbers, so the style prints its hyphen as typed (write an en dash: –)`;
    }
    if (delimiter === '-') return `"${part}": the locale prints page ranges with a hyphen, so this one stays a hyphen (write an en dash, 12–14, for an en dash)`;
  }
  return undefined;
}

const ENGLISH_LOCATOR_XML = `
<term name="page" form="short"><single>p.</single><multiple>pp.</multiple></term>
<term name="page"><single>page</single><multiple>pages</multiple></term>
<term name="chapter" form="short"><single>chap.</single><multiple>chaps.</multiple></term>
<term name="chapter"><single>chapter</single><multiple>chapters</multiple></term>
<term name="volume" form="short"><single>vol.</single><multiple>vols.</multiple></term>
<term name="volume"><single>volume</single><multiple>volumes</multiple></term>
<term name="line" form="short"><single>l.</single><multiple>ll.</multiple></term>
<term name="section" form="short"><single>sec.</single><multiple>secs.</multiple></term>
<term name="section" form="symbol"><single>§</single><multiple>§§</multiple></term>
<term name="note" form="short"><single>n.</single><multiple>nn.</multiple></term>
<term name="paragraph" form="short"><single>para.</single><multiple>paras.</multiple></term>
<term name="book" form="short"><single>bk.</single><multiple>bks.</multiple></term>
<term name="part" form="short"><single>pt.</single><multiple>pts.</multiple></term>
<term name="column" form="short"><single>col.</single><multiple>cols.</multiple></term>
<term name="figure" form="short"><single>fig.</single><multiple>figs.</multiple></term>
<term name="issue" form="short"><single>no.</single><multiple>nos.</multiple></term>
`;

/** A minimal English set, for callers without a locale (tests of the syntax alone). */
export const ENGLISH_TERMS: LocatorTerms = localeLocatorTerms(ENGLISH_LOCATOR_XML);

export interface FoundCitation {
  /** Offset of the cluster's first character in the source. */
  offset: number;
  cluster: CitationCluster;
}

/**
 * Every citation in a Markdown source, skipping code (fenced and indented blocks, code spans), so the check
 * sees what the renderer sees.
 */
export function findCitations(source: string, terms: LocatorTerms = ENGLISH_TERMS): FoundCitation[] {
  const found: FoundCitation[] = [];
  const masked = maskCode(source);
  for (let i = 0; i < masked.length; i++) {
    const c = masked[i];
    if (c !== '[' && c !== '@' && c !== '-') continue;
    if (masked[i - 1] === '\\' || (c === '[' && masked[i - 1] === '^') || (c === '-' && masked[i + 1] !== '@')) continue;
    const cluster = parseCitation(masked, i, terms);
    if (!cluster) continue;
    found.push({ offset: i, cluster });
    i += cluster.length - 1;
  }
  return found;
}

const blockParser = new MarkdownIt('commonmark');

/** Blanks out code (blocks by a CommonMark parse, spans by their backticks) so it is not read; keeps every offset. */
export function maskCode(source: string): string {
  const blank = (s: string): string => s.replace(/[^\n]/g, ' ');
  const lines = source.split('\n');
  if (source.includes('`') || source.includes('~~~') || /^(?: {4}|\t)/m.test(source)) {
    for (const token of blockParser.parse(source, {})) {
      if ((token.type === 'fence' || token.type === 'code_block') && token.map) {
        for (let l = token.map[0]; l < token.map[1]; l++) lines[l] = blank(lines[l] ?? '');
      }
    }
  }
  const text = lines.join('\n');
  if (!text.includes('`')) return text;
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] !== '`') continue;
    const end = codeSpanEnd(text, i);
    if (end < 0 || /\n[ \t]*\n/.test(text.slice(i, end))) {
      while (text[i + 1] === '`') i++;
      continue;
    }
    out += text.slice(last, i) + blank(text.slice(i, end));
    last = end;
    i = end - 1;
  }
  return out + text.slice(last);
}
