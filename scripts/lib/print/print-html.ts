import type { Book, Chapter } from '../book.ts';
import { colophonParagraphs } from '../colophon.ts';
import { escapeHtml } from '../html.ts';
import { rewriteLocalImages } from '../images.ts';
import { NOTE_REF_PATTERN } from '../markdown/notes.ts';
import { fontStylesheets, pageSetupCss } from './page-setup.ts';

export interface PrintHtmlOptions {
  /** Version and date printed in the colophon. */
  version: string;
  buildDate: Date;
}

/** One HTML document for Paged.js: front matter, then every chapter with its notes in place. */
export function printHtml(book: Book, options: PrintHtmlOptions): string {
  const body = `${frontMatterHtml(book, options)}\n${book.chapters.map(chapterHtml).join('\n')}\n${bibliographyHtml(book)}`;
  return printDocument(book, body, CONTENTS_BY_COUNTER);
}

/** In one document Paged.js itself knows where each chapter landed. */
const CONTENTS_BY_COUNTER = '.toc-entry::after { content: target-counter(attr(href), page); }\n';

/**
 * A Paged.js document around `body`. `css` comes after the page set-up (the parallel build starts a
 * chapter's note counter there); `data-note-numbering` tells the runtime whether notes restart per chapter.
 */
export function printDocument(book: Book, body: string, css = ''): string {
  const { config } = book;
  const fontLinks = fontStylesheets(config.print)
    .map((href) => `<link rel="stylesheet" href="${href}">`)
    .join('\n');
  return `<!doctype html>
<html lang="${escapeHtml(config.language)}">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>${escapeHtml(config.title)}</title>
<meta name="author" content="${escapeHtml(config.author)}">
${fontLinks}
<style>
${pageSetupCss(config.print)}${css}
</style>
<!-- The design comes after the page set-up: Paged.js re-emits merged @page rules per sheet, last one wins. -->
<link rel="stylesheet" href="/styles/print.css">
<script>window.PagedConfig = { auto: true, settings: { hyphenGlyph: '-' }, before: () => window.bookLineBreaks.run(), after: () => window.bookRuntime.finish() };</script>
<script src="/runtime/line-breaks.js"></script>
<script src="/pkg/pagedjs/dist/paged.polyfill.js"></script>
<script src="/runtime/paged-runtime.js"></script>
<script src="/runtime/keep-lines.js"></script>
<script src="/runtime/layout-probes.js"></script>
<script src="/runtime/parallel-runtime.js"></script>
</head>
<body data-note-numbering="${config.print.noteNumbering}">
${body}
</body>
</html>
`;
}

/** The contents entries: every chapter, and the list of sources when the book has one. */
function contentsEntries(book: Book): { id: string; title: string }[] {
  const entries = book.chapters.map((c) => ({ id: c.id, title: c.title }));
  if (book.bibliography) entries.push({ id: BIBLIOGRAPHY_ID, title: book.bibliography.title });
  return entries;
}

/**
 * The contents page, for a book of more than one chapter. Its page numbers sit in a fixed-width box, so they
 * never move the titles: a one-document build fills them with target-counter(), the parallel build after
 * pagination.
 */
export function contentsHtml(book: Book): string {
  if (book.chapters.length < 2) return '';
  const entries = contentsEntries(book)
    .map((c) => `<li><a class="toc-entry" href="#${c.id}"><span class="toc-title">${escapeHtml(c.title)}</span></a></li>`)
    .join('\n');
  return `<nav class="contents" data-front="contents">
<h2 class="contents-title">Inhoud</h2>
<ol>
${entries}
</ol>
</nav>`;
}

/** The front matter alone (half-title, title page, colophon and, for more than one chapter, contents). */
export function frontMatterHtml(book: Book, options: PrintHtmlOptions): string {
  return `${frontMatter(book, options)}\n${contentsHtml(book)}`;
}

function frontMatter(book: Book, { version, buildDate }: PrintHtmlOptions): string {
  const c = book.config;
  const subtitle = c.subtitle ? `<p class="subtitle">${escapeHtml(c.subtitle)}</p>` : '';
  const colophonLines = colophonParagraphs(c, { version, date: buildDate, medium: 'print' });
  return `<section class="half-title" data-front="half-title">
<p class="book-title">${escapeHtml(c.title)}</p>
</section>
<section class="title-page" data-front="title-page">
<p class="author">${escapeHtml(c.author)}</p>
<p class="book-title">${escapeHtml(c.title)}</p>
${subtitle}
${c.publisher ? `<p class="publisher">${escapeHtml(c.publisher)}</p>` : ''}
</section>
<section class="colophon" data-front="colophon">
${colophonLines.join('\n')}
</section>`;
}

export function chapterHtml(chapter: Chapter): string {
  const body = chapter.html.replace(NOTE_REF_PATTERN, (_, number: string) => {
    const note = chapter.notes.find((n) => n.number === Number(number));
    if (!note) return '';
    return `<span class="footnote" id="${chapter.id}-fn-${note.number}" data-note="${escapeHtml(note.label)}" data-line="${note.line}">${note.html}</span>`;
  });
  // Images are relative to the manuscript folder, which the print site serves at /manuscript/.
  const withImages = rewriteLocalImages(body, (src) => `/manuscript/${src}`);
  return `<section class="chapter" id="${chapter.id}" data-file="${escapeHtml(chapter.file)}">
${withImages}
</section>`;
}

export const BIBLIOGRAPHY_ID = 'bronnen';

/** The generated list of sources, as a last section that opens on a recto like a chapter. */
export function bibliographyHtml(book: Book): string {
  if (!book.bibliography) return '';
  return `<section class="chapter bibliography" id="${BIBLIOGRAPHY_ID}">
<h1 id="${BIBLIOGRAPHY_ID}-title">${escapeHtml(book.bibliography.title)}</h1>
${book.bibliography.html}
</section>`;
}
