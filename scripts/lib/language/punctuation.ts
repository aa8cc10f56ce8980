/** How a language marks quotations and elisions: what plainly typed quotes become (markdown/smart-punctuation.ts). */
export interface Punctuation {
  /** Opening and closing double quote, then opening and closing single (the quotation inside a quotation). */
  quotes: [string, string, string, string];
  /** Words written with an apostrophe in front (`'s avonds`, `'tis`): never the opening of a quotation. */
  elisions: string[];
}

const CURLY: Punctuation['quotes'] = ['“', '”', '‘', '’'];
const NNBSP = '\u202f';

/**
 * By language (BCP 47, the most specific tag first): Dutch as this book has it (“ ” outside, ‘ ’ inside, the
 * Taalunie's other choice being the reverse), English (US; en-GB the reverse), German, French with narrow
 * no-break spaces inside its guillemets, and the other common ones. An unknown language gets the English marks.
 */
const BY_LANGUAGE: Record<string, Punctuation> = {
  nl: { quotes: CURLY, elisions: ['s', 't', 'n', 'k', 'm', 'r'] },
  en: { quotes: CURLY, elisions: ['em', 'tis', 'twas', 'cause', 'til', 'n'] },
  'en-gb': { quotes: ['‘', '’', '“', '”'], elisions: ['em', 'tis', 'twas', 'cause', 'til', 'n'] },
  de: { quotes: ['„', '“', '‚', '‘'], elisions: ['s', 'n', 'ne', 'nen'] },
  'de-ch': { quotes: ['«', '»', '‹', '›'], elisions: ['s', 'n'] },
  fr: { quotes: [`«${NNBSP}`, `${NNBSP}»`, '“', '”'], elisions: [] },
  es: { quotes: ['«', '»', '“', '”'], elisions: [] },
  it: { quotes: ['«', '»', '“', '”'], elisions: [] },
  pt: { quotes: ['«', '»', '“', '”'], elisions: [] },
  sv: { quotes: ['”', '”', '’', '’'], elisions: [] },
  da: { quotes: ['»', '«', '›', '‹'], elisions: [] },
  nb: { quotes: ['«', '»', '‘', '’'], elisions: [] },
  pl: { quotes: ['„', '”', '«', '»'], elisions: [] },
  cs: { quotes: ['„', '“', '‚', '‘'], elisions: [] },
  ru: { quotes: ['«', '»', '„', '“'], elisions: [] },
};

export function punctuationFor(language: string): Punctuation {
  const parts = language.toLowerCase().split('-');
  for (let n = parts.length; n > 0; n--) {
    const found = BY_LANGUAGE[parts.slice(0, n).join('-')];
    if (found) return found;
  }
  return BY_LANGUAGE.en as Punctuation;
}
