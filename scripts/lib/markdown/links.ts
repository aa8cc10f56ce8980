import type { MarkdownIt, StateCore, Token } from 'markdown-it';
import { breakableParts } from './code.ts';

/**
 * An address written out as a link (`<https://…>`) is one long word: it gets places to break (`<wbr>`) after
 * its slashes and dots, as code does, so it turns over at the measure instead of running into the margin.
 */
export function links(md: MarkdownIt): void {
  md.core.ruler.push('breakable_links', (state: StateCore) => {
    for (const block of state.tokens) {
      if (block.type !== 'inline' || !block.children) continue;
      const children: Token[] = [];
      let autolink = false;
      for (const child of block.children) {
        if (child.type === 'link_open') autolink = child.markup === 'autolink';
        else if (child.type === 'link_close') autolink = false;
        if (!autolink || child.type !== 'text') {
          children.push(child);
          continue;
        }
        breakableParts(child.content).forEach((part, i) => {
          if (i > 0) {
            const wbr = new state.Token('html_inline', '', 0);
            wbr.content = '<wbr>';
            children.push(wbr);
          }
          const text = new state.Token('text', '', 0);
          text.content = part;
          children.push(text);
        });
      }
      block.children = children;
    }
  });
}
