/**
 * A tokenizer for PDF content streams (ISO 32000-1, 7.8.2): operands and operators in order, each operation
 * with the offsets it spans in the source, so a caller can read a page's marking or rewrite it in place.
 * The source is the decoded stream as a latin1 string (one character per byte).
 */

export type Operand =
  | number
  | { type: 'name'; value: string }
  | { type: 'string'; bytes: string; hex: boolean }
  | { type: 'array'; items: Operand[] }
  | { type: 'dict'; entries: Record<string, Operand> }
  | { type: 'keyword'; value: string };

export interface Operation {
  operator: string;
  operands: Operand[];
  /** Offset of the first operand (or the operator), and just past the operator. */
  start: number;
  end: number;
}

/** White-space and delimiter bytes (7.2.2), by character code: what ends a name, a number or an operator. */
export const WHITESPACE = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WHITESPACE[c] = 1;
export const DELIMITER = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIMITER[c.charCodeAt(0)] = 1;
const HEX = new Int8Array(256).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX['0123456789abcdef'.charCodeAt(d)] = d;
  HEX['0123456789ABCDEF'.charCodeAt(d)] = d;
}
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

/**
 * Where the last string read ended: past its closing delimiter, or -1 when `end` came first. Shared by the
 * readers below (the page markers read a string per glyph: no object for each).
 */
export const stringEnd = { at: 0 };

/** A literal string's bytes from `from`, just past its opening parenthesis, to its balanced closing one
 * (backslash escapes, 7.3.4.2); what there is up to `end` when it is not closed. */
export function literalString(source: string, from: number, end: number): string {
  let depth = 1;
  let out = '';
  let i = from;
  let start = i;
  while (i < end) {
    const c = source.charCodeAt(i);
    if (c === 92 /* \ */) {
      out += source.slice(start, i);
      const next = source[i + 1] ?? '';
      i += 2;
      if (next >= '0' && next <= '7') {
        let octal = next;
        while (octal.length < 3 && i < end && source[i]! >= '0' && source[i]! <= '7') octal += source[i++];
        out += String.fromCharCode(parseInt(octal, 8) & 0xff);
      } else if (next === '\r') {
        if (source[i] === '\n') i++;
      } else if (next !== '\n') {
        out += ESCAPES[next] ?? next;
      }
      start = i;
      continue;
    }
    if (c === 40) depth++;
    else if (c === 41 && --depth === 0) {
      stringEnd.at = i + 1;
      return out + source.slice(start, i);
    }
    i++;
  }
  stringEnd.at = -1;
  return out + source.slice(start, i);
}

/** A hexadecimal string's bytes from `from`, just past its `<`, to its `>` (white space skipped, an odd
 * last digit followed by 0, 7.3.4.3). */
export function hexString(source: string, from: number, end: number): string {
  let out = '';
  let high = -1;
  let i = from;
  stringEnd.at = -1;
  while (i < end) {
    const c = source.charCodeAt(i++);
    if (c === 62 /* > */) {
      stringEnd.at = i;
      break;
    }
    const digit = HEX[c] as number;
    if (digit < 0) continue;
    if (high < 0) high = digit;
    else {
      out += String.fromCharCode((high << 4) | digit);
      high = -1;
    }
  }
  if (high >= 0) out += String.fromCharCode(high << 4);
  return out;
}

/** Past the literal string that opens at `from` (its `(`), unread; `end` or past it when it is not closed. */
export function skipLiteralString(source: string, from: number, end: number): number {
  let depth = 0;
  let i = from;
  for (; i < end; i++) {
    const c = source.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return i + 1;
  }
  return i;
}

/** Past the dictionary that opens at `from` (its `<<`), unread, nested dictionaries and strings included. */
export function skipDictionary(source: string, from: number, end: number): number {
  let depth = 0;
  let i = from;
  while (i < end) {
    const c = source.charCodeAt(i);
    if (c === 40) i = skipLiteralString(source, i, end);
    else if (c === 60 && source.charCodeAt(i + 1) === 60) {
      depth++;
      i += 2;
    } else if (c === 62 && source.charCodeAt(i + 1) === 62) {
      i += 2;
      if (--depth === 0) break;
    } else i++;
  }
  return i;
}

const OPERATOR = { type: 'operator' as const, value: '' };

/**
 * Visits every operation of a content stream in order. Throws on a stream it cannot read. The operation
 * and its operand list are reused from one call to the next (a page has tens of thousands): a visitor that
 * keeps one copies it.
 */
export function scanContent(source: string, visit: (operation: Operation) => void): void {
  const n = source.length;
  let i = 0;
  const operands: Operand[] = [];
  const operation: Operation = { operator: '', operands, start: 0, end: 0 };
  let start = -1;

  const skipSpace = (): void => {
    for (;;) {
      while (i < n && WHITESPACE[source.charCodeAt(i)]) i++;
      if (i < n && source.charCodeAt(i) === 37 /* % */) {
        while (i < n && source.charCodeAt(i) !== 10 && source.charCodeAt(i) !== 13) i++;
      } else return;
    }
  };

  const regular = (): string => {
    const from = i;
    while (i < n) {
      const c = source.charCodeAt(i);
      if (WHITESPACE[c] || DELIMITER[c]) break;
      i++;
    }
    return source.slice(from, i);
  };

  const literal = (): string => {
    const bytes = literalString(source, i, n);
    if (stringEnd.at < 0) throw new Error('unterminated string in content stream');
    i = stringEnd.at;
    return bytes;
  };

  const hex = (): string => {
    const bytes = hexString(source, i, n);
    if (stringEnd.at < 0) throw new Error('unterminated hex string in content stream');
    i = stringEnd.at;
    return bytes;
  };

  const value = (): Operand | { type: 'operator'; value: string } | undefined => {
    skipSpace();
    if (i >= n) return undefined;
    const c = source.charCodeAt(i);
    if (c === 47 /* / */) {
      i++;
      return { type: 'name', value: decodeName(regular()) };
    }
    if (c === 40 /* ( */) {
      i++;
      return { type: 'string', bytes: literal(), hex: false };
    }
    if (c === 60 /* < */) {
      if (source.charCodeAt(i + 1) === 60) {
        i += 2;
        const entries: Record<string, Operand> = {};
        for (;;) {
          skipSpace();
          if (source.startsWith('>>', i)) {
            i += 2;
            return { type: 'dict', entries };
          }
          const key = value();
          if (!key || typeof key !== 'object' || key.type !== 'name') throw new Error('bad dictionary in content stream');
          const item = value();
          if (item === undefined || (typeof item === 'object' && item.type === 'operator')) throw new Error('bad dictionary in content stream');
          entries[key.value] = item;
        }
      }
      i++;
      return { type: 'string', bytes: hex(), hex: true };
    }
    if (c === 91 /* [ */) {
      i++;
      const items: Operand[] = [];
      for (;;) {
        skipSpace();
        if (source.charCodeAt(i) === 93 /* ] */) {
          i++;
          return { type: 'array', items };
        }
        const item = value();
        if (item === undefined) throw new Error('unterminated array in content stream');
        if (typeof item === 'object' && item.type === 'operator') items.push({ type: 'keyword', value: item.value });
        else items.push(item);
      }
    }
    if (c === 41 || c === 62 || c === 93 || c === 123 || c === 125) {
      // A stray delimiter: read as an operator of its own, which no caller knows.
      i++;
      OPERATOR.value = source[i - 1] as string;
      return OPERATOR;
    }
    const word = regular();
    // A number starts with a digit, a sign or a point; an operator never does.
    if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
      const number = Number(word);
      if (!Number.isNaN(number)) return number;
    }
    OPERATOR.value = word;
    return OPERATOR;
  };

  for (;;) {
    skipSpace();
    if (i >= n) break;
    if (start < 0) start = i;
    const token = value();
    if (token === undefined) break;
    if (token === OPERATOR) {
      operation.operator = token.value;
      operation.start = start;
      if (token.value === 'BI') {
        operands.length = 0;
        operation.end = inlineImage(source, i);
        i = operation.end;
      } else operation.end = i;
      visit(operation);
      operands.length = 0;
      start = -1;
    } else {
      operands.push(token as Operand);
    }
  }
}

/** Past the `EI` that ends an inline image whose `BI` ended at `from`: the data is binary, so the `EI` is the
 * first one that stands alone after `ID`. */
function inlineImage(source: string, from: number): number {
  const id = source.slice(from).search(/\sID[\s]/);
  if (id < 0) throw new Error('inline image without ID');
  const data = from + id + 4;
  const end = /\sEI(?=[\s]|$)/g;
  end.lastIndex = data;
  const match = end.exec(source);
  if (!match) throw new Error('inline image without EI');
  return match.index + 3;
}

/** A name's bytes from its written form (`#xx` escapes, 7.3.5). */
export function decodeName(raw: string): string {
  return raw.includes('#') ? raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : raw;
}

/** Operators that put marks on the page (7.8.2, table 51): what must be tagged content or an artifact. */
export const PAINTING_OPERATORS = new Set(['Tj', 'TJ', "'", '"', 'S', 's', 'f', 'F', 'f*', 'B', 'B*', 'b', 'b*', 'Do', 'sh', 'BI']);

/** The text-showing operators and where their strings are among the operands. */
export function shownStrings(operation: Operation): string[] {
  const { operator, operands } = operation;
  if (operator === 'Tj' || operator === "'") return stringsOf(operands.slice(-1));
  if (operator === '"') return stringsOf(operands.slice(-1));
  if (operator === 'TJ') {
    const array = operands[0];
    return array && typeof array === 'object' && array.type === 'array' ? stringsOf(array.items) : [];
  }
  return [];
}

function stringsOf(operands: Operand[]): string[] {
  return operands.flatMap((o) => (typeof o === 'object' && o.type === 'string' ? [o.bytes] : []));
}

/** A PDF string of text in UTF-16BE with its byte order mark, as marked-content property lists want it. */
export function pdfTextHex(text: string): string {
  return `<FEFF${Buffer.from(text, 'utf16le').swap16().toString('hex').toUpperCase()}>`;
}
