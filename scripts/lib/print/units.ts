import type { Book } from '../book.ts';
import { chapterOpening } from '../book-structure.ts';
import { bookFontPackages } from '../fonts/book-fonts.ts';
import { environmentKey, unitKey } from './cache.ts';
import { noteSeries, notesBeforeEach, printedMarker, type NoteSeries } from '../markdown/note-series.ts';
import { ENDNOTES_ID, endnoteCallIds, endnotesHtml } from './endnotes.ts';
import { withLinkNotes } from './link-notes.ts';
import type { RuntimeOptions } from './runtime/contract.ts';
import { fill, labelsFor, type Labels } from '../language/labels.ts';
import { escapeHtml } from '../html.ts';
import { INDEX_ID, printIndexHtml } from '../book-index/book-index.ts';
import { numberedText, pageReferenceIds, withCrossReferences, type CrossReference, type CrossReferenceTarget } from '../cross-references.ts';
import { runningHeadsOf, withRunningHeads } from './running-heads.ts';
import { BIBLIOGRAPHY_ID, bibliographyHtml, chapterHtml, frontMatterHtml, partHtml, printDocument, type PrintHtmlOptions } from './print-html.ts';

/**
 * What one document lays out, and the least the print build lays out on its own: the front matter (with the
 * contents page when there is more than one chapter), a chapter, the list of sources. Every unit opens on a
 * recto, so its layout does not depend on the units before it; only numbers drawn outside the text area do
 * (folios, the contents page), and those are set after pagination, before printing (numbering.ts).
 */
export interface PrintUnit {
  /** `front`, a chapter's id (`ch3`) or the sources' (`bronnen`). */
  id: string;
  /** The unit's HTML inside <body>. */
  body: string;
  /** The front matter with a contents page: printed only once every unit's first page is known. */
  hasContents: boolean;
  /**
   * Its body once every other unit is laid out, from the printed page of every id (`body` is it without
   * them, for the preview): the index, last in the book, so its length moves nobody's numbers.
   */
  build?: (pages: Record<string, number>, romanPages: number) => string;
  /** Ids whose pages its cross-references print ("blz. 23"): it is printed once every unit is laid out. */
  references?: string[];
  /** Folioed in lower-case roman numerals (`numbering.frontMatter: roman`): the front matter and the
   * prefaces and forewords right after it. These units come first. */
  roman?: true;
}

/** Kinds of text that belong to the front matter when they come before the rest. */
const FRONT_KINDS = new Set(['preface', 'foreword']);

/** How many units open the book folioed in roman: none, or the front matter and the prefaces and forewords after it. */
export function romanUnitCount(units: readonly Pick<PrintUnit, 'roman'>[]): number {
  const count = units.findIndex((u) => !u.roman);
  return count < 0 ? units.length : count;
}

/** A unit with its cache key: everything that shapes its layout (see cache.ts). */
export interface KeyedUnit extends PrintUnit {
  key: string;
}

/**
 * The book's units in reading order: the front matter, the chapters (a part's title page before its first),
 * the endnotes when a series of notes is placed at the end, the sources. A chapter's notes run on from the
 * notes of their series before it, or restart when notes are numbered per chapter (with print.linksAsNotes, outside links' addresses are notes too); their
 * numbers are known from the manuscript and printed in the chapter's HTML (a number's width can move a line),
 * so they are part of its key.
 */
export function bookUnits(book: Book, options: PrintHtmlOptions): PrintUnit[] {
  const roman = book.config.numbering.frontMatter === 'roman';
  // The prefaces and forewords before the first other text (a part's title page included) are front matter.
  const frontChapters = roman ? book.chapters.findIndex((c, i) => !FRONT_KINDS.has(c.kind) || (book.parts ?? []).some((p) => p.chapters[0] === i)) : 0;
  const labels = labelsFor(book.config.language, book.config.labels);
  const series = noteSeries(book.config);
  const linked = book.chapters.map((read) => (book.config.print.linksAsNotes ? withLinkNotes(read) : read));
  const before = notesBeforeEach(linked, book.config.print.noteNumbering);
  // A reference to a note prints the note's marker ("noot 12"), as its series and numbering make it.
  const noteMarker = (target: CrossReferenceTarget): string => {
    const at = book.chapters.findIndex((c) => c.id === target.chapter);
    const note = linked[at]?.notes.find((n) => n.number === target.note);
    const ofNote = series.find((s) => s.id === note?.series) ?? (series[0] as NoteSeries);
    return note ? printedMarker(note, ofNote, before[at]) : String(target.note);
  };
  const printed = linked.map((chapter) => withCrossReferences(chapter, book.crossReferences, (target, reference) => printReference(target, reference, labels, noteMarker)));
  const endnotes = endnotesHtml(book, printed, before);
  const title = book.config.title;
  // The sources and the index have the book's heads, as a text of its own.
  const bookHeads = runningHeadsOf(book.config);
  const chapters = printed.flatMap((chapter, index) => {
    const part = (book.parts ?? [])[chapter.part ?? -1];
    const text = { title: chapter.title, headings: chapter.headings, ...(chapter.author ? { author: chapter.author } : {}), ...(part ? { part: part.title } : {}) };
    const html = chapterHtml(chapter, before[index] as Map<string, number>, book.config, chapterOpening(chapter, book.parts ?? []));
    const body = withRunningHeads(html, text, runningHeadsOf(book.config, chapter.runningHeads), title);
    // A part's title page is a unit of its own, on a recto before its first chapter.
    const opens = (book.parts ?? []).find((p) => p.chapters[0] === index);
    const front = index < frontChapters || frontChapters < 0 ? { roman: true as const } : {};
    const references = pageReferenceIds(body);
    return [...(opens ? [{ id: opens.id, body: partHtml(opens), hasContents: false }] : []), { id: chapter.id, body, hasContents: false, ...front, ...(references.length ? { references } : {}) }];
  });
  return [
    { id: 'front', body: frontMatterHtml(book, options), hasContents: book.chapters.length > 1, ...(roman ? { roman: true as const } : {}) },
    ...chapters,
    // The endnotes' running heads name the pages of their calls: printed once every unit is laid out.
    ...(endnotes ? [{ id: ENDNOTES_ID, body: endnotes, hasContents: false, references: [...endnoteCallIds(endnotes), ...pageReferenceIds(endnotes)] }] : []),
    ...(book.bibliography ? [{ id: BIBLIOGRAPHY_ID, body: withRunningHeads(bibliographyHtml(book), { title: book.bibliography.title }, bookHeads, title), hasContents: false }] : []),
    ...(book.index ? [indexUnit(book.index, labels.seeAlso, (html) => withRunningHeads(html, { title: (book.index as NonNullable<Book['index']>).title }, bookHeads, title))] : []),
  ];
}

/**
 * A cross-reference in print: "blz. 23", the page of its target, "noot 12", or a numbered figure or table's
 * "figuur 3". The page number is filled in
 * after pagination (runtime/numbers.ts fillPageReferences); it is laid out as three figures meanwhile.
 */
function printReference(target: CrossReferenceTarget, reference: CrossReference, labels: Labels, noteMarker: (target: CrossReferenceTarget) => string): string {
  const numbered = numberedText(target, reference);
  if (numbered) return `<a class="xref" href="#${escapeHtml(target.id)}">${escapeHtml(numbered).replace(/ /g, '&nbsp;')}</a>`;
  if (target.note !== undefined) return `<a class="xref" href="#${escapeHtml(target.id)}">${escapeHtml(fill(labels.note, { n: noteMarker(target) }))}</a>`;
  const words = escapeHtml(labels.pageReference).replace(/ /g, '&nbsp;').replace('{n}', '<span class="xref-page">000</span>');
  return `<a class="xref" href="#${escapeHtml(target.id)}" data-xref-page="${escapeHtml(target.id)}">${words}</a>`;
}

/** The index of persons: laid out last, with the pages of every other unit known. */
function indexUnit(index: NonNullable<Book['index']>, seeAlso: string, headed: (html: string) => string): PrintUnit {
  return { id: INDEX_ID, body: headed(printIndexHtml(index, seeAlso)), hasContents: false, build: (pages, romanPages) => headed(printIndexHtml(index, seeAlso, { of: pages, romanPages })) };
}

/** One Paged.js document for a run of units; the preview's shows the pages without measuring them. */
export function unitsDocument(book: Book, units: readonly Pick<PrintUnit, 'body'>[], finishing: RuntimeOptions['finishing'] = 'print'): string {
  return printDocument(book, units.map((u) => u.body).join('\n'), finishing);
}

/** The whole book as one Paged.js document. */
export function bookDocument(book: Book, options: PrintHtmlOptions): string {
  return unitsDocument(book, bookUnits(book, options));
}

/** The units with their cache keys: each keyed by the document it would be alone, and the environment. */
export async function keyedUnits(book: Book, units: readonly PrintUnit[], browserIdentity: string): Promise<{ units: KeyedUnit[]; environment: string }> {
  const environment = await environmentKey({ fontPackages: bookFontPackages(book), browserIdentity });
  const keyed = await Promise.all(units.map(async (unit) => ({ ...unit, key: await unitKey(environment, unitsDocument(book, [unit]), book.manuscriptDir) })));
  return { units: keyed, environment };
}
