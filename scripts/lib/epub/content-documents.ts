import { pathToFileURL } from 'node:url';
import { figureLabelHtml, imageClassAttribute, imageTextAttributes, placeImages, type BookImage } from '../images.ts';
import { cssWidth } from '../web/web-html.ts';
import type { Book, Chapter } from '../book.ts';
import { colophonParagraphs } from '../colophon.ts';
import { chapterOpening, withChapterOpening } from '../book-structure.ts';
import type { ChapterKind } from '../config/schema.ts';
import { authorNames, contributorLines } from '../contributors.ts';
import { escapeHtml } from '../html.ts';
import { fill, labelsFor, type Labels } from '../language/labels.ts';
import { noteMarker, noteSeries, type NoteSeries } from '../markdown/note-series.ts';
import { NOTE_REF_PATTERN, type NoteDefinition } from '../markdown/notes.ts';
import { numberedText, withCrossReferences } from '../cross-references.ts';
import { INDEX_ID, linkedIndexHtml, type BookIndex } from '../book-index/book-index.ts';
import { epubTypeAttributes } from './epub-types.ts';
import { pageBreakMarker, type PageBreakPlan } from './page-breaks.ts';

/** One XHTML content document of the EPUB, before the package template wraps it. */
export interface ContentDocument {
  id: string;
  filename: string;
  title: string;
  /** epub:type of the body (`cover`, `frontmatter`, `bodymatter`). */
  bodyType: string;
  /** epub:type and role of the section around the text (`chapter` / `doc-chapter`); empty for none. */
  sectionType: string;
  role: string;
  /** Heading structure for the navigation document. */
  headings: { level: number; text: string; id: string }[];
  body: string;
  /** Only the cover document: the image's text alternative (the package template places the image). */
  coverAlt?: string;
  beforeToc: boolean;
  excludeFromToc: boolean;
  /** A part's own document (its title page); a chapter in a part names the part's id. */
  isPart?: boolean;
  partId?: string;
}

/** Where a text of each kind goes in the EPUB: body type, and the epub:type (with its DPUB-ARIA role) of its section. */
const KIND_PLACE: Record<ChapterKind, { bodyType: string; sectionType: string }> = {
  chapter: { bodyType: 'bodymatter', sectionType: 'chapter' },
  preface: { bodyType: 'frontmatter', sectionType: 'preface' },
  foreword: { bodyType: 'frontmatter', sectionType: 'foreword' },
  introduction: { bodyType: 'frontmatter', sectionType: 'introduction' },
  afterword: { bodyType: 'backmatter', sectionType: 'afterword' },
  appendix: { bodyType: 'backmatter', sectionType: 'appendix' },
};

/**
 * Notes as EPUB 3 footnotes: a noteref at each call, the notes after the chapter text, each with a link back.
 * Each series prints its own markers (numbered per chapter, as the EPUB's notes always are); the notes of a
 * series placed at the end in print are this chapter's endnotes, a section of their own after its footnotes.
 */
export function chapterBody(chapter: Chapter, breaks: Map<number, number[]> | undefined, trailingPages: number[] = [], labels: Labels = labelsFor('nl'), series: readonly NoteSeries[] = [], folio: (page: number) => string = String): string {
  const seriesOfNote = (note: NoteDefinition): NoteSeries => series.find((s) => s.id === note.series) ?? { id: note.series, marker: 'arabic', placement: 'foot', rank: 0 };
  const marker = (note: NoteDefinition): string => escapeHtml(noteMarker(seriesOfNote(note).marker, note.seriesNumber));
  const atEnd = (note: NoteDefinition): boolean => seriesOfNote(note).placement === 'end';
  const calls = new Map<number, number>();
  const noteId = (n: number): string => `${chapter.id}-noot-${n}`;
  const refId = (n: number, k: number): string => `${chapter.id}-ref-${n}${k > 1 ? `-${k}` : ''}`;
  let html = chapter.html.replace(NOTE_REF_PATTERN, (_, digits: string) => {
    const n = Number(digits);
    const note = chapter.notes.find((x) => x.number === n);
    const k = (calls.get(n) ?? 0) + 1;
    calls.set(n, k);
    // A class, not a data attribute: epub-gen-memory's allow-list has none.
    const seriesAttribute = note && note.series ? ` class="note-series-${note.series}"` : '';
    return `<a ${epubTypeAttributes('noteref')} id="${refId(n, k)}" href="#${noteId(n)}"${seriesAttribute}>${note ? marker(note) : n}</a>`;
  });
  html = placePageBreaks(html, breaks, folio);
  // The author's notes first, then each further series, each in the order of its calls.
  const ordered = [...chapter.notes].sort((a, b) => seriesOfNote(a).rank - seriesOfNote(b).rank);
  const notes = ordered
    .filter((note) => !atEnd(note))
    .map(
      (note) =>
        `<aside ${epubTypeAttributes('footnote')} id="${noteId(note.number)}" class="note${note.series ? ` note-series note-series-${note.series}` : ''}">\n` +
        `<p><a role="doc-backlink" href="#${refId(note.number, 1)}" title="${escapeHtml(labels.backToText)}">${marker(note)}.</a> ` +
        `${note.html}</p>\n</aside>`,
    )
    .join('\n');
  const endnotes = ordered
    .filter(atEnd)
    .map(
      (note) =>
        `<li id="${noteId(note.number)}" class="endnote note-series-${note.series}">` +
        `<p><a role="doc-backlink" href="#${refId(note.number, 1)}" title="${escapeHtml(labels.backToText)}">${marker(note)}.</a> ${note.html}</p></li>`,
    )
    .join('\n');
  const title = stripTags(chapter.title);
  const notesSection = notes
    ? `\n<section class="notes" ${epubTypeAttributes('footnotes')} aria-label="${escapeHtml(fill(labels.notesOf, { title }))}">\n${notes}\n</section>`
    : '';
  const endnotesSection = endnotes
    ? `\n<section class="endnotes" ${epubTypeAttributes('endnotes')} aria-label="${escapeHtml(fill(labels.endnotesOf, { title }))}">\n<ol>\n${endnotes}\n</ol>\n</section>`
    : '';
  return `${html}${trailingPages.map((page) => pageBreakMarker(page, folio(page))).join('')}${notesSection}${endnotesSection}`;
}

/**
 * epub-gen-memory reads file:// images itself and packs them under images/; the file is the one reading
 * found and decoded, inside the manuscript folder. Its allow-list has no width or height attributes.
 */
function epubImage(image: BookImage): string {
  return `<img src="${pathToFileURL(image.file).href}" ${imageTextAttributes(image)}${cssWidth(image)}${imageClassAttribute(image)}/>`;
}

/** Elements a marker goes into, as their first child: a list item, a term, a description, a cell. */
const MARKER_INSIDE = new Set(['li', 'dt', 'dd', 'td', 'th']);
/** Elements that may hold no text: the marker goes into the first cell after them. */
const MARKER_IN_FIRST_CELL = new Set(['thead', 'tbody', 'tfoot', 'tr']);

/**
 * Puts each page's marker where its block begins: once per source line, at the first (outermost) element
 * of that line (a list and its first item share one), where the markup allows a span (inside a list item or
 * a cell, in a table's first cell), so every marker is there once and in reading order. A page whose block
 * the chapter has no element for (a note's line) is marked at the next block after it.
 */
export function placePageBreaks(html: string, breaks: Map<number, number[]> | undefined, folio: (page: number) => string = String): string {
  const data = /<(\w+)([^>]*?) data-line="(\d+)"([^>]*)>/g;
  const lines = [...new Set(Array.from(html.matchAll(data), (m) => Number(m[3])))];
  const pagesAt = new Map<number, number[]>();
  for (const [line, pages] of [...(breaks ?? new Map<number, number[]>())].sort((a, b) => a[0] - b[0])) {
    const at = lines.find((l) => l >= line) ?? lines.at(-1);
    if (at === undefined) continue;
    pagesAt.set(at, [...(pagesAt.get(at) ?? []), ...pages]);
  }
  let pending = '';
  return html.replace(/<(\w+)([^>]*)>/g, (open: string, tag: string, attributes: string) => {
    const line = /\sdata-line="(\d+)"/.exec(attributes)?.[1];
    const clean = line ? open.replace(/ data-line="\d+"/, '') : open;
    const pages = line ? pagesAt.get(Number(line)) : undefined;
    if (pages) pagesAt.delete(Number(line));
    const markers = pending + (pages ?? []).map((page) => pageBreakMarker(page, folio(page))).join('');
    pending = '';
    if (!markers) return clean;
    if (MARKER_IN_FIRST_CELL.has(tag)) {
      pending = markers;
      return clean;
    }
    if (MARKER_INSIDE.has(tag)) return `${clean}${markers}`;
    return `${markers}${clean}`;
  });
}

export function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/\u00ad/g, '');
}

/** Cover, title page with colophon, then the chapters: the reading order of the EPUB. */
export interface EditionInfo {
  version: string;
  date: Date;
}

export function contentDocuments(book: Book, plan: PageBreakPlan, coverAlt: string, edition: EditionInfo): ContentDocument[] {
  const c = book.config;
  const labels = labelsFor(c.language, c.labels);
  const frontMarkers = plan.frontPages.map((page) => pageBreakMarker(page, plan.folio(page))).join('');
  const title = `<section class="title-page" ${epubTypeAttributes('titlepage')} aria-label="${escapeHtml(labels.titlePage)}">
${frontMarkers}
${authorNames(c) ? `<p class="author">${escapeHtml(authorNames(c))}</p>\n` : ''}<h1 class="book-title">${escapeHtml(c.title)}</h1>
${c.subtitle ? `<p class="subtitle">${escapeHtml(c.subtitle)}</p>` : ''}
${contributorLines(c).map((line) => `<p class="contributor">${escapeHtml(line)}</p>\n`).join('')}${c.publisher ? `<p class="publisher">${escapeHtml(c.publisher)}</p>` : ''}
</section>`;
  const colophon = colophonParagraphs(c, { version: edition.version, date: edition.date, medium: 'ebook' }).join('\n');
  const front: ContentDocument[] = [
    {
      id: 'omslag',
      filename: 'omslag.xhtml',
      title: labels.cover,
      bodyType: 'cover',
      sectionType: '',
      role: '',
      headings: [],
      body: '',
      coverAlt,
      beforeToc: true,
      excludeFromToc: true,
    },
    {
      id: 'titelpagina',
      filename: 'titelpagina.xhtml',
      title: c.title,
      bodyType: 'frontmatter',
      sectionType: '',
      role: '',
      headings: [],
      body: `${title}\n<section class="colophon" ${epubTypeAttributes('colophon')} aria-label="${escapeHtml(labels.colophon)}">\n${colophon}\n</section>`,
      beforeToc: true,
      excludeFromToc: true,
    },
  ];
  const lastChapter = book.chapters.at(-1);
  const chapters = book.chapters.flatMap<ContentDocument>((chapter, index) => {
    const place = KIND_PLACE[chapter.kind];
    const part = chapter.part !== undefined ? (book.parts ?? [])[chapter.part] : undefined;
    // A cross-reference links into the target's document with its text: a heading's title, "noot 3".
    const referenced = withCrossReferences(withoutIndexKeys(chapter), book.crossReferences, (target, reference) => {
      const id = target.note !== undefined ? `${target.chapter}-noot-${target.note}` : target.id;
      const text = target.note !== undefined ? fill(labels.note, { n: String(target.note) }) : (numberedText(target, reference) ?? target.text);
      return `<a class="xref" href="${target.chapter}.xhtml#${escapeHtml(id)}">${escapeHtml(text)}</a>`;
    });
    const opened = { ...referenced, html: withChapterOpening(referenced.html, chapterOpening(chapter, (book.parts ?? [])), escapeHtml) };
    const document: ContentDocument = {
      id: chapter.id,
      filename: `${chapter.id}.xhtml`,
      title: stripTags(chapter.number ? `${chapter.number.label}. ${chapter.title}` : chapter.title),
      bodyType: part ? 'bodymatter' : place.bodyType,
      sectionType: place.sectionType,
      role: `doc-${place.sectionType}`,
      headings: chapter.headings.map((h) => ({ level: h.level, text: stripTags(h.text), id: h.id })),
      body: placeImages(
        chapterBody(opened, plan.byBlock.get(chapter.file), chapter === lastChapter ? plan.trailingPages : [], labels, noteSeries(book.config), plan.folio),
        chapter.images,
        epubImage,
        (image) => figureLabelHtml(book.config, image),
      ),
      beforeToc: false,
      excludeFromToc: false,
      ...(part ? { partId: part.id } : {}),
    };
    if (!part || part.chapters[0] !== index) return [document];
    const partDocument: ContentDocument = {
      id: part.id,
      filename: `${part.id}.xhtml`,
      title: part.number ? `${part.number.label}. ${part.title}` : part.title,
      bodyType: 'bodymatter',
      sectionType: 'part',
      role: 'doc-part',
      headings: [],
      body: `${part.number ? `<p class="part-label">${escapeHtml(part.number.label)}</p>\n` : ''}<h1 id="${part.id}-title">${escapeHtml(part.title)}</h1>${part.author ? `\n<p class="part-author">${escapeHtml(part.author)}</p>` : ''}`,
      beforeToc: false,
      excludeFromToc: false,
      isPart: true,
    };
    return [partDocument, document];
  });
  return [...front, ...chapters, ...(book.index ? [indexDocument(book, book.index, labels)] : [])];
}

/** The index's places keep their ids; their keys go (epub-gen-memory's allow-list has no data attributes). */
function withoutIndexKeys(chapter: Chapter): Chapter {
  const strip = (html: string): string => html.replace(/ data-index-key="[^"]*"/g, '');
  return { ...chapter, html: strip(chapter.html), notes: chapter.notes.map((note) => ({ ...note, html: strip(note.html) })) };
}

/** The index of persons, a document at the back: each entry links to its places, named by their headings. */
function indexDocument(book: Book, index: BookIndex, labels: Labels): ContentDocument {
  // A place in a note is not among the chapter's ids: it is named by its chapter.
  const text = (place: { chapter: string; id: string }): string => book.crossReferences?.get(`#${place.id}`)?.text ?? book.chapters.find((c) => c.id === place.chapter)?.title ?? place.chapter;
  return {
    id: INDEX_ID,
    filename: `${INDEX_ID}.xhtml`,
    title: index.title,
    bodyType: 'backmatter',
    sectionType: 'index',
    role: 'doc-index',
    headings: [],
    body: `<h1 id="${INDEX_ID}-title">${escapeHtml(index.title)}</h1>\n<ul class="index-entries">\n${linkedIndexHtml(index, labels.seeAlso, (place) => `${place.chapter}.xhtml#${place.id}`, text)}\n</ul>`,
    beforeToc: false,
    excludeFromToc: false,
  };
}
