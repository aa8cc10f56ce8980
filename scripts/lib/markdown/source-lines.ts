import type { MarkdownIt } from 'markdown-it';

/** Carries each block's first source line (1-based) into the HTML as `data-line`, so a finding on a page can
 * be traced back to the manuscript. */
export function sourceLines(md: MarkdownIt): void {
  md.core.ruler.push('source_lines', (state) => {
    for (const token of state.tokens) {
      if (token.map && token.nesting === 1) token.attrSet('data-line', String(token.map[0] + 1));
    }
  });
}
