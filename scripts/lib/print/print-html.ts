import type { Book, Chapter } from '../book.ts';
import { escapeHtml } from '../html.ts';
import { NOTE_REF_PATTERN } from '../markdown/notes.ts';
import { fontStylesheets, pageSetupCss } from './page-setup.ts';

export interface PrintHtmlOptions {
  /** Version and date printed in the colophon. */
  version: string;
  buildDate: Date;
}

/** One HTML document for Paged.js: front matter, then every chapter with its notes in place. */
export function printHtml(book: Book, options: PrintHtmlOptions): string {
  const contents = book.chapters.length > 1 ? contentsHtml(book) : '';
  const body = `${frontMatter(book, options)}\n${contents}\n${book.chapters.map(chapterHtml).join('\n')}`;
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
<script>window.PagedConfig = { auto: true, settings: { hyphenGlyph: '-' }, after: () => window.bookRuntime.finish() };</script>
<script src="/pkg/pagedjs/dist/paged.polyfill.js"></script>
<script src="/runtime/paged-runtime.js"></script>
<script src="/runtime/parallel-runtime.js"></script>
</head>
<body data-note-numbering="${config.print.noteNumbering}">
${body}
</body>
</html>
`;
}

/**
 * The contents page: one entry per chapter. Its page numbers sit in a fixed-width box, so they never move
 * the titles: a one-document build fills them with target-counter(), the parallel build after pagination.
 */
export function contentsHtml(book: Book): string {
  const entries = book.chapters
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
  return `${frontMatter(book, options)}\n${book.chapters.length > 1 ? contentsHtml(book) : ''}`;
}

function frontMatter(book: Book, { version, buildDate }: PrintHtmlOptions): string {
  const c = book.config;
  const subtitle = c.subtitle ? `<p class="subtitle">${escapeHtml(c.subtitle)}</p>` : '';
  const date = buildDate.toISOString().slice(0, 10);
  const colophonLines = [
    `<p><em>${escapeHtml(c.title)}</em>${c.subtitle ? `. ${escapeHtml(c.subtitle)}` : ''}</p>`,
    `<p>${escapeHtml(c.author)}</p>`,
    ...c.colophon.map((line) => `<p>${escapeHtml(line)}</p>`),
    c.rights ? `<p>${escapeHtml(c.rights)}</p>` : '',
    c.publisher ? `<p>Uitgegeven door ${escapeHtml(c.publisher)}</p>` : '',
    c.identifiers.isbn ? `<p>ISBN ${escapeHtml(c.identifiers.isbn)}</p>` : '',
    `<p>${escapeHtml(c.edition ?? 'Uitgave')}, versie ${escapeHtml(version)}, ${date}</p>`,
    `<p>Gezet uit de ${escapeHtml(c.print.fonts.body.family)}.</p>`,
  ].filter(Boolean);
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
  return `<section class="chapter" id="${chapter.id}" data-file="${escapeHtml(chapter.file)}">
${body}
</section>`;
}
