import type { RunningHeadsOverride } from '../book-structure.ts';
import type { BookConfig, RunningHead } from '../config/schema.ts';
import { escapeHtml } from '../html.ts';

/**
 * The running heads as book.yaml asks for them (`print.runningHeads`, a part's or a text's `runningHeads:`):
 * what the verso and the recto name. styles/print.css prints the strings `verso-head` and `recto-head`, which
 * each text sets in data attributes: on its <section> a head that holds for the whole text (the book's
 * title, the author, the part, the chapter's title), which Paged.js finds on each of its pages (a split
 * section is cloned onto every page it continues on); on its `#` and `##` headings one that changes with
 * them (`section`), carried on to the pages after as Paged.js carries a string.
 */
export interface RunningHeads {
  verso: RunningHead;
  recto: RunningHead;
}

/** A text with what its heads can name. */
export interface HeadedText {
  title: string;
  /** Who wrote it (its own author, else its part's). */
  author?: string;
  /** The title of the part it is in. */
  part?: string;
  /** Its headings, by id: a `section` head names the latest `#` or `##` heading. */
  headings?: readonly { level: number; id: string; text: string }[];
}

/** A text's heads: its own (book.yaml `contents:`), else its part's, else `print.runningHeads`. */
export function runningHeadsOf(config: Pick<BookConfig, 'print'>, own?: RunningHeadsOverride): RunningHeads {
  return { ...config.print.runningHeads, ...own };
}

/**
 * What a head names in one text: a name for the whole text, or undefined for `section` (its headings').
 * Without an author or a part, the book's title stands in: what a reader is in, one level up.
 */
function constantHead(head: RunningHead, text: HeadedText, bookTitle: string): string | undefined {
  switch (head) {
    case 'book':
      return bookTitle;
    case 'author':
      return text.author ?? bookTitle;
    case 'part':
      return text.part ?? bookTitle;
    case 'chapter':
      return text.title;
    case 'section':
      return undefined;
  }
}

/** `body` (a unit's HTML, its text's <section> first) with the data attributes its running heads are set from. */
export function withRunningHeads(body: string, text: HeadedText, heads: RunningHeads, bookTitle: string): string {
  const section: string[] = [];
  const sectioned: ('verso' | 'recto')[] = [];
  for (const side of ['verso', 'recto'] as const) {
    const name = constantHead(heads[side], text, bookTitle);
    if (name === undefined) sectioned.push(side);
    else section.push(` data-${side}-head="${escapeHtml(name)}"`);
  }
  let html = section.length ? body.replace(/^(\s*<section\b)/, `$1${section.join('')}`) : body;
  if (sectioned.length) {
    const titles = new Map((text.headings ?? []).filter((h) => h.level <= 2).map((h) => [h.id, h.text]));
    html = html.replace(/<(h[12])\b([^>]*)>([\s\S]*?)<\/\1>/g, (heading: string, tag: string, attributes: string, inner: string) => {
      const id = /\bid="([^"]*)"/.exec(attributes)?.[1];
      const title = (id !== undefined ? titles.get(id) : undefined) ?? plainText(inner);
      const added = sectioned.map((side) => ` data-${side}-head="${escapeHtml(title)}"`).join('');
      return `<${tag}${attributes}${added}>${inner}</${tag}>`;
    });
  }
  return html;
}

/** A heading's text from its HTML (one the manuscript's headings do not list: the sources', the index's). */
function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot);/gi, (_, entity: string) => {
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
      if (entity[0] !== '#') return named[entity.toLowerCase()] ?? '';
      return String.fromCodePoint(entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)));
    })
    .replace(/\s+/g, ' ')
    .trim();
}
