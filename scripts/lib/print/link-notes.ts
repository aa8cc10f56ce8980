import type { Chapter } from '../book.ts';
import { escapeHtml } from '../html.ts';
import { DEFAULT_SERIES, numberInSeries } from '../markdown/note-series.ts';
import { noteRefPlaceholder, type NoteDefinition } from '../markdown/notes.ts';

/** Links a reader of paper cannot follow: to the web, a mail address, a file server. */
const EXTERNAL = /^(?:https?|ftp|mailto):/i;

const decode = (value: string): string => value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const textOf = (html: string): string => decode(html.replace(/<[^>]*>/g, '')).replace(/\u00ad/g, '').trim();
const addressOf = (href: string): string => decode(href).replace(/^mailto:/i, '');
const isExternal = (href: string): boolean => EXTERNAL.test(decode(href));

/**
 * A chapter for print with each outside link's address in a note of its own, after the link (Pandoc's
 * `links-as-notes`, book.yaml print.linksAsNotes): paper cannot be clicked. The notes are numbered with the
 * written ones in reading order. A link that shows its own address needs none; inside a note, where a note
 * cannot go, the address follows the link in parentheses. The EPUB and web edition keep their live links.
 */
export function withLinkNotes(chapter: Chapter): Chapter {
  const byNumber = new Map(chapter.notes.map((note) => [note.number, note]));
  const renumbered = new Map<number, number>();
  const notes: NoteDefinition[] = [];
  const links: { href: string; textStart: number }[] = [];
  let line = 0;
  const pattern = /<span data-note-ref="(\d+)"><\/span>|<a href="([^"]*)"[^>]*>|<\/a>|data-line="(\d+)"/g;
  const html = chapter.html.replace(pattern, (match, ref: string | undefined, href: string | undefined, dataLine: string | undefined, offset: number) => {
    if (dataLine !== undefined) {
      line = Number(dataLine);
      return match;
    }
    if (ref !== undefined) {
      const note = byNumber.get(Number(ref));
      if (!note) return match;
      let number = renumbered.get(note.number);
      if (number === undefined) {
        notes.push({ ...note, number: notes.length + 1, html: addressesInline(note.html) });
        renumbered.set(note.number, (number = notes.length));
      }
      return noteRefPlaceholder(number);
    }
    if (href !== undefined) {
      links.push({ href, textStart: offset + match.length });
      return match;
    }
    const link = links.pop();
    if (!link || !isExternal(link.href)) return match;
    const address = addressOf(link.href);
    if (textOf(chapter.html.slice(link.textStart, offset)) === address) return match;
    notes.push({ number: notes.length + 1, label: `link-${notes.length + 1}`, series: DEFAULT_SERIES, seriesNumber: 0, html: `<span class="note-para"><span class="url">${escapeHtml(address)}</span></span>`, line });
    return `${match}${noteRefPlaceholder(notes.length)}`;
  });
  return { ...chapter, html, notes: numberInSeries(notes) };
}

/** Inside a note, an outside link's address in parentheses after it. */
function addressesInline(html: string): string {
  return html.replace(/<a href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g, (match, href: string, text: string) => {
    const address = addressOf(href);
    if (!isExternal(href) || textOf(text) === address) return match;
    return `${match} (<span class="url">${escapeHtml(address)}</span>)`;
  });
}
