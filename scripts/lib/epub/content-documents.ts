import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { rewriteLocalImages } from '../images.ts';
import type { Book, Chapter } from '../book.ts';
import { colophonParagraphs } from '../colophon.ts';
import { escapeHtml } from '../html.ts';
import { fill, labelsFor, type Labels } from '../language/labels.ts';
import { NOTE_REF_PATTERN } from '../markdown/notes.ts';
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
}

/** Notes as EPUB 3 footnotes: a noteref at each call, the notes after the chapter text, each with a link back. */
export function chapterBody(chapter: Chapter, breaks: Map<number, number[]> | undefined, trailingPages: number[] = [], labels: Labels = labelsFor('nl')): string {
  const calls = new Map<number, number>();
  const noteId = (n: number): string => `${chapter.id}-noot-${n}`;
  const refId = (n: number, k: number): string => `${chapter.id}-ref-${n}${k > 1 ? `-${k}` : ''}`;
  let html = chapter.html.replace(NOTE_REF_PATTERN, (_, digits: string) => {
    const n = Number(digits);
    const k = (calls.get(n) ?? 0) + 1;
    calls.set(n, k);
    return `<a epub:type="noteref" role="doc-noteref" id="${refId(n, k)}" href="#${noteId(n)}">${n}</a>`;
  });
  html = html.replace(/<(\w+)([^>]*?) data-line="(\d+)"([^>]*)>/g, (_, tag: string, before: string, line: string, after: string) => {
    const open = `<${tag}${before}${after}>`;
    const pages = breaks?.get(Number(line));
    if (!pages) return open;
    const markers = pages.map(pageBreakMarker).join('');
    // A list may only hold its items (a definition list its terms and definitions): the marker goes inside the
    // item; elsewhere just before the block.
    return tag === 'li' || tag === 'dt' || tag === 'dd' ? `${open}${markers}` : `${markers}${open}`;
  });
  const notes = chapter.notes
    .map(
      (note) =>
        `<aside epub:type="footnote" role="doc-footnote" id="${noteId(note.number)}" class="note">\n` +
        `<p><a role="doc-backlink" href="#${refId(note.number, 1)}" title="${escapeHtml(labels.backToText)}">${note.number}.</a> ` +
        `${note.html}</p>\n</aside>`,
    )
    .join('\n');
  const notesSection = notes
    ? `\n<section class="notes" epub:type="footnotes" aria-label="${escapeHtml(fill(labels.notesOf, { title: stripTags(chapter.title) }))}">\n${notes}\n</section>`
    : '';
  return `${html}${trailingPages.map(pageBreakMarker).join('')}${notesSection}`;
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
  const frontMarkers = plan.frontPages.map(pageBreakMarker).join('');
  const title = `<section class="title-page" epub:type="titlepage" aria-label="${escapeHtml(labels.titlePage)}">
${frontMarkers}
<p class="author">${escapeHtml(c.author)}</p>
<h1 class="book-title">${escapeHtml(c.title)}</h1>
${c.subtitle ? `<p class="subtitle">${escapeHtml(c.subtitle)}</p>` : ''}
${c.publisher ? `<p class="publisher">${escapeHtml(c.publisher)}</p>` : ''}
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
      body: `${title}\n<section class="colophon" epub:type="colophon" aria-label="${escapeHtml(labels.colophon)}">\n${colophon}\n</section>`,
      beforeToc: true,
      excludeFromToc: true,
    },
  ];
  const lastChapter = book.chapters.at(-1);
  const chapters = book.chapters.map<ContentDocument>((chapter) => ({
    id: chapter.id,
    filename: `${chapter.id}.xhtml`,
    title: stripTags(chapter.title),
    bodyType: 'bodymatter',
    sectionType: 'chapter',
    role: 'doc-chapter',
    headings: chapter.headings.map((h) => ({ level: h.level, text: stripTags(h.text), id: h.id })),
    // epub-gen-memory reads file:// images itself and packs them under images/.
    body: rewriteLocalImages(
      chapterBody(chapter, plan.byBlock.get(chapter.file), chapter === lastChapter ? plan.trailingPages : [], labels),
      (src) => pathToFileURL(path.resolve(book.manuscriptDir, decodeURI(src))).href,
    ),
    beforeToc: false,
    excludeFromToc: false,
  }));
  return [...front, ...chapters];
}
