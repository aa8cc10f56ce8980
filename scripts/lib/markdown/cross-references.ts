import type { MarkdownIt, StateCore, StateInline } from 'markdown-it';
import { escapeHtml } from '../html.ts';

/** What a cross-reference names: a heading (section), a figure, a table, a note, or the page of any id. */
export const CROSS_REFERENCE_KINDS = ['sec', 'fig', 'tbl', 'note', 'page'] as const;
export type CrossReferenceKind = (typeof CROSS_REFERENCE_KINDS)[number];

export interface CrossReferencesOptions {
  /** Whether `kind:id` is a key of the book's sources: then `[@kind:id]` is that citation, not a reference. */
  isCitationKey?: (key: string) => boolean;
  /** The chapter's source, for the line and column of each reference. */
  source: string;
}

/** Whether `[@key]` is a cross-reference: a known prefix, and not a key of the book's sources. */
export function isCrossReferenceKey(key: string, isCitationKey?: (key: string) => boolean): boolean {
  return new RegExp(`^(${CROSS_REFERENCE_KINDS.join('|')}):`).test(key) && !isCitationKey?.(key);
}

const REFERENCE = new RegExp(`^\\[@(${CROSS_REFERENCE_KINDS.join('|')}):([\\p{L}\\p{N}_][\\p{L}\\p{N}_.:-]*)\\]`, 'u');

/**
 * `[@sec:staat]`, `[@fig:kaart]`, `[@tbl:cijfers]`, `[@note:bron]`, `[@page:kautsky]`: Pandoc-crossref's
 * syntax, which is a citation's too; a key with one of these prefixes is a cross-reference unless the book's
 * sources have it. The reference renders as an empty link carrying its target and its place in the source
 * (`data-xref`, `data-xref-at`): what it says depends on the whole book (a heading's title, a page number
 * known after pagination), so cross-references.ts resolves it and each format fills it in.
 */
export function crossReferences(md: MarkdownIt, options: CrossReferencesOptions): void {
  const rule = (state: StateInline, silent: boolean): boolean => {
    if (state.src[state.pos] !== '[') return false;
    const match = REFERENCE.exec(state.src.slice(state.pos));
    if (!match || options.isCitationKey?.(`${match[1]}:${match[2]}`)) return false;
    if (!silent) {
      const token = state.push('cross_reference', '', 0);
      token.meta = { kind: match[1], target: match[2], text: match[0] };
    }
    state.pos += match[0].length;
    return true;
  };
  // Before links; the citations' plugin is used after this one and puts its rule between (create-markdown.ts).
  md.inline.ruler.before('link', 'cross_reference', rule);

  const lines = options.source.split('\n');
  md.core.ruler.push('cross_reference_places', (state: StateCore) => {
    for (const block of state.tokens) {
      if (block.type !== 'inline' || !block.children || !block.map) continue;
      let from = block.map[0];
      for (const child of block.children) {
        if (child.type !== 'cross_reference' || !child.meta) continue;
        const text = String(child.meta.text);
        // The reference's place: the first line of its block, from where the last one was, that holds it.
        let line = from;
        while (line < block.map[1] - 1 && !(lines[line] ?? '').includes(text)) line++;
        child.meta.line = line + 1;
        child.meta.column = Math.max(0, (lines[line] ?? '').indexOf(text)) + 1;
        from = line;
      }
    }
  });

  md.renderer.rules.cross_reference = (tokens, idx) => {
    const { kind, target, line, column } = tokens[idx]?.meta as { kind: string; target: string; line: number; column: number };
    return `<a class="xref" href="#${escapeHtml(target)}" data-xref="${kind}" data-xref-at="${line}:${column}"></a>`;
  };
}
