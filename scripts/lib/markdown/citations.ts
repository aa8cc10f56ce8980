import type { MarkdownIt, StateCore, StateInline, Token } from 'markdown-it';
import type { NoteCitation } from '../citations/csl.ts';
import { parseCluster, type CitationItem } from '../citations/syntax.ts';

export interface CitationsOptions {
  /** Renders a chapter's citations in reading order (see citations/csl.ts renderNoteCitations). */
  render(citations: NoteCitation[]): string[];
}

export interface CitationsEnv {
  /** Every cited key, in reading order (for the generated bibliography). */
  citedKeys?: string[];
  [key: string | symbol]: unknown;
}

/** What a `citation` token carries. */
interface CitationMeta {
  items: CitationItem[];
  /** Offset of the cluster in its inline content, and the source line it is on. */
  offset: number;
  line?: number;
  html?: string;
}

function meta(token: Token): CitationMeta {
  return token.meta as unknown as CitationMeta;
}

interface FootnoteListEntry {
  label?: string;
  content?: string;
  tokens?: Token[];
  count?: number;
}

interface FootnotesEnv {
  footnotes?: { list?: FootnoteListEntry[] };
}

/**
 * Pandoc citations (`[@key, p. 12]`, `[@a; @b]`, `[-@key]`) for a note style, on top of markdown-it-footnote
 * and notes.ts: a citation in running text becomes a footnote of its own, numbered in reading order with the
 * written footnotes; a citation inside a footnote is rendered in that note. The text comes from CSL.
 */
export function citations(md: MarkdownIt, options: CitationsOptions): void {
  md.inline.ruler.before('link', 'citation', (state: StateInline, silent: boolean) => {
    const cluster = parseCluster(state.src, state.pos);
    if (!cluster) return false;
    if (!silent) {
      const token = state.push('citation', '', 0);
      const data: CitationMeta = { items: cluster.items, offset: state.pos };
      token.meta = data as unknown as Record<string, unknown>;
      token.content = state.src.slice(state.pos, state.pos + cluster.length);
    }
    state.pos += cluster.length;
    return true;
  });

  md.core.ruler.before('footnote_tail', 'citation_notes', (state: StateCore) => {
    const env = state.env as FootnotesEnv & CitationsEnv;
    const cited: string[] = [];
    let inDefinition = false;
    let made = 0;
    const bodyRefs: Token[] = [];
    for (const token of state.tokens) {
      if (token.type === 'footnote_reference_open') inDefinition = true;
      if (token.type === 'footnote_reference_close') inDefinition = false;
      if (token.type !== 'inline' || !token.children) continue;
      const children = token.children;
      for (let i = 0; i < children.length; i++) {
        const child = children[i]!;
        if (child.type === 'citation') cited.push(...meta(child).items.map((item) => item.key));
        if (inDefinition) continue;
        if (child.type === 'footnote_ref') bodyRefs.push(child);
        if (child.type !== 'citation') continue;
        // A note style moves the citation into a note of its own; the space before the call goes with it.
        const previous = children[i - 1];
        if (previous?.type === 'text') previous.content = previous.content.replace(/\s+$/, '');
        env.footnotes ??= {};
        env.footnotes.list ??= [];
        const line = (token.map?.[0] ?? 0) + 1 + countNewlines(token.content.slice(0, meta(child).offset));
        meta(child).line = line;
        const ref = new state.Token('footnote_ref', '', 0);
        ref.meta = { id: env.footnotes.list.length, subId: 0, citationNote: true };
        env.footnotes.list.push({ label: `cite-${++made}`, content: child.content, tokens: [child], count: 1 });
        children[i] = ref;
        bodyRefs.push(ref);
      }
    }
    env.citedKeys = cited;
    if (made > 0 && env.footnotes?.list) renumber(state, env.footnotes.list, bodyRefs);
  });

  md.core.ruler.after('footnote_tail', 'citation_render', (state: StateCore) => {
    const start = state.tokens.findIndex((t) => t.type === 'footnote_block_open');
    if (start < 0) return;
    const found: { token: Token; citation: NoteCitation; next: string }[] = [];
    let noteIndex = 0;
    let noteLine = 0;
    for (const token of state.tokens.slice(start)) {
      if (token.type === 'footnote_open') noteIndex = Number(token.meta?.id) + 1;
      if (token.type !== 'inline' || !token.children) continue;
      token.children.forEach((child, i, children) => {
        if (child.type !== 'citation') return;
        const after = children[i + 1];
        const next = after?.type === 'text' ? after.content : '';
        found.push({ token: child, citation: { noteIndex, items: meta(child).items }, next });
        noteLine = meta(child).line ?? 0;
      });
      // A note made from a citation has no source block: give it the line of its call.
      if (!token.map && noteLine) token.map = [noteLine - 1, noteLine];
      noteLine = 0;
    }
    const html = options.render(found.map((f) => f.citation));
    found.forEach((f, i) => {
      meta(f.token).html = fitToText(html[i] ?? '', f.next);
    });
  });

  md.renderer.rules.citation = (tokens, idx) => String(tokens[idx]?.meta?.html ?? '');
}

/**
 * A style ends a note's citation with a full stop; inside a written note the sentence may go on
 * (`[@key, p. 9], waar ...`), so the stop gives way to the punctuation that follows. An abbreviation's
 * stop (ibid., z.d.) stays unless the text brings its own.
 */
function fitToText(html: string, next: string): string {
  const following = /^[,.;:)]/.exec(next)?.[0];
  if (!following) return html;
  const match = /\.((?:<\/[a-z]+>)*)$/.exec(html);
  if (!match) return html;
  const before = html.slice(0, match.index).replace(/<[^>]+>/g, '');
  const lastWord = before.split(/\s/).pop() ?? '';
  const abbreviation = /^ibid$/i.test(lastWord) || /^(?:\p{L}{1,3}\.)+\p{L}{1,3}$/u.test(lastWord);
  if (abbreviation && following !== '.') return html;
  return html.slice(0, match.index) + match[1];
}

function countNewlines(text: string): number {
  let n = 0;
  for (const c of text) if (c === '\n') n++;
  return n;
}

/**
 * markdown-it-footnote numbers notes when it meets their first reference, and the citation notes were
 * added after all of those: put every note back in reading order.
 */
function renumber(state: StateCore, list: FootnoteListEntry[], bodyRefs: Token[]): void {
  const order: number[] = [];
  const seen = new Set<number>();
  for (const ref of bodyRefs) {
    const id = Number(ref.meta?.id);
    if (!seen.has(id)) {
      seen.add(id);
      order.push(id);
    }
  }
  list.forEach((_, id) => {
    if (!seen.has(id)) order.push(id);
  });
  const newId = new Map(order.map((old, index) => [old, index]));
  const reordered = order.map((old) => list[old]!);
  list.splice(0, list.length, ...reordered);
  const visit = (tokens: Token[]): void => {
    for (const token of tokens) {
      if (token.type === 'footnote_ref' && token.meta) token.meta.id = newId.get(Number(token.meta.id)) ?? token.meta.id;
      if (token.children) visit(token.children);
    }
  };
  visit(state.tokens);
  for (const entry of reordered) if (entry.tokens) visit(entry.tokens);
  // footnote_ref tokens keep their label lookup in env.footnotes.refs; point it at the new ids too.
  const refs = (state.env as { footnotes?: { refs?: Record<string, number> } }).footnotes?.refs;
  if (refs) for (const key of Object.keys(refs)) refs[key] = newId.get(refs[key]!) ?? refs[key]!;
}
