import type { MarkdownIt, StateCore } from 'markdown-it';
import { diagnostic, type Diagnostic } from '../diagnostics.ts';

export interface RawHtmlOptions {
  file: string;
  source: string;
  diagnostics: Diagnostic[];
}

// CommonMark's raw HTML (spec 6.6): open and closing tags, comments, processing instructions, declarations, CDATA.
const ATTRIBUTE = `(?:\\s+[a-zA-Z_:][a-zA-Z0-9:._-]*(?:\\s*=\\s*(?:[^"'=<>\`\\x00-\\x20]+|'[^']*'|"[^"]*"))?)`;
const RAW_HTML = new RegExp(
  [
    `<[A-Za-z][A-Za-z0-9-]*${ATTRIBUTE}*\\s*/?>`,
    '</[A-Za-z][A-Za-z0-9-]*\\s*>',
    '<!---?>|<!--[\\s\\S]*?-->',
    '<\\?[\\s\\S]*?\\?>',
    '<![A-Za-z][^>]*>',
    '<!\\[CDATA\\[[\\s\\S]*?\\]\\]>',
  ].join('|'),
  'g',
);

/**
 * Raw HTML stays off (markdown-it's `html: false`): a book is Markdown, and HTML in it would reach print, EPUB
 * and web unchecked. Where a manuscript has it anyway, each tag or comment is left out of the book (its text
 * between tags stays) and reported as a warning at its line and column, so an author who meant it sees that
 * it is not rendered, and one who meant to show it writes it as code: one warning a paragraph, at its first tag. HTML typed with entities (`&lt;b&gt;`)
 * or in code is text, and stays.
 */
export function rawHtml(md: MarkdownIt, options: RawHtmlOptions): void {
  const lines = options.source.split('\n');
  md.core.ruler.before('smartquotes', 'raw_html', (state: StateCore) => {
    state.tokens.forEach((block, index) => {
      if (block.type !== 'inline' || !block.children) return;
      let from = { line: block.map ? block.map[0] : 0, column: 0 };
      const found: { tag: string; line: number; column: number }[] = [];
      for (const child of block.children) {
        if (child.type !== 'text' || !child.content.includes('<')) continue;
        child.content = child.content.replace(RAW_HTML, (tag: string) => {
          const at = locate(lines, tag, from);
          // Not in the source as typed: it came from entities, and is text.
          if (!at) return tag;
          from = { line: at.line - 1, column: at.column };
          found.push({ tag, ...at });
          return '';
        });
      }
      // One finding a paragraph, at its first tag: `<span>…</span>` is one mistake, not two.
      const first = found[0];
      if (first) {
        const tags = [...new Set(found.map((f) => describe(f.tag)))];
        const listed = tags.length > 3 ? `${tags.slice(0, 3).join(', ')} and ${tags.length - 3} more` : tags.join(', ');
        options.diagnostics.push(
          diagnostic('markdown/raw-html', { file: options.file, line: first.line, column: first.column }, `raw HTML is not rendered: ${listed} ${found.length > 1 ? 'are' : 'is'} left out of the book. Write it in Markdown, or in \`backticks\` to show it as code`),
        );
      }
      // A paragraph of nothing but HTML (a comment, a <div> line) leaves no empty paragraph behind.
      if (block.children.every((child) => child.type === 'softbreak' || (child.type === 'text' && child.content.trim() === ''))) {
        const open = state.tokens[index - 1];
        const close = state.tokens[index + 1];
        if (open?.type === 'paragraph_open' && close?.type === 'paragraph_close') {
          open.hidden = true;
          close.hidden = true;
          block.children = [];
        }
      }
    });
  });
}

/** The tag, shortened: a comment as `<!-- … -->`, a long tag cut. */
function describe(tag: string): string {
  if (tag.startsWith('<!--')) return 'the comment `<!-- … -->`';
  const flat = tag.replace(/\s+/g, ' ');
  return `\`${flat.length > 40 ? `${flat.slice(0, 37)}…>` : flat}\``;
}

/** Where `text` first stands in the source from `from` on (a tag may span lines: its first line is matched). */
function locate(lines: string[], text: string, from: { line: number; column: number }): { line: number; column: number } | undefined {
  const head = text.split('\n')[0] as string;
  for (let i = from.line; i < lines.length; i++) {
    const at = (lines[i] as string).indexOf(head, i === from.line ? from.column : 0);
    if (at >= 0) return { line: i + 1, column: at + 1 };
  }
  return undefined;
}

