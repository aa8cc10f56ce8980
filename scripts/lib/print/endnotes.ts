import type { Book, Chapter } from '../book.ts';
import { escapeHtml } from '../html.ts';
import { labelsFor } from '../language/labels.ts';
import { noteSeries, printedMarker, type NoteSeries } from '../markdown/note-series.ts';
import type { NoteDefinition } from '../markdown/notes.ts';

/** The id of the print book's section of endnotes (a unit of its own, in the back matter). */
export const ENDNOTES_ID = 'aantekeningen';

export const endnoteId = (chapter: Pick<Chapter, 'id'>, note: Pick<NoteDefinition, 'number'>): string => `${chapter.id}-en-${note.number}`;
export const endnoteCallId = (chapter: Pick<Chapter, 'id'>, note: Pick<NoteDefinition, 'number'>): string => `${chapter.id}-enref-${note.number}`;

/** Whether any note of the book is placed at the end (the book then has a section of endnotes). */
export function hasEndnotes(book: Pick<Book, 'config' | 'chapters'>): boolean {
  const atEnd = new Set(noteSeries(book.config).filter((s) => s.placement === 'end').map((s) => s.id));
  return book.chapters.some((c) => c.notes.some((n) => atEnd.has(n.series)));
}

/** Where a note of a series placed at the end is called: its marker, a link to the note in the endnotes. */
export function endnoteCall(chapter: Pick<Chapter, 'id'>, note: NoteDefinition, marker: string, series: string): string {
  return `<a class="endnote-call" id="${endnoteCallId(chapter, note)}" href="#${endnoteId(chapter, note)}" data-note-series="${series}">${marker}</a>`;
}

/**
 * The endnotes: the notes of every series placed at the end, gathered under a heading per chapter (its
 * number and title), each with its marker linking back to its call. `chapters` are the chapters as printed
 * (with print.linksAsNotes, their link notes too), `before` each one's notes counted before it per series.
 * Empty when no note is placed at the end. Its running heads say which text pages the notes on the page
 * belong to ("Aantekeningen bij blz. 12–19"): filled in after pagination from the pages the calls were printed
 * on (runtime/numbers.ts fillEndnoteHeads; the calls' ids are the unit's references, endnoteCallIds).
 */
export function endnotesHtml(book: Book, chapters: readonly Chapter[], before: readonly ReadonlyMap<string, number>[]): string {
  const series = new Map(noteSeries(book.config).map((s) => [s.id, s]));
  const atEnd = (note: NoteDefinition): NoteSeries | undefined => {
    const s = series.get(note.series);
    return s?.placement === 'end' ? s : undefined;
  };
  const labels = labelsFor(book.config.language, book.config.labels);
  const groups = chapters.flatMap((chapter, index) => {
    // In the order of their calls (the order of the chapter's notes), whatever their series.
    const notes = chapter.notes.filter(atEnd);
    if (notes.length === 0) return [];
    const title = chapter.number ? `${escapeHtml(chapter.number.label)}. ${chapter.title}` : chapter.title;
    const items = notes.map((note) => {
      const marker = escapeHtml(printedMarker(note, atEnd(note) as NoteSeries, before[index]));
      return `<p class="endnote" id="${endnoteId(chapter, note)}" data-note-series="${note.series}" data-line="${note.line}"><a class="endnote-back" href="#${endnoteCallId(chapter, note)}">${marker}</a> ${note.html}</p>`;
    });
    return [`<h2 id="${ENDNOTES_ID}-${chapter.id}" data-endnotes-of="${chapter.id}">${title}</h2>\n${items.join('\n')}`];
  });
  if (groups.length === 0) return '';
  return `<section class="chapter endnotes" id="${ENDNOTES_ID}" data-endnotes-pages="${escapeHtml(labels.endnotesPages)}">
<h1 id="${ENDNOTES_ID}-title">${escapeHtml(labels.endnotes)}</h1>
${groups.join('\n')}
</section>`;
}

/** The ids of the calls of the endnotes in the section's HTML: the pages the running heads name. */
export function endnoteCallIds(html: string): string[] {
  return Array.from(html.matchAll(/<a class="endnote-back" href="#([^"]+)">/g), (m) => m[1] as string);
}
