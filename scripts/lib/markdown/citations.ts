import type { MarkdownIt, StateCore, StateInline, Token } from 'markdown-it';
import type { CitationRequest, RenderedCitation } from '../citations/csl.ts';
import { parseCitation, type CitationItem, type LocatorTerms } from '../citations/syntax.ts';

export interface CitationsOptions {
  /** Renders a chapter's citations in reading order (see citations/csl.ts renderCitations). */
  render(citations: CitationRequest[]): RenderedCitation[];
  /** A note style puts citations in notes of their own; an in-text style prints them where they stand. */
  noteStyle: boolean;
  /** The locator terms of the book's locale (and English). */
  terms: LocatorTerms;
  /** In a note style, a note's call after the punctuation that follows it (`text [@key].` → `text.¹`). */
  notesAfterPunctuation: boolean;
}

export interface CitationsEnv {
  /** Every cited key, in reading order (for the generated bibliography). */
  citedKeys?: string[];
  [key: string | symbol]: unknown;
}

/** Set by `parseAroundCitations`: the citations are left waiting for their text instead of rendered. */
const DEFER = Symbol('defer citations');
const PENDING = Symbol('pending citations');

interface DeferringEnv {
  [DEFER]?: boolean;
  [PENDING]?: { requests: CitationRequest[]; apply(rendered: RenderedCitation[]): void };
}

/** Each Markdown instance's `citation_render` rule, where `parseAroundCitations` stops. */
const renderRules = new WeakMap<MarkdownIt, (state: StateCore) => void>();

/** A parse stopped where the citations are rendered (see `parseAroundCitations`). */
export interface ParseAroundCitations {
  /** The citations found, in reading order; undefined when there are none. */
  citations?: CitationRequest[];
  /** Goes on with the parse once `citations` are rendered (their `options.render` answer): the tokens. */
  finish(rendered?: RenderedCitation[]): Token[];
}

/**
 * `md.parse` in two parts: up to the rule that renders the citations, and on from there once the caller has
 * them rendered (readBook has them rendered on other threads while it parses the other chapters). The rules
 * after it read the rendered citations (the notes' HTML), so they wait. Without citations, one part.
 */
export function parseAroundCitations(md: MarkdownIt, source: string, env: CitationsEnv): ParseAroundCitations {
  const deferring = env as CitationsEnv & DeferringEnv;
  deferring[DEFER] = true;
  const state = new md.core.State(source, md, env);
  const rules = md.core.ruler.getRules('');
  const renderRule = renderRules.get(md);
  const cut = renderRule ? rules.indexOf(renderRule) + 1 : rules.length;
  for (const rule of rules.slice(0, cut)) rule(state);
  const pending = deferring[PENDING];
  return {
    ...(pending ? { citations: pending.requests } : {}),
    finish(rendered) {
      if (pending) {
        if (!rendered) throw new Error('the citations were not rendered');
        pending.apply(rendered);
      }
      for (const rule of rules.slice(cut)) rule(state);
      return state.tokens;
    },
  };
}

/** What a `citation` token (and the `citation_author` token of a narrative citation in a note style) carries. */
interface CitationMeta {
  items: CitationItem[];
  narrative: boolean;
  /** Offset of the cluster in its inline content, and the source line it is on. */
  offset: number;
  line?: number;
  html?: string;
  author?: string;
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

const NOTE_PUNCTUATION = /^[.,;:!?]+/;

/** Where the author placed the list of sources (`::: {#refs}`, a heading with id `refs`); book.ts fills it. */
export const BIBLIOGRAPHY_PLACEHOLDER = '<div data-bibliography></div>';
/** After a heading that ends a chapter: the list's place if the author named none. */
export const BIBLIOGRAPHY_FALLBACK = '<div data-bibliography-fallback></div>';

/**
 * Pandoc citations on top of markdown-it-footnote and notes.ts. In a note style a citation in running text
 * becomes a footnote of its own, numbered in reading order with the written footnotes (a narrative
 * citation's author stays in the sentence); a citation inside a footnote is rendered in that note. In an
 * in-text style every citation is printed where it stands. The text comes from CSL.
 */
export function citations(md: MarkdownIt, options: CitationsOptions): void {
  md.inline.ruler.before('link', 'citation', (state: StateInline, silent: boolean) => {
    const c = state.src[state.pos];
    if (c !== '[' && c !== '@' && c !== '-') return false;
    const cluster = parseCitation(state.src, state.pos, options.terms);
    if (!cluster) return false;
    if (!silent) {
      const token = state.push('citation', '', 0);
      const data: CitationMeta = { items: cluster.items, narrative: cluster.narrative, offset: state.pos };
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
        if (child.type === 'citation') {
          cited.push(...meta(child).items.map((item) => item.key));
          meta(child).line = (token.map?.[0] ?? 0) + 1 + countNewlines(token.content.slice(0, meta(child).offset));
        }
        if (inDefinition || !options.noteStyle) continue;
        if (child.type === 'footnote_ref') bodyRefs.push(child);
        if (child.type !== 'citation') continue;
        const narrative = meta(child).narrative;
        // A note style moves the citation into a note of its own; the space before the call goes with it
        // (a narrative citation's author stays, and the call follows the name).
        const previous = children[i - 1];
        if (!narrative && previous?.type === 'text') previous.content = previous.content.replace(/\s+$/, '');
        env.footnotes ??= {};
        env.footnotes.list ??= [];
        const ref = new state.Token('footnote_ref', '', 0);
        ref.meta = { id: env.footnotes.list.length, subId: 0, citationNote: true };
        env.footnotes.list.push({ label: `cite-${++made}`, content: child.content, tokens: [child], count: 1 });
        const replacement = [ref];
        if (narrative) {
          const author = new state.Token('citation_author', '', 0);
          author.meta = child.meta;
          replacement.unshift(author);
        }
        children.splice(i, 1, ...replacement);
        i += replacement.length - 1;
        bodyRefs.push(ref);
      }
      if (!inDefinition && options.noteStyle && options.notesAfterPunctuation) moveCallsAfterPunctuation(state, children);
    }
    env.citedKeys = cited;
    if (made > 0 && env.footnotes?.list) renumber(state, env.footnotes.list, bodyRefs);
  });

  const renderRule = (state: StateCore): void => {
    const found: { token: Token; citation: CitationRequest; next: string; inNote: boolean; written: boolean }[] = [];
    let noteIndex = 0;
    let inNotes = false;
    let noteLine = 0;
    for (const token of state.tokens) {
      if (token.type === 'footnote_block_open') inNotes = true;
      if (token.type === 'footnote_open') noteIndex = Number(token.meta?.id) + 1;
      if (token.type !== 'inline' || !token.children) continue;
      token.children.forEach((child, i, children) => {
        if (child.type !== 'citation') return;
        const after = children[i + 1];
        const next = after?.type === 'text' ? after.content : '';
        const data = meta(child);
        // Inside a written note a narrative citation is an ordinary one, as in Pandoc.
        const narrative = data.narrative && !(inNotes && options.noteStyle && isWrittenNote(token));
        const items = data.items.map((item) => ({ ...item, prefix: affixHtml(md, item.prefix), suffix: affixHtml(md, item.suffix) }));
        found.push({ token: child, citation: { noteIndex: inNotes ? noteIndex : 0, items, narrative }, next, inNote: inNotes, written: inNotes && isWrittenNote(token) });
        if (inNotes) noteLine = data.line ?? 0;
      });
      // A note made from a citation has no source block: give it the line of its call.
      if (inNotes && !token.map && noteLine) token.map = [noteLine - 1, noteLine];
      noteLine = 0;
    }
    if (found.length === 0) return;
    // May run later (parseAroundCitations): it reads what was taken above (the text after each citation),
    // before the rules that follow change the tokens.
    const apply = (rendered: RenderedCitation[]): void => found.forEach((f, i) => {
      const result = rendered[i] ?? { html: '' };
      const data = meta(f.token);
      if (f.citation.narrative && !options.noteStyle) {
        data.html = result.author ? `${result.author} ${result.html}` : result.html;
        return;
      }
      data.author = result.author;
      // A note made of a citation is a sentence of its own: its first letter is a capital (`see` → `See`).
      const ownNote = options.noteStyle && f.inNote && !f.written;
      data.html = ownNote ? capitalizeFirst(result.html) : f.inNote ? fitToText(result.html, f.next) : result.html;
    });
    const requests = found.map((f) => f.citation);
    const env = state.env as DeferringEnv;
    if (env[DEFER]) env[PENDING] = { requests, apply };
    else apply(options.render(requests));
  };
  md.core.ruler.after('footnote_tail', 'citation_render', renderRule);
  renderRules.set(md, renderRule);

  // Where the list of sources goes: a `::: {#refs}` block, or after a heading with id `refs`; failing
  // those, after a heading that ends the chapter (an author's "References" with nothing under it).
  md.block.ruler.before('fence', 'refs_div', (state, startLine, endLine, silent) => {
    const line = (n: number): string => state.src.slice(state.bMarks[n]! + state.tShift[n]!, state.eMarks[n]);
    if (!/^:{3,}\s*\{[^}]*#refs\b[^}]*\}\s*$/.test(line(startLine))) return false;
    let close = startLine + 1;
    while (close < endLine && !/^:{3,}\s*$/.test(line(close))) close++;
    if (close >= endLine) return false;
    if (silent) return true;
    const token = state.push('html_block', '', 0);
    token.content = `${BIBLIOGRAPHY_PLACEHOLDER}\n`;
    token.map = [startLine, close + 1];
    state.line = close + 1;
    return true;
  });
  md.core.ruler.push('refs_heading', (state: StateCore) => {
    const tokens = state.tokens;
    let at = tokens.findIndex((t) => t.type === 'heading_open' && t.attrGet('id') === 'refs');
    let placeholder = BIBLIOGRAPHY_PLACEHOLDER;
    if (at < 0 && tokens.at(-1)?.type === 'heading_close' && !tokens.some((t) => t.content === BIBLIOGRAPHY_PLACEHOLDER + '\n')) {
      at = tokens.length - 3;
      placeholder = BIBLIOGRAPHY_FALLBACK;
    }
    if (at < 0) return;
    const close = tokens.findIndex((t, i) => i > at && t.type === 'heading_close');
    const token = new state.Token('html_block', '', 0);
    token.content = `${placeholder}\n`;
    tokens.splice(close + 1, 0, token);
  });

  md.renderer.rules.citation = (tokens, idx) => String(tokens[idx]?.meta?.html ?? '');
  md.renderer.rules.citation_author = (tokens, idx) => String(tokens[idx]?.meta?.author ?? '');
}

/** Whether an inline token of the notes block belongs to a note the author wrote (not one made from a citation). */
function isWrittenNote(token: Token): boolean {
  return !(token.children?.length === 1 && token.children[0]?.type === 'citation');
}

/**
 * Chicago's and Dutch practice, as Pandoc's `notes-after-punctuation`: a note's call stands after the
 * punctuation that follows it (`text [@key].` → `text.¹`), for citation notes and written notes alike.
 */
function moveCallsAfterPunctuation(state: StateCore, children: Token[]): void {
  for (let i = 0; i < children.length; i++) {
    // Pandoc leaves a narrative citation's call where it is, right after the author's name.
    if (children[i]!.type !== 'footnote_ref' || children[i - 1]?.type === 'citation_author') continue;
    const next = children[i + 1];
    const punctuation = next?.type === 'text' ? NOTE_PUNCTUATION.exec(next.content)?.[0] : undefined;
    if (!next || !punctuation) continue;
    next.content = next.content.slice(punctuation.length);
    const moved = new state.Token('text', '', 0);
    moved.content = punctuation;
    children.splice(i, 0, moved);
    i++;
  }
}

/** A prefix's or suffix's Markdown as the HTML citeproc reads in affixes (`<i>`, `<b>`, `<sup>`, `<sub>`). */
function affixHtml(md: MarkdownIt, markdown: string): string {
  if (!markdown) return markdown;
  if (!/[*_`\\<&[]/.test(markdown)) return markdown;
  return md
    .renderInline(markdown, {})
    .replace(/<(\/?)em>/g, '<$1i>')
    .replace(/<(\/?)strong>/g, '<$1b>')
    .replace(/<(?!\/?(?:i|b|sup|sub)>)[^>]*>/g, '');
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

function capitalizeFirst(html: string): string {
  return html.replace(/^((?:<[^>]+>)*)(\p{Ll})/u, (_, tags: string, letter: string) => tags + letter.toLocaleUpperCase());
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
