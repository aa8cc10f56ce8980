/**
 * Pandoc's citation syntax, read the same way by the Markdown plugin (to render) and by the citation check
 * (to report with exact columns): `[@key]`, `[@key, p. 12]`, `[@a; @b]`, `[-@key]`, `[zie @key, p. 3, noot]`.
 */

/** CSL locator labels, keyed by the abbreviations an editor may type (Dutch and English). */
const LOCATOR_LABELS: Record<string, string> = {
  p: 'page', pp: 'page', page: 'page', pages: 'page', blz: 'page', pag: 'page',
  ch: 'chapter', chap: 'chapter', chapter: 'chapter', hfdst: 'chapter', hoofdstuk: 'chapter',
  vol: 'volume', vols: 'volume', volume: 'volume', deel: 'volume', dl: 'volume',
  sec: 'section', section: 'section', '§': 'section', '§§': 'section',
  para: 'paragraph', par: 'paragraph',
  n: 'note', nn: 'note', note: 'note', noot: 'note',
  col: 'column', kol: 'column', fig: 'figure', l: 'line', ll: 'line', r: 'line',
  bk: 'book', book: 'book', boek: 'book', no: 'issue', nr: 'issue', pt: 'part', part: 'part',
};

/** Labels that say "one" or "several": `p. 12`, `pp. 12–14`. */
const SINGULAR = new Set(['p', 'page', 'blz', 'pag', 'n', 'note', 'noot', 'l', 'col', 'kol', 'fig', 'par', 'para', 'sec', 'section', '§', 'vol', 'volume', 'deel', 'dl']);
const PLURAL = new Set(['pp', 'pages', 'nn', 'll', 'vols', '§§']);

export interface CitationItem {
  key: string;
  /** Offset of `@` within the cluster's text (the text between the brackets' outer edges, `[` at 0). */
  keyOffset: number;
  suppressAuthor: boolean;
  prefix: string;
  suffix: string;
  locator?: string;
  /** CSL locator label: page, chapter, volume, ... */
  label?: string;
  /** The locator as typed (label and value), and its offset in the cluster text. */
  locatorText?: string;
  locatorOffset?: number;
  /** Why the locator is malformed, when it is. */
  locatorProblem?: string;
}

export interface CitationCluster {
  items: CitationItem[];
  /** Length of the cluster text including both brackets. */
  length: number;
}

const KEY = /^[A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*/;

/**
 * Reads a citation cluster starting at `text[start] === '['`; undefined when the brackets hold no citation
 * (a link, a footnote reference, plain brackets).
 */
export function parseCluster(text: string, start: number): CitationCluster | undefined {
  if (text[start] !== '[' || text[start + 1] === '^') return undefined;
  const end = closingBracket(text, start);
  if (end < 0) return undefined;
  const next = text[end + 1];
  if (next === '(' || next === ':' || next === '[') return undefined;
  const inner = text.slice(start + 1, end);
  if (!inner.includes('@')) return undefined;
  const items: CitationItem[] = [];
  let partStart = 0;
  for (const part of inner.split(';')) {
    const item = parseItem(part, 1 + partStart);
    if (!item) return undefined;
    items.push(item);
    partStart += part.length + 1;
  }
  return { items, length: end - start + 1 };
}

function closingBracket(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
    else if (c === '\n' && text[i + 1] === '\n') return -1;
  }
  return -1;
}

function parseItem(part: string, base: number): CitationItem | undefined {
  const at = findKeyStart(part);
  if (at < 0) return undefined;
  const match = KEY.exec(part.slice(at + 1));
  if (!match) return undefined;
  // Pandoc: a key may not end in punctuation that belongs to the sentence.
  const key = match[0].replace(/[.:?]+$/, '');
  const suppressAuthor = part[at - 1] === '-';
  const prefix = part.slice(0, suppressAuthor ? at - 1 : at).trim();
  if (findKeyStart(part.slice(at + 1 + key.length)) >= 0) return undefined;
  const afterKey = at + 1 + key.length;
  const item: CitationItem = { key, keyOffset: base + at, suppressAuthor, prefix, suffix: '' };
  readLocator(part.slice(afterKey), base + afterKey, item);
  return item;
}

/** `@` that starts a key: at the start, after a space or after `-`. */
function findKeyStart(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '@') continue;
    const before = text[i - 1];
    if ((before === undefined || /[\s-]/.test(before)) && KEY.test(text.slice(i + 1))) return i;
  }
  return -1;
}

const VALUE = /^[0-9IVXLCDMivxlcdm]+[a-z]?(?:\s*[-–—‐]+\s*[0-9IVXLCDMivxlcdm]+[a-z]?)?(?:\s*,\s*[0-9IVXLCDMivxlcdm]+[a-z]?(?:\s*[-–—‐]+\s*[0-9IVXLCDMivxlcdm]+[a-z]?)?)*(?=$|[\s,;)])/;

/** `, p. 12` → locator; whatever follows (and a suffix without locator) is the suffix. */
function readLocator(rest: string, base: number, item: CitationItem): void {
  const lead = /^\s*,\s*/.exec(rest);
  if (!lead) {
    item.suffix = rest.trim();
    return;
  }
  const body = rest.slice(lead[0].length);
  const offset = base + lead[0].length;
  const labelMatch = /^(§§?|[A-Za-z]+)(\.?)\s*/.exec(body);
  let label: string | undefined;
  let valueStart = 0;
  if (labelMatch && /\d/.test(body.slice(labelMatch[0].length, labelMatch[0].length + 1))) {
    const word = labelMatch[1]!.toLowerCase();
    label = LOCATOR_LABELS[word];
    if (!label) {
      if (!/^[ivxlcdm]+$/i.test(word)) {
        item.locatorText = body.split(/[,;]/)[0]!.trim();
        item.locatorOffset = offset;
        item.locatorProblem = `unknown locator label "${labelMatch[1]}${labelMatch[2]}" (use p., pp., hfdst., deel, ...)`;
        item.suffix = rest.trim();
        return;
      }
    } else valueStart = labelMatch[0].length;
  }
  const value = VALUE.exec(body.slice(valueStart));
  if (!value) {
    item.suffix = rest.trim();
    return;
  }
  const word = label ? labelMatch![1]!.toLowerCase() : undefined;
  const locator = value[0].trim();
  item.label = label ?? 'page';
  item.locator = locator;
  item.locatorText = body.slice(0, valueStart + value[0].length).trim();
  item.locatorOffset = offset;
  item.suffix = body.slice(valueStart + value[0].length).trim();
  item.locatorProblem = locatorProblem(word, locator);
}

function locatorProblem(word: string | undefined, locator: string): string | undefined {
  if (/[-‐—]/.test(locator)) return `range "${locator}" needs an en dash (–), not a hyphen or em dash`;
  if (/\s–|–\s/.test(locator)) return `range "${locator}" takes no spaces around the en dash`;
  const several = /[–,]/.test(locator);
  if (word && SINGULAR.has(word) && several) return `"${word}." names one place, but "${locator}" is a range or list (use the plural, e.g. pp.)`;
  if (word && PLURAL.has(word) && !several) return `"${word}." names several places, but "${locator}" is one (use the singular, e.g. p.)`;
  return undefined;
}

export interface FoundCitation {
  /** Offset of the `[` in the text. */
  offset: number;
  cluster: CitationCluster;
}

/**
 * Every citation cluster in a Markdown source, skipping code (fenced blocks and code spans), so the check
 * sees what the renderer sees.
 */
export function findCitations(source: string): FoundCitation[] {
  const found: FoundCitation[] = [];
  const masked = maskCode(source);
  for (let i = masked.indexOf('['); i >= 0; i = masked.indexOf('[', i + 1)) {
    if (masked[i - 1] === '\\' || masked[i - 1] === '^') continue;
    const cluster = parseCluster(masked, i);
    if (!cluster) continue;
    found.push({ offset: i, cluster });
    i += cluster.length - 1;
  }
  return found;
}

/** Blanks out code so brackets in it are not read as citations; keeps every offset. */
export function maskCode(source: string): string {
  const blank = (s: string): string => s.replace(/[^\n]/g, ' ');
  return source
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, blank)
    .replace(/(`+)[^`\n][\s\S]*?\1/g, blank);
}
