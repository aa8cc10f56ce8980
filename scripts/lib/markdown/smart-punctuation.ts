import type { MarkdownIt, StateCore, Token } from 'markdown-it';

export interface SmartPunctuationOptions {
  /** What straight quotes become: opening and closing double, then single (the book language's by default). */
  quotes: [string, string, string, string];
  /** Words written with an apostrophe in front, without it (`s` for `'s avonds`). */
  elisions: string[];
}

const APOSTROPHE = '\u2019';

/**
 * Pandoc's `smart` extension for authors who type plainly: straight quotes become the book language's
 * quotation marks (markdown-it's smartquotes, which pairs them), an apostrophe in a word or in front of an
 * elision (`'s avonds`, `'tis`, `'80`) becomes ’, `---` an em dash, `--` an en dash and `...` an ellipsis.
 * Code, URLs and what is escaped (`\"`) stay as typed; text already typed with curly quotes is not touched.
 * Unlike markdown-it's own replacements, `(c)`, `+-` and the like are left alone (Pandoc does too).
 */
export function smartPunctuation(md: MarkdownIt, options: SmartPunctuationOptions): void {
  md.options.typographer = true;
  md.options.quotes = options.quotes;
  md.disable('replacements');
  const elision = options.elisions.length > 0 ? `(?:${options.elisions.join('|')})(?![\\p{L}\\p{N}])|` : '';
  // An apostrophe at a word's start that is no quotation: an elision, or a year ('80, '90s).
  const leading = new RegExp(`(^|[^\\p{L}\\p{N}'’])'(?=${elision}\\d\\d(?:s)?(?![\\p{L}\\p{N}]))`, 'giu');

  md.core.ruler.before('smartquotes', 'smart_punctuation', (state: StateCore) => {
    for (const block of state.tokens) {
      if (block.type !== 'inline' || !block.children) continue;
      let inAutolink = 0;
      for (const child of block.children) {
        if (child.type === 'link_open' && child.info === 'auto') inAutolink++;
        else if (child.type === 'link_close' && inAutolink > 0) inAutolink--;
        else if (child.type === 'text' && inAutolink === 0) child.content = punctuate(child, leading);
      }
    }
  });
}

function punctuate(token: Token, leading: RegExp): string {
  return token.content
    .replace(leading, `$1${APOSTROPHE}`)
    .replace(/\.\.\./g, '…')
    .replace(/(^|[^-])---(?=[^-]|$)/gm, '$1\u2014')
    .replace(/(^|\s)--(?=\s|$)/gm, '$1\u2013')
    .replace(/(^|[^-\s])--(?=[^-\s]|$)/gm, '$1\u2013');
}
