/**
 * Total-fit (Knuth–Plass) line breaking for justified paragraphs, before Paged.js paginates: Chromium breaks
 * lines greedily, which leaves loose lines TeX would never set. The measure is the same on every page, so
 * every paragraph's lines are chosen once, here, and pinned: spaces inside a line become no-break spaces
 * (same width, stretched by justification, extracted as spaces), soft hyphens not chosen are dropped, and
 * Chromium then has exactly one way to break each line. Paged.js only decides which lines go on which page.
 */
import type { LineBreakStats } from '../../layout/probes.ts';
import type { ParagraphBreaks } from './contract.ts';
import { INFINITY, knuthPlass, PARAMS, type Item } from './knuth-plass.ts';
import { reusableRange } from './ranges.ts';

const SHY = '\u00ad';
const NBSP = '\u00a0';
const LETTER = /[\p{L}\p{M}\p{N}]/u;
const SHY_CODE = 0xad;
const NBSP_CODE = 0xa0;

// itemize reads every character of the book: code-unit tests instead of a regular expression per character.
/** A hyphen or dash Chromium may break after (`-`, `–`, `—`, `/`). */
const isBreakAfter = (code: number): boolean => code === 0x2d || code === 0x2013 || code === 0x2014 || code === 0x2f;
/** What `/\s/` matches, decided by it once per code unit. */
const spaceClass = new Uint8Array(0x10000);
function isSpace(code: number): boolean {
  let known = spaceClass[code] as number;
  if (!known) spaceClass[code] = known = /\s/.test(String.fromCharCode(code)) ? 1 : 2;
  return known === 1;
}

/** Each distinct font key (fontKey) as a short number, for the pieces' keys. */
const fontIds = new Map<string, number>();
function fontId(key: string): number {
  let id = fontIds.get(key);
  if (id === undefined) fontIds.set(key, (id = fontIds.size));
  return id;
}

/** Where an item's text is, and where it went once the breaks were pinned. */
interface TextPiece {
  node?: Text;
  start?: number;
  end?: number;
  /** A hyphen or dash in the text Chromium may break after (not a soft hyphen). */
  explicit?: boolean;
  /** A box measured once per distinct piece (measurePieces): the piece it is. */
  piece?: PieceWidth;
  /** A <wbr>: a place to break at no width. */
  wbr?: Element;
  newStart?: number;
  newEnd?: number;
}

type LineItem = Item & TextPiece;
type PieceItem = LineItem & { type: 'box'; piece: PieceWidth };

interface PieceWidth {
  parent: Element;
  before: string;
  piece: string;
  after: string;
  width: number | undefined;
}

interface FontMetrics {
  fontSize: number;
  space: number;
  hyphen: number;
  digit: Record<string, number>;
  /** Pieces by font and letters, measured once in this document (measurePieces), and the boxes that wait
   * for their width. */
  widths: Map<string, PieceWidth>;
  boxes: PieceItem[];
}

interface Plan {
  el: HTMLElement;
  items: LineItem[];
  width: number;
  letterPx: number;
  /** The left parts of the words the chosen breaks hyphenate ("overwin-"). */
  softHyphens: string[];
}

export type LineBreakRun = LineBreakStats & { reused: number; hyphens: number };

const pieceRange = reusableRange();

/** The pieces of one paragraph: boxes (text between break opportunities), glue (spaces), penalties (soft
 * hyphens and explicit hyphens), each remembering the text it came from. */
function itemize(el: HTMLElement, metrics: FontMetrics): Omit<Plan, 'el' | 'softHyphens'> {
  const items: LineItem[] = [];
  const range = pieceRange();
  const measure = (node: Text, start: number, end: number): number => {
    range.setStart(node, start);
    range.setEnd(node, end);
    let w = 0;
    for (const rect of range.getClientRects()) w += rect.width;
    return w;
  };
  const fonts = new Map<Element, number>();
  /** A piece inside its text node is measured later, once per document, by measurePieces. */
  const pieceBox = (node: Text, start: number, end: number, stretch: number): LineItem => {
    const text = node.data;
    // A piece at either end of its text node meets another element's text, which may kern with it:
    // measured where it stands.
    if (start === 0 || end >= text.length) return { type: 'box', width: measure(node, start, end), stretch, node, start, end };
    const parent = node.parentElement as Element;
    let font = fonts.get(parent);
    if (font === undefined) fonts.set(parent, (font = fontId(fontKey(parent))));
    // The letters on either side, and the one beyond a soft hyphen: fonts kern and join ligatures across it.
    const before = text[start - 1] === SHY ? text.slice(Math.max(0, start - 2), start) : (text[start - 1] as string);
    const after = text[end] === SHY ? text.slice(end, end + 2) : (text[end] as string);
    const key = `${font}\u0001${before.length}\u0001${before}${text.slice(start, end)}${after}`;
    let piece = metrics.widths.get(key);
    if (!piece) metrics.widths.set(key, (piece = { parent, before, piece: text.slice(start, end), after, width: undefined }));
    const item: PieceItem = { type: 'box', width: 0, stretch, node, start, end, piece };
    metrics.boxes.push(item);
    return item;
  };
  const style = getComputedStyle(el);
  const fontSize = parseFloat(style.fontSize);
  const indent = parseFloat(style.textIndent) || 0;
  if (indent) items.push({ type: 'box', width: indent });
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      // A <wbr> (inside a long name in code) is a place to break at no width, at a hyphen's cost.
      if (node.nodeType === Node.ELEMENT_NODE && (node as Element).tagName === 'WBR') {
        items.push({ type: 'penalty', width: 0, penalty: PARAMS.hyphenPenalty, flagged: false, wbr: node as Element });
        return NodeFilter.FILTER_REJECT;
      }
      const element = node.nodeType === Node.ELEMENT_NODE ? (node as HTMLElement) : undefined;
      // A note's call: a footnote (hidden while measuring; FILTER_REJECT skips the note's own text) or the
      // call of an endnote (print/endnotes.ts), its marker raised and smaller than the text around it.
      if (element && (element.classList.contains('footnote') || element.classList.contains('endnote-call'))) {
        const digits = String(element.dataset.noteNumber || (element.classList.contains('endnote-call') ? element.textContent : '') || '').split('');
        // The call as Paged.js sets it, with a pixel to spare: a pinned line cannot give way afterwards.
        const width = digits.reduce((w, d) => w + (metrics.digit[d] || 0), 0) * (fontSize / metrics.fontSize) + 0.05 * fontSize + 1.5;
        items.push({ type: 'box', width });
        return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  const space = metrics.space * (fontSize / metrics.fontSize);
  const letterPx = PARAMS.letterStretch * fontSize;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeType !== Node.TEXT_NODE) continue;
    const textNode = node as Text;
    const text = textNode.data;
    let i = 0;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code !== NBSP_CODE && isSpace(code)) {
        let j = i;
        while (j < text.length && text.charCodeAt(j) !== NBSP_CODE && isSpace(text.charCodeAt(j))) j++;
        const prev = items[items.length - 1];
        if (prev && prev.type === 'glue') items.push({ type: 'collapsed', node: textNode, start: i, end: j, width: 0 });
        else items.push({ type: 'glue', width: space, stretch: space * PARAMS.stretchRatio, shrink: space * PARAMS.shrinkRatio, node: textNode, start: i, end: j });
        i = j;
      } else if (code === SHY_CODE) {
        items.push({ type: 'penalty', width: metrics.hyphen * (fontSize / metrics.fontSize), penalty: PARAMS.hyphenPenalty, flagged: true, node: textNode, start: i, end: i + 1 });
        i++;
      } else {
        let j = i;
        while (j < text.length) {
          const c = text.charCodeAt(j);
          if (c === SHY_CODE || (c !== NBSP_CODE && isSpace(c))) break;
          j++;
          if (isBreakAfter(text.charCodeAt(j - 1)) && LETTER.test(text[j] || '') && j - 1 > i && LETTER.test(text[j - 2] as string)) break;
        }
        items.push(pieceBox(textNode, i, j, (j - i) * letterPx));
        if (isBreakAfter(text.charCodeAt(j - 1)) && LETTER.test(text[j] || '')) {
          items.push({ type: 'penalty', width: 0, penalty: PARAMS.exHyphenPenalty, flagged: true, node: textNode, start: j - 1, end: j, explicit: true });
        }
        i = j;
      }
    }
  }
  // Drop leading and trailing space; end with \parfillskip and a forced break.
  while (items.length && (items[items.length - 1] as LineItem).type !== 'box') items.pop();
  while (items.length && (items[0] as LineItem).type === 'glue') items.shift();
  items.push({ type: 'penalty', width: 0, penalty: INFINITY, flagged: false });
  items.push({ type: 'glue', width: 0, stretch: 1e6, shrink: 0 });
  items.push({ type: 'penalty', width: 0, penalty: -INFINITY, flagged: false });
  const box = el.getBoundingClientRect();
  const width = box.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return { items, width, letterPx };
}

interface Segment {
  start: number;
  end: number;
}

function addToSegment(segments: Map<Text, Segment>, it: LineItem): void {
  if (!it.node || it.explicit || it.newStart === undefined) return;
  const seg = segments.get(it.node);
  if (seg) seg.end = Math.max(seg.end, it.newEnd as number);
  else segments.set(it.node, { start: it.newStart, end: it.newEnd as number });
}

/** Pins the chosen breaks into the text (see the top of this file). Returns the line-end hyphens it made. */
function apply(plan: Omit<Plan, 'el'>, breaks: number[]): number {
  let hyphens = 0;
  const items = plan.items;
  const chosen = new Set(breaks.map((b) => items[b]));
  const byNode = new Map<Text, LineItem[]>();
  const keepTogether = new Map<Text, LineItem[]>();
  items.forEach((it, k) => {
    // A hyphen or dash Chromium could break after, where the chosen breaks do not: held to the next letter.
    const previous = items[k - 1];
    if (it.explicit && !chosen.has(it) && previous && previous.node === it.node) {
      const node = it.node as Text;
      if (!keepTogether.has(node)) keepTogether.set(node, []);
      (keepTogether.get(node) as LineItem[]).push(previous);
    }
  });
  for (const it of items) {
    // A <wbr> not chosen goes: Chromium must not break there instead.
    if (it.wbr && !chosen.has(it)) it.wbr.remove();
    if (!it.node || it.explicit) continue;
    if (!byNode.has(it.node)) byNode.set(it.node, []);
    (byNode.get(it.node) as LineItem[]).push(it);
  }
  for (const [node, list] of byNode) {
    const text = node.data;
    let out = '';
    let at = 0;
    for (const it of list.sort((a, b) => (a.start as number) - (b.start as number))) {
      out += text.slice(at, it.start);
      let replacement = text.slice(it.start, it.end);
      if (it.type === 'glue') replacement = chosen.has(it) ? ' ' : NBSP;
      else if (it.type === 'collapsed') replacement = '';
      else if (it.type === 'penalty' && !chosen.has(it)) replacement = '';
      // Chromium does not justify a hyphens: manual paragraph whose lines are spans; the paragraph is set
      // with hyphens: none, and a chosen soft hyphen becomes the hyphen it would have shown.
      else if (it.type === 'penalty') {
        replacement = '-';
        hyphens++;
        // The tagged PDF marks this hyphen as the line break's, not the word's (measure-structure.ts).
        const word = /(\S*)$/.exec(out + text.slice(at, it.start));
        plan.softHyphens.push(`${word ? word[1] : ''}-`);
      }
      it.newStart = out.length;
      out += replacement;
      it.newEnd = out.length;
      at = it.end as number;
    }
    node.data = out + text.slice(at);
  }
  // Each line's text, node by node, goes into a span that carries the line's setting: tracking on a loose
  // line, tighter word spaces on a tight one. (Not white-space: nowrap: Chromium does not justify that.)
  const wraps = new Map<Text, (Segment & { css: string })[]>();
  let from = 0;
  let carry: LineItem | null = null;
  for (const b of breaks) {
    const breakItem = items[b] as LineItem;
    let width = breakItem.type === 'penalty' ? breakItem.width : 0;
    let stretch = 0;
    let letters = 0;
    let spaces = 0;
    const segments = new Map<Text, Segment>();
    if (carry) addToSegment(segments, carry);
    carry = null;
    for (let k = from; k < b; k++) {
      const it = items[k] as LineItem;
      if (it.type !== 'penalty') width += it.width;
      if (it.type === 'glue' && it.stretch < 1e5) stretch += it.stretch;
      if (it.type === 'box' && it.stretch) {
        stretch += it.stretch;
        letters += it.stretch;
      }
      if (it.type === 'glue' && it.node) spaces++;
      addToSegment(segments, it);
    }
    // A soft hyphen break stays with its line; a space break opens the next line's span: a space alone
    // between two spans is whitespace Paged.js drops, and with it the only place the line may break.
    if (breakItem.type === 'glue') carry = breakItem;
    else addToSegment(segments, breakItem);
    const last = breakItem.type === 'penalty' && breakItem.penalty === -INFINITY;
    let css = '';
    // Measuring is exact to a pixel or so: a line that would come closer than that to the edge gives it up.
    const fit = plan.width - PARAMS.safety;
    if (width > fit && spaces > 0) css = `word-spacing:${(-((width - fit) / spaces)).toFixed(3)}px`;
    else if (!last && letters > 0 && stretch > 0) {
      const r = Math.min(1, (plan.width - width) / stretch);
      css = `letter-spacing:${(r * plan.letterPx).toFixed(3)}px`;
    }
    for (const [node, seg] of segments) {
      if (seg.end <= seg.start) continue;
      // A line set as Chromium sets it needs no span, but the space that opens it does when it is all its node
      // gives the line (the text goes on in an element, `hier *slomat*`): alone between a span and that element
      // it is whitespace Paged.js drops in a paragraph continued from the page before, and the line runs long.
      if (!css && node.data.slice(seg.start, seg.end).trim() !== '') continue;
      if (!wraps.has(node)) wraps.set(node, []);
      (wraps.get(node) as (Segment & { css: string })[]).push({ ...seg, css });
    }
    from = b + 1;
  }
  const wrap = (node: Text, start: number, end: number, css: string): Text => {
    if (end < node.data.length) node.splitText(end);
    const mid = start > 0 ? node.splitText(start) : node;
    const span = document.createElement('span');
    // An explicit display: Paged.js takes an element with a style attribute and none for an undisplayed one.
    span.style.cssText = `display:inline;${css}`;
    mid.replaceWith(span);
    span.appendChild(mid);
    return mid;
  };
  for (const node of new Set([...wraps.keys(), ...keepTogether.keys()])) {
    const holds = (keepTogether.get(node) || []).map((box) => (box.newEnd as number) - 1).sort((a, b) => b - a);
    const list = (wraps.get(node) || []).sort((a, b) => b.start - a.start);
    // Line spans from the end, each first taking the holds that fall inside it; what is left is in node.
    for (const w of list) {
      const inside = holds.filter((h) => h >= w.start && h + 2 <= w.end);
      const mid = wrap(node, w.start, w.end, w.css);
      for (const h of inside) wrap(mid, h - w.start, h - w.start + 2, 'white-space:nowrap');
      for (const h of inside) holds.splice(holds.indexOf(h), 1);
    }
    for (const h of holds) if (h + 2 <= node.data.length && h < (list.length ? (list[list.length - 1] as Segment).start : Infinity)) wrap(node, h, h + 2, 'white-space:nowrap');
  }
  return hyphens;
}

/**
 * Measures the pieces itemize left open, each distinct one once: its text between the letters around it,
 * set alone on a line at the viewport's left edge, in an element inside its own (so in its font). In the
 * paragraph the same word's width moved by 1/64 px with where it stood; so a width taken from the first
 * paragraph that had it would depend on which paragraphs a document holds, and a parallel build would not
 * match a sequential one. Set alone, a piece's width is a function of its letters and font only.
 */
function measurePieces(metrics: FontMetrics): void {
  const open = [...metrics.widths.values()].filter((w) => w.width === undefined);
  const probes = new Map<Element, HTMLElement>();
  const lines = open.map((entry) => {
    let probe = probes.get(entry.parent);
    if (!probe) {
      probe = document.createElement('span');
      probe.style.cssText = 'position:fixed;left:0;top:0;white-space:pre;visibility:hidden;text-indent:0';
      entry.parent.appendChild(probe);
      probes.set(entry.parent, probe);
    }
    const line = document.createElement('div');
    line.textContent = `${entry.before}${entry.piece}${entry.after}`;
    probe.appendChild(line);
    return line;
  });
  const range = document.createRange();
  open.forEach((entry, k) => {
    const text = (lines[k] as HTMLElement).firstChild as Text;
    range.setStart(text, entry.before.length);
    range.setEnd(text, entry.before.length + entry.piece.length);
    let w = 0;
    for (const rect of range.getClientRects()) w += rect.width;
    entry.width = w;
  });
  for (const probe of probes.values()) probe.remove();
  for (const item of metrics.boxes) item.width = item.piece.width as number;
  metrics.boxes = [];
}

/** Everything in an element's style that changes the width of its text. */
function fontKey(element: Element): string {
  const s = getComputedStyle(element);
  return [
    s.fontFamily, s.fontSize, s.fontStyle, s.fontWeight, s.fontStretch, s.fontVariant, s.fontFeatureSettings,
    s.fontVariationSettings, s.fontKerning, s.fontSizeAdjust, s.letterSpacing, s.wordSpacing, s.textTransform,
  ].join('|');
}

/**
 * The widths of the space, the hyphen and every character a note's marker can have, each set alone in an
 * absolutely positioned span in `sample` (so at its own width, wherever it stands). The spans all go in before
 * any is measured: Chromium lays the document out once for all of them, not once for each.
 */
function measureFont(sample: Element): FontMetrics {
  const probes: HTMLElement[] = [];
  const probe = (text: string, css = ''): HTMLElement => {
    const span = document.createElement('span');
    span.style.cssText = `position:absolute;white-space:pre;visibility:hidden;${css}`;
    span.textContent = text;
    sample.appendChild(span);
    probes.push(span);
    return span;
  };
  const space = probe(NBSP.repeat(20));
  const hyphen = probe('-');
  // Every character a note's marker can have: digits, letters, roman numerals, symbols (markdown/note-series.ts).
  const markers = Array.from('0123456789abcdefghijklmnopqrstuvwxyz*†‡§‖¶', (c) => [c, probe(c, 'font-size:0.68em;font-variant-numeric:lining-nums')] as const);
  const metrics: FontMetrics = {
    fontSize: parseFloat(getComputedStyle(sample).fontSize),
    space: space.getBoundingClientRect().width / 20,
    hyphen: hyphen.getBoundingClientRect().width,
    digit: {},
    widths: new Map(),
    boxes: [],
  };
  for (const [c, span] of markers) metrics.digit[c] = span.getBoundingClientRect().width;
  for (const span of probes) span.remove();
  return metrics;
}

type Outcome = ParagraphBreaks['outcome'];

/** What a list item or definition that is not one paragraph holds. */
const BLOCKS = 'p, ul, ol, dl, div, blockquote, pre, table';

/** The elements that may be paragraphs the line breaker sets (those justified and not in a note, below). */
const PARAGRAPHS = '.chapter p, .chapter li, .chapter dd';

/**
 * The setting pieces are measured in: unjustified and unhyphenated (in the greedy layout a piece at a line end
 * carries the hyphen Chromium drew there or the justification it added, and would seem wider). `text-justify`,
 * not `text-align`: the lines and each piece's width are those of `text-align: left`, and the paragraph's
 * computed `text-align`, which says whether it is one the line breaker sets, stays as the book's style has it.
 */
const MEASURING = 'hyphens: none !important; text-justify: none !important;';

/**
 * The state the line breaker measures the document in, from its first rendering: the body at the text's width,
 * the notes hidden (each counts as its call's width until Paged.js floats them), the paragraphs set as they are
 * measured. Chromium lays the whole document out as it loads, its costliest layout (every text is shaped), and
 * laid it out whole again once the line breaker set this state. Tables keep their notes and setting: the
 * tables are fitted to the measure (tables.ts) before the line breaker begins, as they were laid out before.
 */
function measuringFromLoad(): HTMLStyleElement {
  const style = document.createElement('style');
  style.dataset.pagedjsIgnore = '';
  style.textContent = `body { width: var(--text-width); } .chapter .footnote:not(table *) { display: none !important; } :is(${PARAGRAPHS}):not(table *, .footnote *) { ${MEASURING} }`;
  document.head.appendChild(style);
  return style;
}

/** Marks a paragraph whose lines the line breaker reads while paragraphs are skipped (`skipLines`). */
const OPEN_ATTRIBUTE = 'data-lines-open';

/**
 * While decisions can be reused, the paragraphs are laid out as boxes without their lines (content-visibility:
 * hidden) but for those the line breaker measures: the first (the font's probes) and those it breaks anew. The
 * whole source's lines were laid out two or three times before (as the document loaded, at the text's width,
 * after the new paragraphs' lines were set) for nothing that reads them: Paged.js moves the source into its
 * template once the lines are chosen. A paragraph is a block as wide as the text whatever its contents, so its
 * width, part of its key, is the same either way; nothing in a table is skipped (a cell is as wide as its
 * contents), nor a list item that holds blocks (a paragraph in it may be one the line breaker measures).
 */
function skipLines(): HTMLStyleElement {
  const style = document.createElement('style');
  style.dataset.pagedjsIgnore = '';
  style.textContent = `:is(${PARAGRAPHS}):not(table *, :has(${BLOCKS}), [${OPEN_ATTRIBUTE}]) { content-visibility: hidden; }`;
  document.head.appendChild(style);
  return style;
}

interface Remembered {
  outcomes: (Outcome | null)[];
  settled(el: HTMLElement, outcome: Outcome, hyphens?: number, softHyphens?: string[]): void;
  /** Gives the remembered paragraphs their pinned HTML. */
  pin(): void;
  finish(stats: LineBreakRun): void;
}

/**
 * The line breaker of one document: `run()` before Paged.js lays it out; `stats` after; `fresh`, the
 * decisions a watching build did not know yet; `used`, the keys of those it knew and took.
 */
export class LineBreaker {
  stats: LineBreakRun | null = null;
  fresh: [string, ParagraphBreaks][] = [];
  used: string[] = [];
  /** The build's memo as a whole, given to a document loaded ahead (`useRemembered`): looked up here. */
  private remembered: ReadonlyMap<string, ParagraphBreaks> | undefined;

  /** Every decision the build remembers, by key: the line breaker looks its paragraphs up in them instead of
   * asking the build (`window.bookLineBreakReuse`), which would answer the same from the same entries. */
  useRemembered(entries: ReadonlyMap<string, ParagraphBreaks>): void {
    this.remembered = entries;
  }

  /** When the page asked the build for its remembered decisions, and when the answer came (`performance.now()`). */
  memoAskedAt: number | undefined;
  memoAnsweredAt: number | undefined;
  /** Left parts of the words whose line-end hyphen the line breaker chose ("overwin-"). */
  readonly insertedHyphens = new Set<string>();

  /**
   * Paragraphs whose lines were chosen in an earlier build with everything the choice depends on the same:
   * their HTML (with the numbers of their notes), their computed setting and the font's measures. A watching
   * build keeps them (window.bookLineBreakReuse, given by the build); those paragraphs get the pinned HTML
   * they got then, without measuring. New outcomes are left in `fresh` for the build.
   */
  private async rememberedBreaks(paragraphs: HTMLElement[], metrics: FontMetrics): Promise<Remembered> {
    const reuse = window.bookLineBreakReuse;
    const none: Remembered = { outcomes: [], settled() {}, pin() {}, finish() {} };
    const collect = window.bookLineBreakCollect === true;
    if (typeof reuse !== 'function' && !collect) return none;
    const font = JSON.stringify([metrics.fontSize, metrics.space, metrics.hyphen, metrics.digit]);
    const keys = paragraphs.map((el) => {
      const style = getComputedStyle(el);
      const setting = [style.font, style.letterSpacing, style.wordSpacing, style.textIndent, style.lineHeight, style.paddingLeft, style.paddingRight, el.getBoundingClientRect().width];
      return `${font}\n${setting.join(' ')}\n${el.innerHTML}`;
    });
    this.memoAskedAt = performance.now();
    const remembered = this.remembered;
    const found = remembered ? keys.map((key) => remembered.get(key) ?? null) : typeof reuse === 'function' ? await reuse(keys) : keys.map(() => null);
    this.memoAnsweredAt = performance.now();
    const outcomes = paragraphs.map((_, i) => found[i]?.outcome ?? null);
    const keyOf = new Map(paragraphs.map((el, i) => [el, keys[i] as string]));
    const fresh: [string, ParagraphBreaks][] = [];
    return {
      outcomes,
      settled(el, outcome, hyphens = 0, softHyphens = []) {
        fresh.push([keyOf.get(el) as string, { html: el.innerHTML, outcome, hyphens, softHyphens }]);
      },
      pin: () => {
        paragraphs.forEach((el, i) => {
          const entry = found[i];
          if (entry?.outcome !== 'pinned') return;
          el.innerHTML = entry.html;
          el.dataset.lines = 'pinned';
          for (const word of entry.softHyphens || []) this.insertedHyphens.add(word);
        });
      },
      finish: (stats) => {
        for (const [i, outcome] of outcomes.entries()) {
          if (!outcome) continue;
          stats[outcome]++;
          if (outcome === 'pinned') stats.hyphens += found[i]?.hyphens || 0;
        }
        this.fresh = fresh;
        this.used = keys.filter((_, i) => found[i]);
      },
    };
  }

  /** Paragraphs skipped from the document's load (`skipFromLoad`), until `run` ends. */
  private skipping: HTMLStyleElement | undefined;

  /**
   * In a document whose decisions will be reused (the preview's frames), called as it loads: its paragraphs'
   * lines are not laid out at its first rendering either (`skipLines`).
   */
  skipFromLoad(): void {
    this.skipping ??= skipLines();
  }

  /** The state measured in, set from the document's load (`measuringFromLoad`) until the pieces are measured. */
  private measuringState: HTMLStyleElement | undefined;

  /** Called as the document loads, before its first rendering (the runtime runs in its head). */
  measureFromLoad(): void {
    this.measuringState ??= measuringFromLoad();
  }

  private endMeasuringState(): void {
    this.measuringState?.remove();
    this.measuringState = undefined;
  }

  async run(): Promise<void> {
    try {
      await this.breakLines();
    } finally {
      this.endMeasuringState();
      for (const el of document.querySelectorAll(`[${OPEN_ATTRIBUTE}]`)) el.removeAttribute(OPEN_ATTRIBUTE);
      this.skipping?.remove();
      this.skipping = undefined;
    }
  }

  private async breakLines(): Promise<void> {
    const started = performance.now();
    await document.fonts.ready;
    const body = document.body;
    const previous = body.style.width;
    const stats: LineBreakRun = { paragraphs: 0, pinned: 0, infeasible: 0, reverted: 0, reused: 0, hyphens: 0, ms: 0 };
    // book.yaml print.lineBreaking: greedy leaves every paragraph to Chromium.
    if (getComputedStyle(document.documentElement).getPropertyValue('--line-breaking').trim() === 'greedy') {
      this.stats = stats;
      return;
    }
    if (typeof window.bookLineBreakReuse === 'function') this.skipping ??= skipLines();
    body.style.width = 'var(--text-width)';
    // Notes are still inline until Paged.js floats them; each counts as its call's width.
    const hideNotes = document.createElement('style');
    hideNotes.textContent = '.chapter .footnote { display: none !important; }';
    document.head.appendChild(hideNotes);
    const pinned = document.createElement('style');
    pinned.textContent = '[data-lines="pinned"] { hyphens: none; }';
    document.head.appendChild(pinned);
    try {
      // A list item or definition that holds blocks of its own (paragraphs, a nested list) is not one paragraph.
      const paragraphs = Array.from(document.querySelectorAll<HTMLElement>(PARAGRAPHS)).filter(
        (el) => !el.closest('.footnote') && !el.querySelector(BLOCKS) && getComputedStyle(el).textAlign === 'justify',
      );
      if (paragraphs.length === 0) return;
      // Every paragraph is set as it is measured (MEASURING) before the font's probes are read, if the document
      // was not from its load: the document is laid out at the text's width once, as it is measured. The
      // setting changes neither the width of the probes (alone on their line) nor a paragraph's key
      // (rememberedBreaks).
      const measuring = document.createElement('style');
      measuring.textContent = `[data-lines="measuring"] { ${MEASURING} }`;
      document.head.appendChild(measuring);
      for (const el of paragraphs) el.dataset.lines = 'measuring';
      paragraphs[0]?.setAttribute(OPEN_ATTRIBUTE, '');
      const metrics = measureFont(paragraphs[0] as HTMLElement);
      const remembered = await this.rememberedBreaks(paragraphs, metrics);
      const todo = paragraphs.filter((_, i) => !remembered.outcomes[i]);
      for (const el of todo) el.setAttribute(OPEN_ATTRIBUTE, '');
      stats.paragraphs += paragraphs.length - todo.length;
      stats.reused = paragraphs.length - todo.length;
      const plans: Plan[] = todo.map((el) => ({ el, softHyphens: [], ...itemize(el, metrics) }));
      measurePieces(metrics);
      for (const el of paragraphs) delete el.dataset.lines;
      measuring.remove();
      this.endMeasuringState();
      const done: { plan: Plan; lines: number; original: Node[]; hyphens: number }[] = [];
      for (const plan of plans) {
        stats.paragraphs++;
        let breaks: number[] | null = null;
        for (const tolerance of PARAMS.tolerances) {
          breaks = knuthPlass(plan.items, () => plan.width, tolerance);
          if (breaks) break;
        }
        if (!breaks) {
          stats.infeasible++;
          remembered.settled(plan.el, 'infeasible');
          continue;
        }
        const original = Array.from(plan.el.childNodes, (c) => c.cloneNode(true));
        const hyphens = apply(plan, breaks);
        plan.el.dataset.lines = 'pinned';
        done.push({ plan, lines: breaks.length, original, hyphens });
      }
      // Chromium must now find exactly those lines; where it does not, the paragraph goes back as it was.
      for (const { plan, lines, original, hyphens } of done) {
        const style = getComputedStyle(plan.el);
        const height = plan.el.getBoundingClientRect().height;
        const found = Math.round(height / parseFloat(style.lineHeight));
        if (found !== lines || plan.el.scrollWidth > plan.el.clientWidth + 1) {
          plan.el.replaceChildren(...original);
          delete plan.el.dataset.lines;
          stats.reverted++;
          remembered.settled(plan.el, 'reverted');
        } else {
          stats.pinned++;
          stats.hyphens += hyphens;
          for (const word of plan.softHyphens) this.insertedHyphens.add(word);
          remembered.settled(plan.el, 'pinned', hyphens, plan.softHyphens);
        }
      }
      // The remembered paragraphs get their lines last: written before, their new HTML had Chromium lay the
      // whole document out again at the first measurement of a changed paragraph (the preview's save of a
      // long chapter: every paragraph but one), for lines nothing measures.
      remembered.pin();
      remembered.finish(stats);
    } finally {
      hideNotes.remove();
      body.style.width = previous;
      stats.ms = performance.now() - started;
      this.stats = stats;
    }
  }
}
