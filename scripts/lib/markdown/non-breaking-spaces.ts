import type { MarkdownIt, StateCore } from 'markdown-it';

const NBSP = '\u00a0';

/** Units that follow a number (SI and the common ones), never a word of running text on their own. */
const UNITS = '% ‰ °C °F ° km/h km² km m² m³ cm mm µm nm m kg mg g ml cl dl l ha kWh kW MW GB MB kB'.split(' ');
/** Abbreviations that stand before a number: page, number, volume, chapter, figure, article, circa. */
const BEFORE_NUMBER = 'p pp blz nr no vol dl hfst fig afb art par ca c r'.split(' ');

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const NUMBER_UNIT = new RegExp(`(\\d) (${UNITS.map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'gu');
const ABBREVIATION_NUMBER = new RegExp(`(^|[^\\p{L}])(${BEFORE_NUMBER.join('|')})\\. (?=\\d)`, 'gu');
const SIGN_NUMBER = /(^|\s)([§€$£]) (?=\d)/g;

/**
 * No-break spaces where a line must not break, as Dutch (and any careful) typesetting wants them, in the
 * spaces the author typed: between a number and its unit or percent sign (`80 %`, `12 km`), after an
 * abbreviation that stands before a number (`p. 12`, `nr. 5`, `blz. 3`), after `§` or a currency sign
 * before an amount (`€ 10`). Only an ordinary space between the two is replaced: a number written against
 * its sign (`80%`) is left as it is, and code, URLs and citations are not text here.
 */
export function nonBreakingSpaces(md: MarkdownIt): void {
  md.core.ruler.push('non_breaking_spaces', (state: StateCore) => {
    for (const block of state.tokens) {
      if (block.type !== 'inline' || !block.children) continue;
      for (const child of block.children) {
        if (child.type !== 'text') continue;
        child.content = child.content
          .replace(NUMBER_UNIT, `$1${NBSP}$2`)
          .replace(ABBREVIATION_NUMBER, `$1$2.${NBSP}`)
          .replace(SIGN_NUMBER, `$1$2${NBSP}`);
      }
    }
  });
}
