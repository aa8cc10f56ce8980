import type { MarkdownIt, StateCore, Token } from 'markdown-it';

/**
 * Small caps for `[Tekst]{.smallcaps}` (Pandoc's syntax; the span comes from markdown-it-bracketed-spans and
 * markdown-it-attrs). Book faces served as web fonts often lack the `smcp` feature (EB Garamond's do), and a
 * browser then fakes small caps with scaled capitals drawn one by one, which PDF text extraction tears apart
 * ("T ekst"). So the lower-case runs inside the span are marked here (`<span class="sc">ekst</span>`) and the
 * stylesheets set them as capitals at a smaller size, while the text itself stays as written.
 */
export function smallCaps(md: MarkdownIt): void {
  md.core.ruler.push('small_caps', (state: StateCore) => {
    for (const block of state.tokens) {
      if (block.type !== 'inline' || !block.children) continue;
      let depth = 0;
      const out: Token[] = [];
      for (const child of block.children) {
        if (child.type === 'span_open' && depth > 0) depth++;
        else if (child.type === 'span_open' && hasClass(child, 'smallcaps')) depth = 1;
        else if (child.type === 'span_close' && depth > 0) depth--;
        if (depth === 0 || child.type !== 'text') {
          out.push(child);
          continue;
        }
        for (const run of child.content.match(/\p{Ll}+|[^\p{Ll}]+/gu) ?? []) {
          if (!/\p{Ll}/u.test(run)) {
            out.push(text(state, run));
            continue;
          }
          const open = new state.Token('sc_open', 'span', 1);
          open.attrSet('class', 'sc');
          out.push(open, text(state, run), new state.Token('sc_close', 'span', -1));
        }
      }
      block.children = out;
    }
  });
}

function hasClass(token: Token, name: string): boolean {
  return String(token.attrGet('class') ?? '').split(/\s+/).includes(name);
}

function text(state: StateCore, content: string): Token {
  const token = new state.Token('text', '', 0);
  token.content = content;
  return token;
}
