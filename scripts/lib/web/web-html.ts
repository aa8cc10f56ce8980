import type { Book, Chapter } from '../book.ts';
import { listOf } from '../colophon.ts';
import { authorNames, authorsOf, contributorLines } from '../contributors.ts';
import { chapterOpening, withChapterOpening } from '../book-structure.ts';
import { bookFonts } from '../fonts/book-fonts.ts';
import { escapeHtml } from '../html.ts';
import { fill, labelsFor, type Labels } from '../language/labels.ts';
import { figureLabelHtml, imageClassAttribute, imageTextAttributes, placeImages, type BookImage } from '../images.ts';
import { noteMarker, noteSeries, type NoteSeries } from '../markdown/note-series.ts';
import { NOTE_REF_PATTERN, type NoteDefinition } from '../markdown/notes.ts';
import { numberedText, withCrossReferences } from '../cross-references.ts';
import { INDEX_ID, linkedIndexHtml } from '../book-index/book-index.ts';

export interface WebHtmlOptions {
  version: string;
  buildDate: Date;
  /** Stylesheets and scripts, relative to index.html (the edition must work from disk). */
  stylesheets: string[];
  scripts: string[];
}

/** Strips the Markdown emphasis marks a heading's raw text may carry, for the contents list. */
function plainHeading(text: string): string {
  return text.replace(/[*_`]/g, '');
}

/** One page: header, contents, every chapter with its notes beside the text, colophon. */
export function webHtml(book: Book, options: WebHtmlOptions): string {
  const c = book.config;
  const labels = labelsFor(c.language, c.labels);
  const lang = escapeHtml(c.language);
  const description = c.description ?? (c.subtitle ? `${c.title}: ${c.subtitle}` : c.title);
  const meta = [
    `<meta name="description" content="${escapeHtml(description)}">`,
    authorNames(c) ? `<meta name="author" content="${escapeHtml(authorNames(c))}">` : '',
    c.keywords.length ? `<meta name="keywords" content="${escapeHtml(c.keywords.join(', '))}">` : '',
    `<meta name="generator" content="lenins-strijd-book ${escapeHtml(options.version)}">`,
    `<meta property="og:type" content="book">`,
    `<meta property="og:title" content="${escapeHtml(c.title)}">`,
    `<meta property="og:description" content="${escapeHtml(description)}">`,
    `<meta property="og:locale" content="${escapeHtml(ogLocale(c.language))}">`,
    ...authorsOf(c).map((a) => `<meta property="book:author" content="${escapeHtml(a.name)}">`),
    c.identifiers.isbn ? `<meta property="book:isbn" content="${escapeHtml(c.identifiers.isbn)}">` : '',
    ...c.keywords.map((k) => `<meta property="book:tag" content="${escapeHtml(k)}">`),
    `<meta name="twitter:card" content="summary">`,
    `<meta name="twitter:title" content="${escapeHtml(c.title)}">`,
    `<meta name="twitter:description" content="${escapeHtml(description)}">`,
  ].filter(Boolean);
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(c.title)}${c.subtitle ? ` — ${escapeHtml(c.subtitle)}` : ''}</title>
${meta.join('\n')}
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
${options.stylesheets.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('\n')}
${options.scripts.map((src) => `<script src="${escapeHtml(src)}" defer></script>`).join('\n')}
</head>
<body>
<a class="skip-link" href="#tekst">${escapeHtml(labels.skipToText)}</a>
<header class="book-header">
${authorNames(c) ? `<p class="book-author">${escapeHtml(authorNames(c))}</p>\n` : ''}<h1 class="book-title">${escapeHtml(c.title)}</h1>
${c.subtitle ? `<p class="book-subtitle">${escapeHtml(c.subtitle)}</p>` : ''}
${contributorLines(c).map((line) => `<p class="book-contributor">${escapeHtml(line)}</p>\n`).join('')}<button type="button" class="theme-toggle" hidden aria-pressed="false">${escapeHtml(labels.darkTheme)}</button>
</header>
${tableOfContents(book, labels)}
<main id="tekst" tabindex="-1">
${mainText(book, labels)}
${bibliographyHtml(book)}
${indexHtml(book, labels)}
</main>
${colophon(book, options)}
</body>
</html>
`;
}

/** Open Graph's locale (`nl_NL`): a language without a region gets the one it is mostly read in. */
function ogLocale(language: string): string {
  const [primary = 'en', region] = language.split('-');
  const regions: Record<string, string> = { en: 'US', da: 'DK', sv: 'SE', nb: 'NO', nn: 'NO', cs: 'CZ', el: 'GR', uk: 'UA', ja: 'JP', ko: 'KR', zh: 'CN' };
  return `${primary.toLowerCase()}_${(region ?? regions[primary.toLowerCase()] ?? primary).toUpperCase()}`;
}

/** The chapters in reading order, each part's in a section of its own under the part's heading. */
function mainText(book: Book, labels: Labels): string {
  const out: string[] = [];
  book.chapters.forEach((chapter, index) => {
    const part = chapter.part !== undefined ? (book.parts ?? [])[chapter.part] : undefined;
    if (part && part.chapters[0] === index) {
      out.push(`<section class="part" id="${part.id}" aria-labelledby="${part.id}-title">
<header class="part-opening">
${part.number ? `<p class="part-label">${escapeHtml(part.number.label)}</p>\n` : ''}<h2 id="${part.id}-title">${escapeHtml(part.title)}</h2>
${part.author ? `<p class="part-author">${escapeHtml(part.author)}</p>\n` : ''}</header>`);
    }
    out.push(chapterHtml(chapter, book, labels, part ? 2 : 1));
    if (part && part.chapters.at(-1) === index) out.push('</section>');
  });
  return out.join('\n');
}

function tableOfContents(book: Book, labels: Labels): string {
  const chapterItem = (chapter: Book['chapters'][number]): string => {
    const sections = chapter.headings.filter((h) => h.level === 2);
    const sub = sections.length
      ? `\n<ol>\n${sections.map((h) => `<li><a href="#${h.id}">${escapeHtml(plainHeading(h.text))}</a></li>`).join('\n')}\n</ol>\n`
      : '';
    const top = chapter.headings.find((h) => h.level === 1);
    const number = chapter.number ? `<span class="toc-number">${escapeHtml(chapter.number.number)}</span> ` : '';
    const author = chapterOpening(chapter, (book.parts ?? [])).author;
    const by = author ? ` <span class="toc-author">${escapeHtml(author)}</span>` : '';
    return `<li><a href="#${top?.id ?? chapter.id}">${number}${escapeHtml(plainHeading(chapter.title))}</a>${by}${sub}</li>`;
  };
  const items: string[] = [];
  book.chapters.forEach((chapter, index) => {
    const part = chapter.part !== undefined ? (book.parts ?? [])[chapter.part] : undefined;
    if (!part) items.push(chapterItem(chapter));
    else if (part.chapters[0] === index) {
      const inner = part.chapters.map((k) => chapterItem(book.chapters[k]!)).join('\n');
      const number = part.number ? `<span class="toc-number">${escapeHtml(part.number.label)}</span> ` : '';
      const by = part.author ? ` <span class="toc-author">${escapeHtml(part.author)}</span>` : '';
      items.push(`<li class="toc-part"><a href="#${part.id}-title">${number}${escapeHtml(part.title)}</a>${by}\n<ol>\n${inner}\n</ol>\n</li>`);
    }
  });
  if (book.bibliography) items.push(`<li><a href="#bronnen">${escapeHtml(book.bibliography.title)}</a></li>`);
  if (book.index) items.push(`<li><a href="#${INDEX_ID}">${escapeHtml(book.index.title)}</a></li>`);
  return `<nav class="toc" aria-labelledby="toc-title">
<h2 id="toc-title">${escapeHtml(labels.contents)}</h2>
<ol>
${items.join('\n')}
</ol>
</nav>`;
}

/**
 * The note stays in the text right after its call: beside the column on a wide screen (a side note), hidden
 * on a narrow one until its call is followed (`:target`), then shown under the line with a way back. No
 * script needed, so it works from disk and with scripts off; screen readers meet each note once, where it
 * is called.
 */
function chapterHtml(read: Chapter, book: Book, labels: Labels, shift: number): string {
  // A cross-reference links with its target's text: a heading's title, "noot 3" (the page is print's).
  const chapter = withCrossReferences(read, book.crossReferences, (target, reference) =>
    `<a class="xref" href="#${escapeHtml(target.id)}">${target.note !== undefined ? escapeHtml(fill(labels.note, { n: String(target.note) })) : escapeHtml(numberedText(target, reference) ?? target.text)}</a>`,
  );
  const series = noteSeries(book.config);
  const seriesOfNote = (note: NoteDefinition): NoteSeries => series.find((s) => s.id === note.series) ?? (series[0] as NoteSeries);
  const endnotes: string[] = [];
  const body = withChapterOpening(chapter.html, chapterOpening(chapter, (book.parts ?? [])), escapeHtml).replace(NOTE_REF_PATTERN, (_, number: string) => {
    const note = chapter.notes.find((n) => n.number === Number(number));
    if (!note) return '';
    const ref = `${chapter.id}-ref-${note.number}`;
    const fn = `${chapter.id}-fn-${note.number}`;
    const { marker: style, placement } = seriesOfNote(note);
    const marker = escapeHtml(noteMarker(style, note.seriesNumber));
    const seriesAttribute = note.series ? ` data-note-series="${note.series}"` : '';
    if (placement === 'end') {
      // A note the printed book gathers at its end: in the chapter's endnotes, after its text.
      endnotes.push(
        `<li id="${fn}"${seriesAttribute}><span class="note-number">${marker}</span> ${note.html}` +
          ` <a class="note-back" href="#${ref}" aria-label="${escapeHtml(fill(labels.backToEndnote, { n: marker }))}">↩</a></li>`,
      );
      return `<a class="note-ref" id="${ref}" href="#${fn}"${seriesAttribute} aria-label="${escapeHtml(fill(labels.endnote, { n: marker }))}">${marker}</a>`;
    }
    return (
      `<a class="note-ref" id="${ref}" href="#${fn}"${seriesAttribute} aria-label="${escapeHtml(fill(labels.note, { n: marker }))}">${marker}</a>` +
      `<span class="note" id="${fn}" role="note" tabindex="-1"${seriesAttribute} data-line="${note.line}">` +
      `<span class="note-number">${marker}</span> ${note.html}` +
      ` <a class="note-back" href="#${ref}" aria-label="${escapeHtml(fill(labels.backToNote, { n: marker }))}">↩</a></span>`
    );
  });
  const endnotesSection = endnotes.length
    ? `\n<section class="endnotes" role="doc-endnotes" aria-label="${escapeHtml(fill(labels.endnotesOf, { title: chapter.title.replace(/<[^>]*>/g, '') }))}">\n<h2>${escapeHtml(labels.endnotes)}</h2>\n<ol>\n${endnotes.join('\n')}\n</ol>\n</section>`
    : '';
  return `<article class="chapter" id="${chapter.id}">
${demoteHeadings(placeImages(scrollableTables(body + endnotesSection, chapter.id), chapter.images, webImage, (image) => figureLabelHtml(book.config, image)), shift)}
</article>`;
}

/**
 * Each table in a box of its own that scrolls sideways when the table is wider than the column (a phone, a
 * table of many columns), so its columns are never squeezed a letter wide. The box can take the keyboard's
 * focus, to scroll it without a mouse, and is named by the table's caption.
 */
export function scrollableTables(html: string, idPrefix: string): string {
  let count = 0;
  return html.replace(/<table\b[\s\S]*?<\/table>/g, (table) => {
    count++;
    const id = `${idPrefix}-table-${count}`;
    const captioned = table.replace(/<caption>/, `<caption id="${id}">`);
    const name = captioned === table ? '' : ` aria-labelledby="${id}"`;
    return `<div class="table-scroll" role="group" tabindex="0"${name}>${captioned}</div>`;
  });
}

/** An image from the edition's images/ folder, its pixels as width and height (the page keeps its place while it loads). */
export function webImage(image: BookImage): string {
  return `<img src="${webImagePath(image)}" ${imageTextAttributes(image)} width="${image.pixels.width}" height="${image.pixels.height}"${cssWidth(image)}${imageClassAttribute(image)}>`;
}

/** Where the web edition keeps an image: images/ and its path in the manuscript folder. */
export function webImagePath(image: Pick<BookImage, 'relative'>): string {
  return `images/${image.relative.split('/').map(encodeURIComponent).join('/')}`;
}

/** The width the author asked for (`{width=50%}`), as CSS; the style sheets keep every image inside the column. */
export function cssWidth(image: Pick<BookImage, 'width' | 'height'>): string {
  if (image.width) return ` style="width: ${image.width.value}${image.width.unit}"`;
  if (image.height && image.height.unit !== '%') return ` style="height: ${image.height.value}${image.height.unit}; width: auto"`;
  return '';
}

/** The index of persons: each entry links to its places in the page, named by their headings. */
function indexHtml(book: Book, labels: Labels): string {
  if (!book.index) return '';
  // A place in a note is not among the chapter's ids: it is named by its chapter.
  const text = (place: { chapter: string; id: string }): string => book.crossReferences?.get(`#${place.id}`)?.text ?? book.chapters.find((c) => c.id === place.chapter)?.title ?? place.chapter;
  return `<section class="index" id="${INDEX_ID}" aria-labelledby="${INDEX_ID}-title">
<h2 id="${INDEX_ID}-title">${escapeHtml(book.index.title)}</h2>
<ul class="index-entries">
${linkedIndexHtml(book.index, labels.seeAlso, (place) => `#${place.id}`, text)}
</ul>
</section>`;
}

/** The sources the chapters cite, as the citation style lists them (see citations/). */
function bibliographyHtml(book: Book): string {
  if (!book.bibliography) return '';
  return `<section class="bibliography" id="bronnen" aria-labelledby="bronnen-title">
<h2 id="bronnen-title">${escapeHtml(book.bibliography.title)}</h2>
${book.bibliography.html}
</section>`;
}

/** The book's title is the page's one h1, so a chapter's `#` becomes h2, its `##` h3, and so on; in a part
 * (its title an h2) one level further. Nothing goes below h6. */
function demoteHeadings(html: string, shift: number): string {
  return html.replace(/<(\/?)h([1-6])\b/g, (_, slash: string, level: string) => `<${slash}h${Math.min(6, Number(level) + shift)}`);
}

function colophon(book: Book, { version, buildDate }: WebHtmlOptions): string {
  const c = book.config;
  const labels = labelsFor(c.language, c.labels);
  const lines = [
    `<p><cite>${escapeHtml(c.title)}</cite>${c.subtitle ? `. ${escapeHtml(c.subtitle)}` : ''}${authorNames(c) ? ` — ${escapeHtml(authorNames(c))}` : ''}</p>`,
    ...contributorLines(c).map((line) => `<p>${escapeHtml(line)}</p>`),
    ...c.colophon.map((line) => `<p>${escapeHtml(line)}</p>`),
    c.rights ? `<p>${escapeHtml(c.rights)}</p>` : '',
    c.publisher ? `<p>${escapeHtml(fill(labels.publishedBy, { publisher: c.publisher }))}</p>` : '',
    c.identifiers.isbn ? `<p>ISBN ${escapeHtml(c.identifiers.isbn)}</p>` : '',
    `<p>${escapeHtml(c.edition ?? labels.edition)}, ${escapeHtml(labels.webEdition)}, ${escapeHtml(labels.version)} ${escapeHtml(version)}, <time datetime="${buildDate.toISOString().slice(0, 10)}">${buildDate.toISOString().slice(0, 10)}</time>. ${escapeHtml(fill(labels.setIn, { fonts: listOf(bookFonts(book).families.map((f) => f.family), labels.and) }))}</p>`,
  ].filter(Boolean);
  return `<footer class="colophon">
${lines.join('\n')}
</footer>`;
}
