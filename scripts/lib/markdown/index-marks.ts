import type { MarkdownIt, StateCore, Token } from 'markdown-it';
import { escapeHtml } from '../html.ts';

/** A place the index points at: a span marked in the text, or a name of the list found there. */
export interface IndexMark {
  /** The entry's key: "Kautsky, Karl". */
  key: string;
  /** The element's id. */
  id: string;
  /** Marked by the author (`{.person}`), not found by the list. */
  marked: boolean;
  line: number;
  column: number;
}

export interface IndexMarksEnv {
  indexMarks?: IndexMark[];
}

export interface IndexMarksOptions {
  /** Prefix of the marks' ids (the chapter's: `ch2-`). */
  prefix: string;
  source: string;
  /** The names the list finds in the text, each with the key it is indexed under (longest first). */
  names: readonly { name: string; key: string }[];
}

/**
 * Places for the index of persons. `[Kautsky]{.person key="Kautsky, Karl"}` marks one (the key defaults to the
 * text); the list of names (book-index/names.ts) finds the others: each key and alias where it stands as a
 * word of its own in running text (not in code, a link, a heading or a mark). Each place becomes a span with an
 * id and its key (`data-index-key`), for the index to point at; `key` never reaches the HTML. Runs after
 * markdown-it-attrs (which sets the span's attributes) and before hyphenation (which breaks up the words).
 */
export function indexMarks(md: MarkdownIt, options: IndexMarksOptions): void {
  const lines = options.source.split('\n');
  const pattern = options.names.length
    ? new RegExp(`(?<![\\p{L}\\p{N}])(${options.names.map((n) => n.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![\\p{L}\\p{N}])`, 'gu')
    : undefined;
  const keyOf = new Map(options.names.map((n) => [n.name, n.key]));

  const place = (block: Token, text: string): { line: number; column: number } => {
    const [first, last] = block.map ?? [0, 1];
    for (let l = first; l < last; l++) {
      const at = (lines[l] ?? '').indexOf(text);
      if (at >= 0) return { line: l + 1, column: at + 1 };
    }
    return { line: first + 1, column: 1 };
  };
  const nextId = (marks: IndexMark[]): string => `${options.prefix}idx-${marks.length + 1}`;

  // The list's names, in the text and in the notes: before notes.ts lifts the notes out (and renders them).
  md.core.ruler.before('notes_extract', 'index_names', (state: StateCore) => {
    const marks: IndexMark[] = ((state.env as IndexMarksEnv).indexMarks ??= []);
    if (!pattern) return;
    let inHeading = false;
    for (const block of state.tokens) {
      if (block.type === 'heading_open') inHeading = true;
      if (block.type === 'heading_close') inHeading = false;
      if (block.type !== 'inline' || !block.children || inHeading) continue;
      const children: Token[] = [];
      let skip = 0;
      const source = block.children;
      for (let i = 0; i < source.length; i++) {
        const child = source[i] as Token;
        if (child.type === 'link_open' || (child.type === 'span_open' && isPersonSpan(source, i))) skip++;
        if (child.type === 'link_close' || (child.type === 'span_close' && skip > 0 && /^\{[^}]*\.person\b/.test(source[i + 1]?.content ?? ''))) skip--;
        if (child.type !== 'text' || skip > 0) {
          children.push(child);
          continue;
        }
        let last = 0;
        // Attributes in braces (`{.person key="Kautsky, Karl"}`, `{#id}`) are markdown-it-attrs' still: not text.
        const braces = Array.from(child.content.matchAll(/\{[^{}\n]*[.#=][^{}\n]*\}/g), (m) => [m.index ?? 0, (m.index ?? 0) + m[0].length]);
        for (const match of child.content.matchAll(pattern)) {
          const name = match[0];
          if (braces.some(([from, to]) => (match.index ?? 0) >= (from as number) && (match.index ?? 0) < (to as number))) continue;
          const key = keyOf.get(name) as string;
          const id = nextId(marks);
          marks.push({ key, id, marked: false, ...place(block, name) });
          children.push(textToken(state, child.content.slice(last, match.index)));
          const open = new state.Token('html_inline', '', 0);
          open.content = `<span class="index-mark" id="${id}" data-index-key="${escapeHtml(key)}">`;
          const close = new state.Token('html_inline', '', 0);
          close.content = '</span>';
          children.push(open, textToken(state, name), close);
          last = (match.index ?? 0) + name.length;
        }
        if (last === 0) children.push(child);
        else if (last < child.content.length) children.push(textToken(state, child.content.slice(last)));
      }
      block.children = children.filter((c) => c.type !== 'text' || c.content !== '');
    }
  });

  // The author's marks, once markdown-it-attrs has given the spans their class and key.
  md.core.ruler.push('index_marks', (state: StateCore) => {
    const marks: IndexMark[] = ((state.env as IndexMarksEnv).indexMarks ??= []);
    for (const block of state.tokens) {
      withoutKey(block);
      for (const [i, child] of (block.children ?? []).entries()) {
        if (child.type === 'span_open' && /(^|\s)person(\s|$)/.test(String(child.attrGet('class') ?? ''))) {
          const text = textUntilClose(block.children as Token[], i);
          const key = String(child.attrGet('key') ?? text).trim();
          child.attrSet('id', String(child.attrGet('id') ?? nextId(marks)));
          child.attrSet('data-index-key', key);
          marks.push({ key, id: String(child.attrGet('id')), marked: true, ...place(block, `[${text}]{`) });
        }
        withoutKey(child);
      }
    }
  });
}

/** Whether the span opened at `open` is marked `{.person …}` (markdown-it-attrs has not read it yet: it is the text after the span). */
function isPersonSpan(tokens: Token[], open: number): boolean {
  for (let i = open + 1, depth = 1; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.type === 'span_open') depth++;
    if (t.type === 'span_close' && --depth === 0) return /^\{[^}]*\.person\b/.test(tokens[i + 1]?.content ?? '');
  }
  return false;
}

function textToken(state: StateCore, content: string): Token {
  const token = new state.Token('text', '', 0);
  token.content = content;
  return token;
}

function textUntilClose(tokens: Token[], open: number): string {
  let text = '';
  for (let i = open + 1, depth = 1; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.type === 'span_open') depth++;
    if (t.type === 'span_close' && --depth === 0) break;
    if (t.type === 'text' || t.type === 'code_inline') text += t.content;
  }
  return text;
}

/** `key` is for the index alone (markdown-it-attrs lets it through onto any element): it never reaches the HTML. */
function withoutKey(token: Token): void {
  if (token.attrs) token.attrs = token.attrs.filter(([name]) => name !== 'key');
}
