import type { BookConfig } from './config/schema.ts';
import { authorNames, contributorLines, listOf } from './contributors.ts';
import { escapeHtml } from './html.ts';
import { fill, labelsFor } from './language/labels.ts';

export interface ColophonEdition {
  version: string;
  date: Date;
  /** The print edition names its typeface; the e-book says it is one. */
  medium: 'print' | 'ebook';
  /** The families the print edition is set in (the body font's alone unless code or fallbacks are used). */
  fonts?: string[];
}

/** The colophon's paragraphs, the same in every format but for the line about the medium. */
export function colophonParagraphs(c: BookConfig, { version, date, medium, fonts = [c.print.fonts.body.family] }: ColophonEdition): string[] {
  const day = date.toISOString().slice(0, 10);
  const labels = labelsFor(c.language, c.labels);
  return [
    `<p><cite>${escapeHtml(c.title)}</cite>${c.subtitle ? `. ${escapeHtml(c.subtitle)}` : ''}</p>`,
    authorNames(c) ? `<p>${escapeHtml(authorNames(c))}</p>` : '',
    ...contributorLines(c).map((line) => `<p>${escapeHtml(line)}</p>`),
    ...c.colophon.map((line) => `<p>${escapeHtml(line)}</p>`),
    c.rights ? `<p>${escapeHtml(c.rights)}</p>` : '',
    c.publisher ? `<p>${escapeHtml(fill(labels.publishedBy, { publisher: c.publisher }))}</p>` : '',
    c.identifiers.isbn ? `<p>ISBN ${escapeHtml(c.identifiers.isbn)}</p>` : '',
    `<p>${escapeHtml(c.edition ?? labels.edition)}, ${escapeHtml(labels.version)} ${escapeHtml(version)}, ${day}${medium === 'ebook' ? `; ${escapeHtml(labels.ebook)}` : ''}</p>`,
    medium === 'print' ? `<p>${escapeHtml(fill(labels.setIn, { fonts: listOf(fonts, labels.and) }))}</p>` : '',
  ].filter(Boolean);
}

export { listOf };
