import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Book } from '../book.ts';
import { loadBook } from '../book.ts';
import type { FontConfig } from '../config/schema.ts';
import { authorNames } from '../contributors.ts';
import { escapeHtml } from '../html.ts';
import { NOTE_REF_PATTERN } from '../markdown/notes.ts';
import { packageDir } from '../paths.ts';

/**
 * The bench's first yardstick: the manuscript as the leanest fair Paged.js setup would print it. The text is
 * the book model's (markdown-it, the same notes and citations, the same soft hyphens from the same patterns),
 * each note a `float: footnote` span where it is called, the fonts of book.yaml from their @fontsource
 * packages as local files, the page size, margins and type size of book.yaml, and plain CSS: running heads,
 * folios, chapters on a recto, a contents list by `target-counter()`. No line breaker, no layout probes, no
 * runtime of ours: what pagedjs-cli does alone.
 */
export function plainBookHtml(book: Book): string {
  const { config } = book;
  const chapters = book.chapters.map((chapter) => {
    const body = chapter.html.replace(NOTE_REF_PATTERN, (_, number: string) => {
      const note = chapter.notes.find((n) => n.number === Number(number));
      return note ? `<span class="footnote">${note.html}</span>` : '';
    });
    return `<section class="chapter" id="${chapter.id}">\n${withoutSourceLines(body)}\n</section>`;
  });
  const bibliography = book.bibliography
    ? `<section class="chapter" id="bibliography">\n<h1>${escapeHtml(book.bibliography.title)}</h1>\n${withoutSourceLines(book.bibliography.html)}\n</section>`
    : '';
  const contentsEntries = [...book.chapters.map((c) => ({ id: c.id, title: c.title })), ...(book.bibliography ? [{ id: 'bibliography', title: book.bibliography.title }] : [])];
  const contents =
    book.chapters.length > 1
      ? `<nav class="contents">\n<h2>Inhoud</h2>\n<ol>\n${contentsEntries.map((e) => `<li><a href="#${e.id}">${escapeHtml(e.title)}</a></li>`).join('\n')}\n</ol>\n</nav>`
      : '';
  const fontLinks = bookFontList(book)
    .flatMap(fontStylesheetFiles)
    .map((file) => `<link rel="stylesheet" href="${pathToFileURL(file).href}">`)
    .join('\n');
  return `<!doctype html>
<html lang="${escapeHtml(config.language)}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(config.title)}</title>
${fontLinks}
<style>
${plainCss(book)}
</style>
</head>
<body>
<section class="title-page">
<p class="author">${escapeHtml(authorNames(config))}</p>
<h1 class="book-title">${escapeHtml(config.title)}</h1>
${config.subtitle ? `<p class="subtitle">${escapeHtml(config.subtitle)}</p>` : ''}
</section>
${contents}
${chapters.join('\n')}
${bibliography}
</body>
</html>
`;
}

/** The text's font, the fonts for what it lacks, and the code font (loaded only where code is). */
function bookFontList(book: Book): FontConfig[] {
  const { fonts } = book.config.print;
  return [fonts.body, ...fonts.fallback, fonts.mono];
}

/** The stylesheets of an @fontsource package for the weights and styles book.yaml names, as local files. */
function fontStylesheetFiles(font: FontConfig): string[] {
  const dir = packageDir(font.package);
  return font.weights.flatMap((w) => [path.join(dir, `${w}.css`), ...(font.italic ? [path.join(dir, `${w}-italic.css`)] : [])]);
}

/** The source-line marks of the pipeline (`data-line`) are for its checks; a plain document has none. */
function withoutSourceLines(html: string): string {
  return html.replace(/ data-line="\d+"/g, '');
}

/** Page, margins, type size and leading from book.yaml; the rest is what a careful designer writes first. */
export function plainCss(book: Book): string {
  const { print } = book.config;
  const { trim, margins } = print;
  const { fonts } = print;
  const family = (list: FontConfig[]): string => list.map((f) => `"${f.family}"`).join(', ');
  const text = family([fonts.body, ...fonts.fallback]);
  return `@page {
  size: ${trim.width} ${trim.height};
  margin: ${margins.top} ${margins.outer} ${margins.bottom} ${margins.inner};
  @footnote { border-top: 0.4pt solid #000; padding-top: 2.5mm; margin-top: 4mm; }
}
@page :left {
  margin-left: ${margins.outer};
  margin-right: ${margins.inner};
  @top-left { content: counter(page) "\\2003" string(chapter-title); font-size: 7.5pt; text-transform: uppercase; white-space: nowrap; }
}
@page :right {
  margin-left: ${margins.inner};
  margin-right: ${margins.outer};
  @top-right { content: string(chapter-title) "\\2003" counter(page); font-size: 7.5pt; text-transform: uppercase; white-space: nowrap; }
}
@page chapter:first {
  @top-left { content: none; }
  @top-right { content: none; }
  @bottom-center { content: counter(page); font-size: 9pt; }
}
@page :blank {
  @top-left { content: none; }
  @top-right { content: none; }
}
@page front {
  @top-left { content: none; }
  @top-right { content: none; }
}
html { font-family: ${text}, serif; font-size: ${print.fontSize}; line-height: ${print.lineHeight}; font-kerning: normal; }
body { margin: 0; }
p { margin: 0; text-align: justify; hyphens: manual; orphans: ${print.orphans}; widows: ${print.widows}; }
p + p { text-indent: 1.2em; }
.title-page, .contents { page: front; break-after: right; }
.title-page { text-align: center; padding-top: 30mm; }
.book-title { font-size: 22pt; font-weight: 500; margin: 6mm 0; }
.contents ol { list-style: none; padding: 0; }
.contents a { color: inherit; text-decoration: none; }
.contents a::after { content: target-counter(attr(href), page); float: right; }
.chapter { page: chapter; break-before: right; }
.chapter > h1:first-child { string-set: chapter-title content(text); }
h1, h2, h3 { font-weight: 500; text-align: left; hyphens: none; break-after: avoid; }
h1 { font-size: 20pt; line-height: 1.15; margin: 28mm 0 6mm; }
h2 { font-size: 1.05em; font-style: italic; font-weight: 400; margin: 1.36em 0 0.68em; }
h3 { font-size: 1em; font-style: italic; font-weight: 400; margin: 1.36em 0 0; }
code, pre { font-family: ${family([fonts.mono, ...fonts.fallback])}, monospace; font-size: 0.88em; }
pre { white-space: pre-wrap; text-align: left; }
blockquote { margin: 0.68em 0 0.68em 1.2em; font-size: 0.92em; }
.footnote { float: footnote; font-size: 8.5pt; line-height: 1.3; text-align: left; hyphens: manual; }
::footnote-call { font-size: 0.68em; vertical-align: 0.38em; line-height: 0; }
::footnote-marker { padding-right: 0.3em; }
.bibliography p, .csl-entry { padding-left: 1.2em; text-indent: -1.2em; text-align: left; }
`;
}

/** Reads the manuscript and writes its plain HTML (the text as the pipeline reads it; see plainBookHtml). */
export async function writePlainHtml(manuscriptDir: string, file: string): Promise<void> {
  await writeFile(file, plainBookHtml(await loadBook({ manuscriptDir })));
}
