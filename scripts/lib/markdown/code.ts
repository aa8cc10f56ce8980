import type { MarkdownIt, Token } from 'markdown-it';

/**
 * Code, inline and in blocks. Code blocks (fenced and indented) with each source line in a `<span class="code-line">`, so a line too long
 * for the measure can wrap under itself with a continuation mark (the stylesheets), and the block carries its
 * source line like every other block. Each line keeps its newline, so the code reads and copies as written
 * where no stylesheet is read. The fence's language becomes `class="language-…"` on the `<code>`.
 */
export function code(md: MarkdownIt): void {
  const render = (tokens: Token[], idx: number): string => {
    const token = tokens[idx] as Token;
    const language = md.utils.unescapeAll(token.info ?? '').trim().split(/\s+/)[0] ?? '';
    const lines = token.content.replace(/\n$/, '').split('\n');
    const body = lines.map((line) => `<span class="code-line">${md.utils.escapeHtml(line)}\n</span>`).join('');
    if (token.map) token.attrSet('data-line', String(token.map[0] + 1));
    token.attrJoin('class', 'code');
    const code = language ? ` class="language-${md.utils.escapeHtml(language)}"` : '';
    return `<pre${md.renderer.renderAttrs(token)}><code${code}>${body}</code></pre>\n`;
  };
  md.renderer.rules.fence = render;
  md.renderer.rules.code_block = render;
  md.renderer.rules.code_inline = (tokens, idx) => {
    const token = tokens[idx] as Token;
    return `<code${md.renderer.renderAttrs(token)}>${breakableCode(token.content, md.utils.escapeHtml)}</code>`;
  };
}

/** Names longer than this get break opportunities. */
const LONG_NAME = 16;

/**
 * Inline code with a place to break (`<wbr>`) after each `_`, `.`, `/`, `\`, `:` or `,` inside a long name,
 * as a technical book breaks `a_long_identifier` or a path: otherwise a name longer than what is left of the
 * line goes to the next whole, and leaves a gappy line behind it. Short names never break.
 */
export function breakableCode(content: string, escape: (text: string) => string): string {
  return content
    .split(/(\s+)/)
    .map((part) => breakableParts(part).map(escape).join('<wbr>'))
    .join('');
}

/** A word cut where it may break: after each `_ . / \ : ,` followed by something else, if it is long. */
export function breakableParts(word: string): string[] {
  return word.length > LONG_NAME ? word.split(/(?<=[_./\\:,])(?=[^_./\\:,])/) : [word];
}
