import type { BookConfig } from './config/schema.ts';
import { escapeHtml } from './html.ts';

export interface ColophonEdition {
  version: string;
  date: Date;
  /** The print edition names its typeface; the e-book says it is one. */
  medium: 'print' | 'ebook';
}

/** The colophon's paragraphs, the same in every format but for the line about the medium. */
export function colophonParagraphs(c: BookConfig, { version, date, medium }: ColophonEdition): string[] {
  const day = date.toISOString().slice(0, 10);
  return [
    `<p><cite>${escapeHtml(c.title)}</cite>${c.subtitle ? `. ${escapeHtml(c.subtitle)}` : ''}</p>`,
    `<p>${escapeHtml(c.author)}</p>`,
    ...c.colophon.map((line) => `<p>${escapeHtml(line)}</p>`),
    c.rights ? `<p>${escapeHtml(c.rights)}</p>` : '',
    c.publisher ? `<p>Uitgegeven door ${escapeHtml(c.publisher)}</p>` : '',
    c.identifiers.isbn ? `<p>ISBN ${escapeHtml(c.identifiers.isbn)}</p>` : '',
    `<p>${escapeHtml(c.edition ?? 'Uitgave')}, versie ${escapeHtml(version)}, ${day}${medium === 'ebook' ? '; e-boek' : ''}</p>`,
    medium === 'print' ? `<p>Gezet uit de ${escapeHtml(c.print.fonts.body.family)}.</p>` : '',
  ].filter(Boolean);
}
