import type { MarkdownIt, StateCore, Token } from 'markdown-it';

/**
 * Pandoc's caption paragraph: `Table: The caption` or `: The caption`, right after (or before) the table. The
 * text is hyphenated by then: a book that hyphenates words of five letters has "Ta\u00adble:".
 */
const CAPTION = /^(?:T\u00ad?a\u00ad?b\u00ad?l\u00ad?e)?:\s+/;

/** The caption paragraph at `at` (paragraph_open, inline, paragraph_close), if it is one. */
function captionAt(tokens: Token[], at: number): Token | undefined {
  const [open, inline, close] = [tokens[at], tokens[at + 1], tokens[at + 2]];
  if (open?.type !== 'paragraph_open' || inline?.type !== 'inline' || close?.type !== 'paragraph_close') return undefined;
  const first = inline.children?.[0];
  if (first?.type !== 'text' || !CAPTION.test(first.content)) return undefined;
  return inline;
}

/**
 * Tables as a book and a screen reader want them: a caption from Pandoc's `Table: …` paragraph, and each
 * header cell's scope (`col`), so a continued table's header and each cell's column are known.
 */
export function tables(md: MarkdownIt): void {
  md.core.ruler.push('table_captions', (state: StateCore) => {
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as Token;
      if (token.type === 'th_open' && !token.attrGet('scope')) token.attrSet('scope', 'col');
      if (token.type !== 'table_open') continue;
      const close = tokens.findIndex((t, k) => k > i && t.type === 'table_close' && t.level === token.level);
      if (close < 0) continue;
      let caption = captionAt(tokens, close + 1);
      let removeAt = close + 1;
      if (!caption && i >= 3 && tokens[i - 1]?.type === 'paragraph_close') {
        caption = captionAt(tokens, i - 3);
        removeAt = i - 3;
      }
      if (!caption) continue;
      // Pandoc's `Table: Caption {#cijfers}`: markdown-it-attrs gave the id to the caption's paragraph; it names the table.
      const id = tokens[removeAt]?.attrGet('id');
      if (id && !token.attrGet('id')) token.attrSet('id', id);
      const first = caption.children?.[0] as Token;
      first.content = first.content.replace(CAPTION, '');
      const open = new state.Token('caption_open', 'caption', 1);
      const end = new state.Token('caption_close', 'caption', -1);
      open.block = end.block = true;
      tokens.splice(removeAt, 3);
      const at = removeAt < i ? i - 3 : i;
      tokens.splice(at + 1, 0, open, caption, end);
      i = at + 3;
    }
  });
}
