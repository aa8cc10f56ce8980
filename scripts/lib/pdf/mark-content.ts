import { DELIMITER, WHITESPACE, decodeName, hexString, literalString, skipDictionary, skipLiteralString, stringEnd } from './content-stream.ts';

/** Left, top, right, bottom in CSS px from the page's top-left corner, as the page measured it. */
export type PageRect = [number, number, number, number];

/** Something on the page content belongs to: where it was drawn, and what kind of drawing goes to it. */
export interface MarkTarget {
  /** Text (glyphs), a generated number (glyphs drawn in the box of an element that has one) or an image
   * (anything drawn inside it). Text goes to text targets first, then to generated ones, then to images. */
  kind: 'text' | 'generated' | 'image';
  rects: PageRect[];
  /** Indices of `rects` whose line ends in a hyphen the line break put there. */
  hyphenated?: number[] | undefined;
}

export interface MarkedPage {
  /** The content stream with every painting operation in a marked-content sequence. */
  source: string;
  /** For each MCID (its index), the target its content belongs to. */
  mcids: number[];
  /** Targets that got content, each with its MCIDs in content order; an MCID that holds part of a word
   * hyphenated at a line end names the word (an index into `words`). */
  byTarget: Map<number, { mcid: number; word?: number }[]>;
  /** The hyphenated words, whole ("overwinning" for “overwin-” and “ning”). */
  words: string[];
  /** Painting operations marked as artifacts (drawn outside every target). */
  artifacts: number;
}

/** CSS px per PDF point is 4/3: Chromium prints 96 px to the inch. */
const PX_PER_PT = 96 / 72;

type Matrix = [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

function multiply(m: Matrix, n: Matrix): Matrix {
  return [m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3], m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3], m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]];
}

function apply(m: Matrix, x: number, y: number): [number, number] {
  return [x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]];
}

interface Show {
  start: number;
  end: number;
  font: string;
}

interface Item {
  kind: 'text' | 'path' | 'image';
  start: number;
  end: number;
  /** Where it is, in CSS px from the page's top-left: the first glyph's origin, or the box's centre. */
  x: number;
  y: number;
  /** Where a text object's BT ends and its ET begins, and the font set when it began. */
  btEnd: number | undefined;
  etStart: number | undefined;
  font: string | undefined;
}

/** An item other than a text object: every item has the same fields, so that the loops over a page's items
 * see one shape of object (V8 otherwise optimizes them for the shapes seen first and throws the code away
 * at the next, several times on a book's first document). */
function drawn(kind: Item['kind'], start: number, end: number, x: number, y: number): Item {
  return { kind, start, end, x, y, btEnd: undefined, etStart: undefined, font: undefined };
}

/** A stretch of content marked as one sequence: its target (-1: an artifact) and the word it holds part of. */
interface Piece {
  start: number;
  end: number;
  target: number;
  word: number | undefined;
  /** Whole items may join the next piece of the same target; a piece inside a text object may not. */
  inside: boolean;
  count: number;
}

const PATH_CONSTRUCTION = new Set(['m', 'l', 'c', 'v', 'y', 're', 'h']);
const PATH_PAINTING = new Set(['S', 's', 'f', 'F', 'f*', 'B', 'B*', 'b', 'b*']);
const TEXT_SHOWING = new Set(['Tj', 'TJ', "'", '"']);

/**
 * Marks the content of one page as tagged content or artifacts: each text object, path and image is given
 * to the target whose rectangle holds it (a text object by its first glyph's origin, a path or image by its
 * centre); consecutive items of one target become one marked-content sequence with the next MCID, items of
 * no target an artifact. A word hyphenated at a line end (a hyphenated rectangle) is marked apart, its two
 * parts each a sequence of their own inside their text objects, so the structure can give the word whole
 * as ActualText while the page keeps its hyphen for search and copy. `pageHeight` in points; `decode` gives
 * the text a font's character codes stand for (without it no word is marked apart).
 */
export function markPageContent(
  source: string,
  pageHeight: number,
  targets: MarkTarget[],
  tag: (target: number) => string,
  decode?: (font: string, bytes: string) => string,
): MarkedPage {
  const items = readItems(source, pageHeight);
  // Nothing drawn: nothing to mark. (Also keeps the empty arrays of a blank page out of the loops below,
  // whose optimized code would otherwise be thrown away for them: see the note at `readItems`.)
  if (items.length === 0) return { source, mcids: [], byTarget: new Map(), words: [], artifacts: 0 };
  // How far a point is from a target's rectangle (0 inside, a little at its right edge, where the next
  // run begins), within a pixel's tolerance; the nearest target of the first kind that has one wins.
  const distance = (rect: PageRect, x: number, y: number): number => {
    const dx = Math.max(rect[0] - x, 0, x - rect[2]);
    const dy = Math.max(rect[1] - y, 0, y - rect[3]);
    if (dx > 1 || dy > 0.5) return Infinity;
    return dx + dy + (x > rect[2] - 0.5 ? 0.5 : 0);
  };
  // Text goes to the nearest text or generated target, then to an image; a path or an image only to an
  // image. A generated target's box holds text of its own element too (a note's box, its text): text wins
  // unless it is further than the rounding of the page's measures (a tenth of a pixel) or only at its edge.
  const rounds = [rectsByRow(targets, ['text', 'generated']), rectsByRow(targets, ['image'])];
  const assigned: { target: number; rect: number; score: number }[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as Item;
    let found = { target: -1, rect: -1, score: Infinity };
    for (let k = item.kind === 'text' ? 0 : 1; k < rounds.length && found.target < 0; k++) {
      const row = (rounds[k] as Map<number, [number, number][]>).get(Math.floor(item.y));
      if (!row) continue;
      for (let e = 0; e < row.length; e++) {
        const [t, r] = row[e] as [number, number];
        const target = targets[t] as MarkTarget;
        const score = distance(target.rects[r] as PageRect, item.x, item.y) + (target.kind === 'generated' ? 0.25 : 0);
        if (score < found.score) found = { target: t, rect: r, score };
      }
    }
    assigned.push(found);
  }

  // Hyphenated words: the last text object on a hyphenated line ends the word's first part, the next line's
  // first text object begins its second.
  const cuts = new Map<number, { at: number; word: number; before: boolean }[]>();
  const words: string[] = [];
  if (decode) {
    const lastOnLine = new Map<string, number>();
    for (let i = 0; i < assigned.length; i++) {
      const a = assigned[i] as { target: number; rect: number };
      if (a.target >= 0 && items[i]?.kind === 'text' && targets[a.target]?.hyphenated?.includes(a.rect)) lastOnLine.set(`${a.target}:${a.rect}`, i);
    }
    for (const i of [...lastOnLine.values()].sort((a, b) => a - b)) {
      const first = items[i] as Item;
      let j = i + 1;
      while (j < items.length && !((items[j] as Item).kind === 'text' && (assigned[j] as { target: number }).target >= 0 && (items[j] as Item).y > first.y + 1)) j++;
      const second = items[j];
      if (!second || second.kind !== 'text' || (cuts.get(i) ?? []).some((c) => !c.before)) continue;
      const firstShows = showsOf(source, first);
      const secondShows = showsOf(source, second);
      if (firstShows.length === 0 || secondShows.length === 0) continue;
      const text = (show: Show): string => decode(show.font, shownBytes(source, show));
      let p = firstShows.length - 1;
      while (p > 0 && !/\s/.test(text(firstShows[p - 1] as Show))) p--;
      let q = 0;
      while (q < secondShows.length - 1 && !/\s/.test(text(secondShows[q + 1] as Show))) q++;
      let head = '';
      for (let k = p; k < firstShows.length; k++) head += text(firstShows[k] as Show);
      let tail = '';
      for (let k = 0; k <= q; k++) tail += text(secondShows[k] as Show);
      if (!head.endsWith('-') || /\s/.test(tail)) continue;
      const word = words.length;
      words.push(head.slice(0, -1) + tail);
      cuts.set(i, [...(cuts.get(i) ?? []), { at: (firstShows[p] as Show).start, word, before: false }]);
      cuts.set(j, [...(cuts.get(j) ?? []), { at: (secondShows[q] as Show).end, word, before: true }]);
    }
  }

  const pieces: Piece[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as Item;
    const target = (assigned[i] as { target: number }).target;
    const itemCuts = cuts.get(i);
    if (!itemCuts || target < 0 || item.btEnd === undefined || item.etStart === undefined) {
      const last = pieces[pieces.length - 1];
      if (last && !last.inside && last.target === target) {
        last.end = item.end;
        last.count++;
      } else pieces.push({ start: item.start, end: item.end, target, word: undefined, inside: false, count: 1 });
      continue;
    }
    // A word's part at the start of the text object (before its cut), the line's words, and a word's part
    // at its end (after its cut).
    let from = item.btEnd;
    let word: number | undefined;
    for (const cut of itemCuts.sort((a, b) => a.at - b.at)) {
      if (cut.before) {
        pieces.push({ start: from, end: cut.at, target, word: cut.word, inside: true, count: 1 });
        from = cut.at;
      } else {
        if (cut.at > from) pieces.push({ start: from, end: cut.at, target, word: undefined, inside: true, count: 1 });
        from = cut.at;
        word = cut.word;
      }
    }
    pieces.push({ start: from, end: item.etStart, target, word, inside: true, count: 1 });
  }

  const edits: { at: number; text: string }[] = [];
  const mcids: number[] = [];
  const byTarget = new Map<number, { mcid: number; word?: number }[]>();
  let artifacts = 0;
  for (const piece of pieces) {
    if (piece.end <= piece.start) continue;
    if (piece.target < 0) {
      edits.push({ at: piece.start, text: '/Artifact BMC\n' });
      artifacts += piece.count;
    } else {
      const mcid = mcids.length;
      mcids.push(piece.target);
      byTarget.set(piece.target, [...(byTarget.get(piece.target) ?? []), { mcid, ...(piece.word !== undefined ? { word: piece.word } : {}) }]);
      edits.push({ at: piece.start, text: `${piece.inside ? '\n' : ''}/${tag(piece.target)} <</MCID ${mcid}>> BDC\n` });
    }
    edits.push({ at: piece.end, text: '\nEMC\n' });
  }
  // Stable sort by offset: at one offset, the EMC that closes a piece comes before the BDC that opens the next.
  edits.sort((a, b) => a.at - b.at);
  let out = '';
  let from = 0;
  for (const edit of edits) {
    out += source.slice(from, edit.at) + edit.text;
    from = edit.at;
  }
  out += source.slice(from);
  return { source: out, mcids, byTarget, words, artifacts };
}

/**
 * The rectangles of the targets of `kinds` by the pixel rows they could hold a point of (a point more than
 * half a pixel above or below a rectangle is not in it; a row more each way for rounding), each row's in
 * target and rectangle order: a point
 * is then measured against the few rectangles on its line, with the same nearest and the same ties as
 * against all.
 */
function rectsByRow(targets: readonly MarkTarget[], kinds: readonly MarkTarget['kind'][]): Map<number, [number, number][]> {
  const rows = new Map<number, [number, number][]>();
  for (let t = 0; t < targets.length; t++) {
    const target = targets[t] as MarkTarget;
    if (!kinds.includes(target.kind)) continue;
    for (let r = 0; r < target.rects.length; r++) {
      const rect = target.rects[r] as PageRect;
      // One pair for all the rows of the rectangle: the rows are only read.
      const entry: [number, number] = [t, r];
      for (let row = Math.floor(rect[1] - 0.5) - 1; row <= Math.floor(rect[3] + 0.5) + 1; row++) {
        const list = rows.get(row);
        if (list) list.push(entry);
        else rows.set(row, [entry]);
      }
    }
  }
  return rows;
}

/**
 * A text object's text-showing operations, read again when a hyphenated word needs its glyphs: each with
 * the offsets it spans (from its first operand to past its operator) and the font set for it; the bytes it
 * shows are read from those offsets when asked for (`shownBytes`), for the few operations around a line's
 * hyphen, not for every glyph of the line. A reader of its own, as readItems: it keeps only where the last
 * name is and reads nothing else (strings, dictionaries and names skipped as content-stream.ts reads them).
 */
function showsOf(source: string, item: Item): Show[] {
  const shows: Show[] = [];
  if (item.btEnd === undefined || item.etStart === undefined) return shows;
  let font = item.font ?? '';
  let nameFrom = -1;
  let nameTo = -1;
  let start = -1;
  let i = item.btEnd;
  const end = item.etStart;
  while (i < end) {
    const c = source.charCodeAt(i);
    if (WHITESPACE[c]) {
      i++;
      continue;
    }
    if (c === 37) {
      while (i < end && source.charCodeAt(i) !== 10 && source.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (start < 0) start = i;
    if (c === 40) {
      i = skipLiteralString(source, i, end);
      continue;
    }
    if (c === 60 && source.charCodeAt(i + 1) !== 60) {
      const close = source.indexOf('>', i + 1);
      i = close < 0 || close >= end ? end : close + 1;
      continue;
    }
    if (c === 60) {
      // A dictionary (a marked-content property list): skipped whole; its strings are no text shown.
      i = skipDictionary(source, i, end);
      continue;
    }
    if (c === 91 || c === 93 || c === 123 || c === 125 || c === 41 || c === 62) {
      i++;
      continue;
    }
    if (c === 47) {
      nameFrom = ++i;
      while (i < end && !WHITESPACE[source.charCodeAt(i)] && !DELIMITER[source.charCodeAt(i)]) i++;
      nameTo = i;
      continue;
    }
    const from = i;
    while (i < end && !WHITESPACE[source.charCodeAt(i)] && !DELIMITER[source.charCodeAt(i)]) i++;
    // Numbers are operands: read past. Anything else ends an operation.
    if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
      if (isPlainNumber(source, from, i) || !Number.isNaN(Number(source.slice(from, i)))) continue;
    }
    // Chromium's commonest operators, Tj and Td, known without a substring.
    const two = i - from === 2 && c === 84 ? source.charCodeAt(from + 1) : 0;
    if (two === 106) shows.push({ start, end: i, font });
    else if (two !== 100) {
      const operator = source.slice(from, i);
      if (operator === 'Tf') font = nameFrom < 0 ? '' : decodeName(source.slice(nameFrom, nameTo));
      else if (TEXT_SHOWING.has(operator)) shows.push({ start, end: i, font });
    }
    start = -1;
  }
  return shows;
}

/** Digits with at most one point, after an optional sign: a number as Number() reads it, without a substring. */
function isPlainNumber(source: string, from: number, to: number): boolean {
  let i = from;
  const first = source.charCodeAt(i);
  if (first === 43 || first === 45) i++;
  let digits = 0;
  let point = false;
  for (; i < to; i++) {
    const d = source.charCodeAt(i);
    if (d >= 48 && d <= 57) digits++;
    else if (d === 46 && !point) point = true;
    else return false;
  }
  return digits > 0;
}

/** The bytes a text-showing operation of `showsOf` shows: its string operands, read and joined. */
function shownBytes(source: string, show: Show): string {
  let out = '';
  let i = show.start;
  const end = show.end;
  while (i < end) {
    const c = source.charCodeAt(i);
    if (c === 37) {
      while (i < end && source.charCodeAt(i) !== 10 && source.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (c === 40 || (c === 60 && source.charCodeAt(i + 1) !== 60)) {
      out += c === 40 ? literalString(source, i + 1, end) : hexString(source, i + 1, end);
      i = stringEnd.at < 0 ? end : stringEnd.at;
      continue;
    }
    if (c === 60) {
      i = skipDictionary(source, i, end);
      continue;
    }
    i++;
  }
  return out;
}

/** What `readItems` looks for past a text object's first glyph: what could matter after it or hide its ET
 * (a string, a comment, a dictionary, a font, leading or graphics state set, a line moved by ' " T*),
 * then the ET itself, last. */
const NEEDLES = ['(', '%', '<<', 'Tf', 'TL', 'T*', "'", '"', 'q', 'Q', 'cm', 'BI', 'ET'];
const ET = NEEDLES.length - 1;

/**
 * The text objects, painted paths and images of a content stream, with where each is on the page. A reader
 * of its own, which keeps no operands but numbers and a name and skips strings unread: a page of Chromium's
 * has a text-showing operation per glyph, and this runs over every page of the book while it is built.
 */
function readItems(source: string, pageHeight: number): Item[] {
  const items: Item[] = [];
  const stack: Matrix[] = [];
  let ctm: Matrix = IDENTITY;
  let tm: Matrix = IDENTITY;
  let tlm: Matrix = IDENTITY;
  let leading = 0;
  let font = '';
  let name = '';
  let text: Item | undefined;
  let path: { start: number; minX: number; minY: number; maxX: number; maxY: number } | undefined;
  const numbers: number[] = [];
  let count = 0;
  let start = -1;
  const n = (k: number): number => (k < count ? (numbers[k] as number) : 0);
  const toPage = (x: number, y: number): [number, number] => [x * PX_PER_PT, (pageHeight - y) * PX_PER_PT];
  const extend = (x: number, y: number): void => {
    if (!path) return;
    const [px, py] = apply(ctm, x, y);
    if (px < path.minX) path.minX = px;
    if (px > path.maxX) path.maxX = px;
    if (py < path.minY) path.minY = py;
    if (py > path.maxY) path.maxY = py;
  };
  const length = source.length;
  // Past a text object's first glyph nothing in it is wanted but where it ends (Chromium shows one glyph an
  // operation, most of a page's bytes): its ET is found with indexOf and the glyphs between are not read,
  // unless something there could matter after it or hide an ET (a string, a comment, a dictionary, a font,
  // leading or graphics state set, a line moved by ' " T*): then it is read token by token as before.
  // Where each needle (UNSKIPPABLE, then ET) is next found, from where it was last looked for: -2 not yet.
  const next: number[] = NEEDLES.map(() => -2);
  const nextOf = (k: number, from: number): number => {
    let at = next[k] as number;
    if (at === -2 || (at >= 0 && at < from)) {
      at = source.indexOf(NEEDLES[k] as string, from);
      next[k] = at;
    }
    return at < 0 ? length : at;
  };
  const pastPlacedText = (from: number): number => {
    let et = nextOf(ET, from);
    while (et < length && !((et === 0 || WHITESPACE[source.charCodeAt(et - 1)]) && (et + 2 >= length || WHITESPACE[source.charCodeAt(et + 2)] || DELIMITER[source.charCodeAt(et + 2)]))) {
      next[ET] = -2;
      et = nextOf(ET, et + 1);
    }
    if (et >= length) return from;
    for (let k = 0; k < ET; k++) if (nextOf(k, from) < et) return from;
    return et;
  };
  let i = 0;
  while (i < length) {
    const c = source.charCodeAt(i);
    if (WHITESPACE[c]) {
      i++;
      continue;
    }
    if (start < 0) start = i;
    if (c === 37) {
      while (i < length && source.charCodeAt(i) !== 10 && source.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (c === 40) {
      i = skipLiteralString(source, i, length);
      continue;
    }
    if (c === 60) {
      // A dictionary (a marked-content property list): skipped whole, strings and nesting included.
      if (source.charCodeAt(i + 1) === 60) i = skipDictionary(source, i, length);
      else {
        const close = source.indexOf('>', i);
        i = close < 0 ? length : close + 1;
      }
      continue;
    }
    if (c === 91 || c === 93 || c === 123 || c === 125) {
      i++;
      continue;
    }
    if (c === 47) {
      const from = ++i;
      while (i < length && !WHITESPACE[source.charCodeAt(i)] && !DELIMITER[source.charCodeAt(i)]) i++;
      name = source.slice(from, i);
      continue;
    }
    const from = i;
    if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
      // A number, read in place (most tokens of a page are numbers: no substring for each).
      let sign = 1;
      if (c === 45 || c === 43) {
        if (c === 45) sign = -1;
        i++;
      }
      let value = 0;
      let scale = 0;
      let digits = 0;
      for (; i < length; i++) {
        const d = source.charCodeAt(i);
        if (d >= 48 && d <= 57) {
          value = value * 10 + (d - 48);
          if (scale) scale *= 10;
          digits++;
        } else if (d === 46 && !scale) scale = 1;
        else break;
      }
      if (digits > 0 && (i >= length || WHITESPACE[source.charCodeAt(i)] || DELIMITER[source.charCodeAt(i)])) {
        numbers[count++] = sign * (scale ? value / scale : value);
        continue;
      }
      i = from;
    }
    while (i < length && !WHITESPACE[source.charCodeAt(i)] && !DELIMITER[source.charCodeAt(i)]) i++;
    // A delimiter no token begins with (a stray `)` or `>`): passed over, as content-stream.ts does.
    if (i === from) {
      i++;
      start = -1;
      count = 0;
      continue;
    }
    // The operator showing one glyph, Chromium's commonest, is known without a substring.
    if (i - from === 2 && c === 84 && source.charCodeAt(from + 1) === 106) {
      if (text && Number.isNaN(text.x)) {
        [text.x, text.y] = toPage(...apply(multiply(tm, ctm), 0, 0));
        i = pastPlacedText(i);
      } else if (!text) {
        const [x, y] = toPage(...apply(multiply(tm, ctm), 0, 0));
        items.push(drawn('text', start, i, x, y));
      }
      start = -1;
      count = 0;
      continue;
    }
    if (i - from === 2 && c === 84 && source.charCodeAt(from + 1) === 100 && text && !Number.isNaN(text.x)) {
      start = -1;
      count = 0;
      continue;
    }
    const o = source.slice(from, i);
    const opStart = start;
    const opEnd = i;
    start = -1;
    switch (o) {
      case 'q':
        stack.push(ctm);
        break;
      case 'Q':
        ctm = stack.pop() ?? IDENTITY;
        break;
      case 'cm':
        ctm = multiply([n(0), n(1), n(2), n(3), n(4), n(5)], ctm);
        break;
      case 'BT':
        tm = IDENTITY;
        tlm = IDENTITY;
        text = { kind: 'text', start: opStart, end: opEnd, x: NaN, y: NaN, btEnd: opEnd, etStart: undefined, font };
        break;
      case 'ET':
        if (text) {
          text.end = opEnd;
          text.etStart = opStart;
          if (!Number.isNaN(text.x)) items.push(text);
        }
        text = undefined;
        break;
      case 'Tm':
        tm = tlm = [n(0), n(1), n(2), n(3), n(4), n(5)];
        break;
      case 'TD':
        leading = -n(1);
        tm = tlm = multiply([1, 0, 0, 1, n(0), n(1)], tlm);
        break;
      case 'Td':
        // Chromium moves to each glyph with Td: only the first glyph's place is wanted.
        if (text && !Number.isNaN(text.x)) break;
        tm = tlm = multiply([1, 0, 0, 1, n(0), n(1)], tlm);
        break;
      case 'T*':
        tm = tlm = multiply([1, 0, 0, 1, 0, -leading], tlm);
        break;
      case 'TL':
        leading = n(0);
        break;
      case 'Tf':
        font = name;
        break;
      case 'Do':
      case 'sh': {
        const [x0, y0] = apply(ctm, 0, 0);
        const [x1, y1] = apply(ctm, 1, 1);
        const [x, y] = o === 'sh' ? [NaN, NaN] : toPage((x0 + x1) / 2, (y0 + y1) / 2);
        items.push(drawn('image', opStart, opEnd, x, y));
        break;
      }
      case 'BI': {
        // An inline image: its data is binary, up to the EI that stands alone.
        const id = source.slice(i).search(/\sID\s/);
        const end = id < 0 ? -1 : source.slice(i + id + 4).search(/\sEI(?=\s|$)/);
        i = id < 0 || end < 0 ? length : i + id + 4 + end + 3;
        const [x0, y0] = apply(ctm, 0, 0);
        const [x1, y1] = apply(ctm, 1, 1);
        const [x, y] = toPage((x0 + x1) / 2, (y0 + y1) / 2);
        items.push(drawn('image', opStart, i, x, y));
        break;
      }
      default:
        if (TEXT_SHOWING.has(o)) {
          if (o === "'" || o === '"') tm = tlm = multiply([1, 0, 0, 1, 0, -leading], tlm);
          if (text) {
            if (Number.isNaN(text.x)) [text.x, text.y] = toPage(...apply(multiply(tm, ctm), 0, 0));
          } else {
            // Text shown outside BT/ET is malformed; it is still content to mark.
            const [x, y] = toPage(...apply(multiply(tm, ctm), 0, 0));
            items.push(drawn('text', opStart, opEnd, x, y));
          }
        } else if (PATH_CONSTRUCTION.has(o)) {
          if (!path) path = { start: opStart, minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
          if (o === 're') {
            extend(n(0), n(1));
            extend(n(0) + n(2), n(1) + n(3));
          } else if (o !== 'h') extend(n(count - 2), n(count - 1));
        } else if (PATH_PAINTING.has(o) || o === 'n') {
          if (path && o !== 'n') {
            const [x, y] = toPage((path.minX + path.maxX) / 2, (path.minY + path.maxY) / 2);
            items.push(drawn('path', path.start, opEnd, x, y));
          }
          path = undefined;
        }
    }
    count = 0;
  }
  return items;
}
