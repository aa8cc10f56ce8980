import type { MarkdownIt } from 'markdown-it';
import type { Token } from 'markdown-it';
import { hyphenatorFor, type Hyphenator } from '../language/hyphenation-patterns.ts';

export const SOFT_HYPHEN = '\u00ad';

export interface HyphenationOptions {
  /** The book's language (BCP 47): whose TeX patterns break its words. */
  language: string;
  leftmin: number;
  rightmin: number;
  minWordLength: number;
}

const WORD = /\p{L}[\p{L}\p{M}’']*/gu;

/** Inserts soft hyphens from the TeX patterns of the book's language, keeping `leftmin` letters before and
 * `rightmin` after every break. Chromium cannot hyphenate offline, so the pipeline does it. A language the
 * `hyphen` package has no patterns for is left unhyphenated. */
export function hyphenateText(text: string, options: HyphenationOptions): string {
  const hyphenator = hyphenatorFor(options.language);
  if (!hyphenator) return text;
  // A text read again (the preview's or a watching build's next save of a chapter: all of it but the edit) is
  // looked up whole, not word by word.
  const setting = `${options.language}/${options.leftmin}/${options.rightmin}/${options.minWordLength}`;
  let texts = hyphenatedTexts.get(setting);
  if (!texts) hyphenatedTexts.set(setting, (texts = new Map()));
  const known = texts.get(text);
  if (known !== undefined) return known;
  if (texts.size >= KEPT_TEXTS) texts.clear();
  const hyphenated = text.replace(WORD, (word) => {
    if (word.length < options.minWordLength) return word;
    // Words repeat through a book: the patterns run once per word and setting.
    const key = `${setting}/${word}`;
    let hyphenated = hyphenatedWords.get(key);
    if (hyphenated === undefined) hyphenatedWords.set(key, (hyphenated = hyphenateWord(hyphenator, word, options)));
    return hyphenated;
  });
  texts.set(text, hyphenated);
  return hyphenated;
}

const hyphenatedWords = new Map<string, string>();
/** Texts hyphenated, by setting; emptied when it holds `KEPT_TEXTS` (the book has 56, of ~600 characters each). */
const hyphenatedTexts = new Map<string, Map<string, string>>();
const KEPT_TEXTS = 20_000;

function hyphenateWord(hyphenator: Hyphenator, word: string, options: HyphenationOptions): string {
  const parts = hyphenator.hyphenateSync(word, { hyphenChar: SOFT_HYPHEN, minWordLength: options.minWordLength }).split(SOFT_HYPHEN);
  let out = parts[0] ?? '';
  let done = out.length;
  for (const part of parts.slice(1)) {
    const breakHere = done >= options.leftmin && word.length - done >= options.rightmin;
    out += (breakHere ? SOFT_HYPHEN : '') + part;
    done += part.length;
  }
  return out;
}

/** markdown-it plugin: hyphenates running text, never headings, nor verse (line blocks keep their lines). */
export function hyphenation(md: MarkdownIt, options: HyphenationOptions): void {
  md.core.ruler.push('hyphenation', (state) => {
    let unbroken = 0;
    for (const token of state.tokens) {
      if (token.type === 'heading_open' || token.type === 'line_block_open') unbroken++;
      else if (token.type === 'heading_close' || token.type === 'line_block_close') unbroken--;
      else if (token.type === 'inline' && unbroken === 0 && token.children) hyphenateChildren(token.children, options);
    }
  });
}

function hyphenateChildren(children: Token[], options: HyphenationOptions): void {
  let inLink = 0;
  for (const child of children) {
    if (child.type === 'link_open') inLink++;
    else if (child.type === 'link_close') inLink--;
    else if (child.type === 'text' && inLink === 0) child.content = hyphenateText(child.content, options);
  }
}
