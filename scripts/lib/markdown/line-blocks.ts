import type { MarkdownIt, StateBlock } from 'markdown-it';

const NBSP = '\u00a0';

/**
 * Pandoc's line blocks, for verse and addresses: lines that begin with `| ` keep their line breaks and their
 * leading spaces; a line that begins with a space continues the one before; `|` alone is an empty line.
 * Inline Markdown (emphasis, notes) works in them, block Markdown does not. Like Pandoc, a line block needs a
 * blank line before it (it does not interrupt a paragraph), and a table (tried first) wins over it.
 *
 *     | The limerick packs laughs anatomical
 *     | Into space that is quite economical.
 *
 * Renders as `<div class="line-block">` holding one `<span class="line">` per line, each followed by a
 * `<br>` so that the lines stay apart where no stylesheet is read (the stylesheets set each line as a block
 * and hide the `<br>`).
 */
export function lineBlocks(md: MarkdownIt): void {
  md.block.ruler.before('paragraph', 'line_block', (state: StateBlock, startLine: number, endLine: number, silent: boolean) => {
    if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
    const text = (line: number): string => state.src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]);
    const isLine = (value: string): boolean => value === '|' || value.startsWith('| ');
    if (!isLine(text(startLine))) return false;
    if (silent) return true;
    const lines: { text: string; line: number }[] = [];
    let next = startLine;
    for (; next < endLine; next++) {
      const value = text(next);
      if (state.sCount[next]! < state.blkIndent || value.trim() === '') break;
      if (state.sCount[next] === state.blkIndent && isLine(value)) {
        const content = value.slice(2);
        // Leading spaces are kept, as no-break spaces (a browser would collapse them).
        lines.push({ text: content.replace(/^ +/, (spaces) => NBSP.repeat(spaces.length)).trimEnd(), line: next });
      } else if (state.sCount[next]! > state.blkIndent && lines.length > 0) {
        const last = lines[lines.length - 1]!;
        last.text = `${last.text} ${value.trim()}`;
      } else break;
    }
    const open = state.push('line_block_open', 'div', 1);
    open.attrSet('class', 'line-block');
    open.map = [startLine, next];
    open.block = true;
    for (const line of lines) {
      const lineOpen = state.push('line_open', 'span', 1);
      lineOpen.attrSet('class', 'line');
      const inline = state.push('inline', '', 0);
      inline.content = line.text;
      inline.map = [line.line, line.line + 1];
      inline.children = [];
      state.push('line_close', 'span', -1);
    }
    state.push('line_block_close', 'div', -1).block = true;
    state.line = next;
    return true;
  });

  md.renderer.rules.line_close = () => '</span><br>\n';
}
