import type { MarkdownIt } from 'markdown-it';

export interface HeadingIdsOptions {
  /** Prefix that keeps ids unique when several chapters share one HTML document. */
  prefix: string;
}

export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f\u00ad]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Gives every heading a stable id from its text (unless the author set one with `{#id}`). */
export function headingIds(md: MarkdownIt, options: HeadingIdsOptions): void {
  md.core.ruler.push('heading_ids', (state) => {
    const seen = new Set<string>();
    state.tokens.forEach((token, i) => {
      if (token.type !== 'heading_open' || token.attrGet('id')) return;
      const base = `${options.prefix}${slugify(state.tokens[i + 1]?.content ?? '') || 'section'}`;
      let id = base;
      for (let n = 2; seen.has(id); n++) id = `${base}-${n}`;
      seen.add(id);
      token.attrSet('id', id);
    });
  });
}
