import type { Book, Chapter, Part } from '../book.ts';
import { chapterOpening, withChapterOpening, type ChapterOpening } from '../book-structure.ts';
import { colophonParagraphs } from '../colophon.ts';
import { authorNames, contributorLines } from '../contributors.ts';
import { escapeHtml } from '../html.ts';
import { labelsFor } from '../language/labels.ts';
import { figureLabelHtml, imageClassAttribute, imageTextAttributes, placeImages, type BookImage } from '../images.ts';
import type { BookConfig } from '../config/schema.ts';
import { figureReserve, printedWidth, textBlock } from './image-layout.ts';
import { NOTE_REF_PATTERN } from '../markdown/notes.ts';
import { printedMarker, seriesOf } from '../markdown/note-series.ts';
import { ENDNOTES_ID, endnoteCall, hasEndnotes } from './endnotes.ts';
import { bookFonts } from '../fonts/book-fonts.ts';
import { fontStylesheets } from '../fonts/font-css.ts';
import { pageSetupCss } from './page-setup.ts';
import { INDEX_ID } from '../book-index/book-index.ts';
import type { RuntimeOptions } from './runtime/contract.ts';

/** Where a print document loads the page runtime from (the build and the preview serve it there). */
export const RUNTIME_PATH = '/runtime/book.js';

/** Where a print document loads Paged.js from (page-bundles.ts makes the script, the build and the preview serve it). */
export const PAGEDJS_PATH = '/runtime/paged.js';

/**
 * Starts every font face the style sheets declare loading, from the head: a script there runs once the style
 * sheets before it are in, while Paged.js is still on its way, and the faces then come beside it instead of
 * after it (the line breaker waits for all of them; Paged.js loads any face nothing asked for before its first
 * page).
 */
const LOAD_FACES_SCRIPT = "for (const face of document.fonts) if (face.status === 'unloaded') face.load().catch(() => undefined);";

export interface PrintHtmlOptions {
  /** Version and date printed in the colophon. */
  version: string;
  buildDate: Date;
}

/** A Paged.js document around `body`; `finishing` as the runtime takes it (contract.ts RuntimeOptions). */
export function printDocument(book: Book, body: string, finishing: RuntimeOptions['finishing'] = 'print'): string {
  const { config } = book;
  const fonts = bookFonts(book);
  const fontLinks = fonts.families
    .flatMap(fontStylesheets)
    .map((href) => `<link rel="stylesheet" href="${href}">`)
    .join('\n');
  return `<!doctype html>
<html lang="${escapeHtml(config.language)}">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>${escapeHtml(config.title)}</title>
<meta name="author" content="${escapeHtml(authorNames(config))}">
${fontLinks}
<style>
${pageSetupCss(config.print, fonts)}
</style>
<!-- The design comes after the page set-up: Paged.js re-emits merged @page rules per sheet, last one wins. -->
<link rel="stylesheet" href="/styles/print.css">
<script>window.PagedConfig = { auto: true, settings: { hyphenGlyph: '-' } };${finishing === 'print' ? '' : ` window.bookRuntimeOptions = { finishing: '${finishing}' };`} ${LOAD_FACES_SCRIPT}</script>
<script src="${PAGEDJS_PATH}"></script>
<script src="${RUNTIME_PATH}"></script>
</head>
<body>
${body}
</body>
</html>
`;
}

interface ContentsLine {
  id: string;
  title: string;
  number?: string;
  author?: string;
  /** A part's chapters. */
  children?: ContentsLine[];
}

/** The contents entries: every chapter (within its part), the endnotes and the list of sources when the book has them. */
function contentsEntries(book: Book): ContentsLine[] {
  const entries: ContentsLine[] = [];
  book.chapters.forEach((c, index) => {
    const opening = chapterOpening(c, (book.parts ?? []));
    const line: ContentsLine = { id: c.id, title: c.title, ...(c.number ? { number: c.number.number } : {}), ...(opening.author ? { author: opening.author } : {}) };
    const part = c.part !== undefined ? (book.parts ?? [])[c.part] : undefined;
    if (!part) entries.push(line);
    else if (part.chapters[0] === index) entries.push({ id: part.id, title: part.title, ...(part.number ? { number: part.number.label } : {}), ...(part.author ? { author: part.author } : {}), children: [line] });
    else entries.at(-1)?.children?.push(line);
  });
  if (hasEndnotes(book)) entries.push({ id: ENDNOTES_ID, title: labelsFor(book.config.language, book.config.labels).endnotes });
  if (book.bibliography) entries.push({ id: BIBLIOGRAPHY_ID, title: book.bibliography.title });
  if (book.index) entries.push({ id: INDEX_ID, title: book.index.title });
  return entries;
}

function contentsLineHtml(line: ContentsLine): string {
  const number = line.number ? `<span class="toc-number">${escapeHtml(line.number)}</span> ` : '';
  const author = line.author ? `<span class="toc-author">${escapeHtml(line.author)}</span>` : '';
  const entry = `<a class="toc-entry" href="#${line.id}"><span class="toc-title">${number}${escapeHtml(line.title)}${author}</span></a>`;
  if (!line.children) return `<li>${entry}</li>`;
  return `<li class="toc-part">${entry}\n<ol>\n${line.children.map(contentsLineHtml).join('\n')}\n</ol></li>`;
}

/**
 * The contents page, for a book of more than one chapter. Its page numbers sit in a fixed-width box, so they
 * never move the titles: they are filled in after pagination (runtime/numbers.ts fillContents).
 */
export function contentsHtml(book: Book): string {
  if (book.chapters.length < 2) return '';
  const entries = contentsEntries(book).map(contentsLineHtml).join('\n');
  return `<nav class="contents" data-front="contents">
<h2 class="contents-title">${escapeHtml(labelsFor(book.config.language, book.config.labels).contents)}</h2>
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
  const colophonLines = colophonParagraphs(c, { version, date: buildDate, medium: 'print', fonts: bookFonts(book).families.map((f) => f.family) });
  return `<section class="half-title" data-front="half-title">
<p class="book-title">${escapeHtml(c.title)}</p>
</section>
<section class="title-page" data-front="title-page">
${authorNames(c) ? `<p class="author">${escapeHtml(authorNames(c))}</p>\n` : ''}<p class="book-title">${escapeHtml(c.title)}</p>
${subtitle}
${contributorLines(c).length ? `<div class="contributors">\n${contributorLines(c).map((line) => `<p class="contributor">${escapeHtml(line)}</p>\n`).join('')}</div>\n` : ''}${c.publisher ? `<p class="publisher">${escapeHtml(c.publisher)}</p>` : ''}
</section>
<section class="colophon" data-front="colophon">
${colophonLines.join('\n')}
</section>`;
}

/**
 * A chapter's HTML with each note in place of its call. The note carries the marker it prints (its number in
 * its series, `notesBefore` of that series added, in the series' style), so calls and notes are numbered
 * without CSS counters: a counter makes every insertion of a call or note walk the whole document, and pages
 * laid out earlier are set aside while the rest is laid out (runtime/finished-pages.ts), which a counter would
 * see as missing. A note of a series placed at the end leaves a call that links to it (endnotes.ts).
 */
export function chapterHtml(chapter: Chapter, notesBefore: ReadonlyMap<string, number>, config: Pick<BookConfig, 'print' | 'language' | 'figures' | 'notes'>, opening: ChapterOpening = {}): string {
  const block = textBlock(config.print);
  const reserve = figureReserve(config.print);
  // A note's image at most half the text block high: the note then fits the foot of a page with its call's
  // line and text above it. A taller one would leave Paged.js a note it cannot place (lost-text.ts).
  const noteBlock = { width: block.width, height: block.height / 2 };
  const body = withChapterOpening(chapter.html, opening, escapeHtml).replace(NOTE_REF_PATTERN, (_, number: string) => {
    const note = chapter.notes.find((n) => n.number === Number(number));
    if (!note) return '';
    const series = seriesOf(config, note.series);
    const marker = escapeHtml(printedMarker(note, series, notesBefore));
    const seriesAttributes = series.rank ? ` data-note-series="${series.id}" data-note-rank="${series.rank}"` : '';
    if (series.placement === 'end') return endnoteCall(chapter, note, marker, series.id);
    const html = placeImages(note.html, chapter.images, (image) => printImage(image, noteBlock, 0), (image) => figureLabelHtml(config, image));
    return `<span class="footnote" id="${chapter.id}-fn-${note.number}" data-note="${escapeHtml(note.label)}" data-note-number="${marker}"${seriesAttributes} data-line="${note.line}" data-file="${escapeHtml(chapter.file)}">${html}</span>`;
  });
  const withImages = placeImages(body, chapter.images, (image) => printImage(image, block, image.figure ? reserve : 0), (image) => figureLabelHtml(config, image));
  const kind = chapter.kind === 'chapter' ? '' : ` ${chapter.kind}`;
  return `<section class="chapter${kind}" id="${chapter.id}" data-file="${escapeHtml(chapter.file)}">
${withImages}
</section>`;
}

/**
 * An image at its printed size (image-layout.ts), from the manuscript folder the print site serves at
 * /manuscript/. Its pixels are its width and height attributes (the ratio, and what the layout check reads
 * for its resolution); the style sets its width, never wider than the box it is in.
 */
function printImage(image: BookImage, block: { width: number; height: number }, reserve: number): string {
  // Whole CSS pixels: Chromium snaps an image's box to them, and a rounded-up height would print it below 300 ppi.
  const width = Math.floor(printedWidth(image, block, reserve) / 0.75) * 0.75;
  const src = `/manuscript/${image.relative.split('/').map(encodeURIComponent).join('/')}`;
  return `<img src="${src}" ${imageTextAttributes(image)} width="${image.pixels.width}" height="${image.pixels.height}" style="width: ${width.toFixed(2)}pt"${imageClassAttribute(image)}>`;
}

/** A part's title page, on a recto of its own: "Deel I", the title, the part's author. */
export function partHtml(part: Part): string {
  return `<section class="chapter part" id="${part.id}">
${part.number ? `<p class="part-label">${escapeHtml(part.number.label)}</p>\n` : ''}<h1 id="${part.id}-title">${escapeHtml(part.title)}</h1>
${part.author ? `<p class="part-author">${escapeHtml(part.author)}</p>\n` : ''}</section>`;
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
