import { findCitations, maskCode } from '../citations/syntax.ts';
import { diagnostic, positionOf, type Diagnostic } from '../diagnostics.ts';
import type { RuleId } from '../rules.ts';
import { punctuationFor } from '../language/punctuation.ts';
import type { Check } from './check.ts';

/** Quotations of at least this many words want a source. */
export const UNSOURCED_MIN_WORDS = 8;

/**
 * Curly quotes per paragraph: balanced, nested the Dutch way, and long quotations sourced. The rules are those
 * of “ ” outside and ‘ ’ inside (Dutch, American English); a book whose language or typography.quotes marks
 * quotations otherwise (British ‘ ’ outside, German „ “) is not held to them.
 */
export const quotesCheck: Check = {
  name: 'quotes',
  needs: [],
  async run({ book }) {
    const quotes = book.config.typography.quotes ?? punctuationFor(book.config.language).quotes;
    if (quotes.join('') !== '“”‘’') return [];
    return book.chapters.flatMap((chapter) => quoteDiagnostics(chapter.file, chapter.source));
  },
};

interface Block {
  start: number;
  end: number;
  /** A footnote definition is itself a note: its quotations are sourced by being there. */
  isNote: boolean;
}

/** Paragraphs, list items, headings and footnote definitions of a Markdown text, as offset ranges. */
function blocks(text: string): Block[] {
  const result: Block[] = [];
  let current: Block | undefined;
  let offset = 0;
  for (const line of text.split('\n')) {
    const startsBlock = /^\s*$/.test(line) || /^(\[\^[^\]]+\]:|#{1,6}\s|\s{0,3}([-*+]|\d+[.)])\s)/.test(line);
    if (startsBlock && current) {
      result.push(current);
      current = undefined;
    }
    if (!/^\s*$/.test(line)) {
      current ??= { start: offset, end: offset, isNote: /^\[\^[^\]]+\]:/.test(line) };
      current.end = offset + line.length;
    }
    offset += line.length + 1;
  }
  if (current) result.push(current);
  return result;
}

const LETTER = /[\p{L}\p{N}]/u;
const QUOTE_MARKS = /[“‘”’]/g;

export function quoteDiagnostics(file: string, source: string): Diagnostic[] {
  const text = maskCode(source);
  const found: Diagnostic[] = [];
  const report = (rule: RuleId, offset: number, message: string): void => {
    const { line, column } = positionOf(source, offset);
    found.push(diagnostic(rule, { file, line, column }, message));
  };
  const describe = (offset: number): string => {
    const { line, column } = positionOf(source, offset);
    return `line ${line}, column ${column}`;
  };
  for (const block of blocks(text)) {
    const stack: { mark: '“' | '‘'; offset: number }[] = [];
    const closed: { open: number; close: number }[] = [];
    // Only the quotation marks matter: found by a search, not a look at every character of the book.
    QUOTE_MARKS.lastIndex = block.start;
    for (let mark = QUOTE_MARKS.exec(text); mark && mark.index < block.end; mark = QUOTE_MARKS.exec(text)) {
      const i = mark.index;
      const c = mark[0];
      const top = stack[stack.length - 1];
      if (c === '“') {
        if (top?.mark === '“') report('quotes/wrong-nesting', i, `“ opens a quotation inside the quotation opened at ${describe(top.offset)}; use ‘ ’ inside “ ”`);
        else if (top?.mark === '‘') report('quotes/wrong-nesting', i, `“ opens inside the ‘ quotation opened at ${describe(top.offset)}; “ ” go outside, ‘ ’ inside`);
        stack.push({ mark: '“', offset: i });
      } else if (c === '‘') {
        if (top?.mark === '‘') report('quotes/wrong-nesting', i, `‘ opens inside the ‘ quotation opened at ${describe(top.offset)}; use “ ” outside, ‘ ’ inside`);
        stack.push({ mark: '‘', offset: i });
      } else if (c === '”') {
        if (top?.mark === '‘') {
          report('quotes/unbalanced', top.offset, `‘ opened here is not closed before the ” at ${describe(i)}`);
          stack.pop();
        }
        const open = stack[stack.length - 1];
        if (open?.mark === '“') {
          stack.pop();
          closed.push({ open: open.offset, close: i });
        } else report('quotes/unbalanced', i, '” closes a quotation that was never opened in this paragraph');
      } else if (c === '’') {
        const before = text[i - 1] ?? '';
        const after = text[i + 1] ?? '';
        // An apostrophe (Trotski’s, massa’s, ’t) is the same character as a closing single quote.
        const inWord = LETTER.test(before) && LETTER.test(after);
        if (inWord) continue;
        if (top?.mark === '‘') stack.pop();
        else if (LETTER.test(after) || LETTER.test(before)) continue;
        else report('quotes/unbalanced', i, '’ closes a quotation that was never opened in this paragraph');
      }
    }
    for (const open of stack) {
      report('quotes/unbalanced', open.offset, `${open.mark} opened here is never closed in its paragraph`);
    }
    if (block.isNote) continue;
    const paragraph = text.slice(block.start, block.end);
    const sourced = /\[\^[^\]\s]+\]/.test(paragraph) || findCitations(paragraph).length > 0;
    if (sourced) continue;
    for (const { open, close } of closed) {
      const words = text.slice(open + 1, close).split(/\s+/).filter((w) => LETTER.test(w)).length;
      if (words >= UNSOURCED_MIN_WORDS) {
        report('quotes/unsourced-quotation', open, `unsourced quotation: ${words} words with no citation or note in the paragraph`);
      }
    }
  }
  return found;
}
