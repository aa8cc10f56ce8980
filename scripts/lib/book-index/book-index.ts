import { diagnostic, type Diagnostic } from '../diagnostics.ts';
import { escapeHtml } from '../html.ts';
import { folioLabel } from '../print/numbering.ts';
import type { IndexMark } from '../markdown/index-marks.ts';
import type { IndexName } from './names.ts';

/** What the index reads of a chapter of the book model (book.ts, which imports this module: named here, not imported). */
export interface IndexedChapter {
  id: string;
  file: string;
  indexMarks?: readonly IndexMark[];
  /** The part it is in (an index into the book's parts). */
  part?: number;
}

/** A place the index points at: the element's id in its chapter. */
export interface IndexPlace {
  chapter: string;
  id: string;
}

/** One entry of the index of persons: its places in the text, in reading order, its sub-entries and its "zie ook". */
export interface IndexEntry {
  key: string;
  places: IndexPlace[];
  /** "Lenin, V.I." › "over de staat": marked `key="Lenin, V.I.!over de staat"`, in the order of their words. */
  subentries: { key: string; places: IndexPlace[] }[];
  see: string[];
}

export interface BookIndex {
  title: string;
  /** Sorted as a Dutch index sorts. */
  entries: IndexEntry[];
}

/** Particles a Dutch surname is not sorted by ("Vries, Anna de" and "de Vries, Anna" both go under V). */
const PARTICLES = new Set(['van', 'de', 'der', 'den', 'het', "'t", 'te', 'ten', 'ter', 'in', 'op', 'von', 'zu', 'la', 'le', 'du', 'des', "d'", 'da', 'di', 'del']);

/** What an entry is sorted by: its key without the particles it starts with. */
export function sortKey(key: string): string {
  const words = key.split(/\s+/);
  let first = 0;
  while (first < words.length - 1 && PARTICLES.has((words[first] as string).toLowerCase())) first++;
  return words.slice(first).join(' ');
}

const COLLATOR = new Intl.Collator('nl', { sensitivity: 'base', numeric: true });

/** The separator of an entry and its sub-entry in a mark's key, as in LaTeX's `\index{Lenin!over de staat}`. */
export const SUBENTRY_SEPARATOR = '!';

/** A mark's key as entry and sub-entry: "Lenin, V.I.!over de staat" → ["Lenin, V.I.", "over de staat"]. */
export function splitKey(key: string): [string, string | undefined] {
  const at = key.indexOf(SUBENTRY_SEPARATOR);
  if (at < 0) return [key.trim(), undefined];
  return [key.slice(0, at).trim(), key.slice(at + 1).trim() || undefined];
}

/** Dutch order: by surname, particles left out, accents and case only where all else is equal. */
export function compareEntries(a: string, b: string): number {
  return COLLATOR.compare(sortKey(a), sortKey(b)) || new Intl.Collator('nl').compare(a, b);
}

/**
 * The index from the places marked or found in the chapters and the list of names (if any). With a list, a
 * name marked in the text that it lacks is an error at the mark, a name of the list never found a warning at
 * its line, a "zie ook" to no entry an error.
 */
export function buildIndex(chapters: readonly IndexedChapter[], names: readonly IndexName[] | undefined, namesFile: string, title: string): { index: BookIndex; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const entries = new Map<string, IndexEntry>();
  for (const name of names ?? []) entries.set(name.key, { key: name.key, places: [], subentries: [], see: name.see });
  for (const chapter of chapters) {
    for (const mark of chapter.indexMarks ?? []) {
      const [key, subkey] = splitKey(mark.key);
      let entry = entries.get(key);
      if (!entry) {
        if (names) {
          diagnostics.push(diagnostic('index/unknown-name', { file: chapter.file, line: mark.line, column: mark.column }, `"${key}" is marked for the index but is not in its list of names (${namesFile}): add it there, or correct the key`));
        }
        entry = { key, places: [], subentries: [], see: [] };
        entries.set(key, entry);
      }
      const place = { chapter: chapter.id, id: mark.id };
      if (subkey === undefined) {
        entry.places.push(place);
        continue;
      }
      let sub = entry.subentries.find((s) => s.key === subkey);
      if (!sub) entry.subentries.push((sub = { key: subkey, places: [] }));
      sub.places.push(place);
    }
  }
  for (const entry of entries.values()) entry.subentries.sort((a, b) => COLLATOR.compare(a.key, b.key) || a.key.localeCompare(b.key, 'nl'));
  for (const name of names ?? []) {
    const entry = entries.get(name.key);
    if (entry && entry.places.length === 0 && entry.subentries.length === 0) diagnostics.push(diagnostic('index/unused-name', { file: namesFile, line: name.line, column: name.column }, `"${name.key}" never occurs in the text${name.aliases.length ? ` (nor ${name.aliases.map((a) => `"${a}"`).join(', ')})` : ''}: its entry has no pages`));
    for (const see of name.see) if (!entries.has(see)) diagnostics.push(diagnostic('index/unknown-see', { file: namesFile, line: name.line, column: name.column }, `"${name.key}": see also "${see}", which is no entry of the list`));
  }
  // An entry without places stays when it refers to others ("zie ook"), as an index may keep a name for that.
  const kept = [...entries.values()].filter((e) => e.places.length > 0 || e.subentries.length > 0 || e.see.length > 0);
  return { index: { title, entries: kept.sort((a, b) => compareEntries(a.key, b.key)) }, diagnostics };
}

/**
 * An entry's pages as an index prints them: ascending, each once, runs of following pages as a range
 * ("12–14"); a range never runs from the roman front matter into the main text.
 */
export function pageRanges(pages: readonly number[], romanPages: number): string {
  return pageRuns(pages, romanPages).map(([from, to]) => (from === to ? folioLabel(from, romanPages) : `${folioLabel(from, romanPages)}–${folioLabel(to, romanPages)}`)).join(', ');
}

/** The runs `pageRanges` prints, as [first, last] pages. */
function pageRuns(pages: readonly number[], romanPages: number): [number, number][] {
  const sorted = [...new Set(pages)].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const page of sorted) {
    const run = runs.at(-1);
    if (run && page === run[1] + 1 && !(run[1] === romanPages && romanPages > 0)) run[1] = page;
    else runs.push([page, page]);
  }
  return runs;
}

/**
 * Ranges of the printed index that run from one part of the book into another, or out of a part into what
 * follows it (the endnotes, the sources): "10–11" reads as one passage, but it is the end of one part's text
 * and the start of another's. A warning at the place on the range's last page, which the editor may mark
 * differently or leave. `pageOf` is every id's printed page; `partOf` which part a page is in (undefined: none).
 */
export function rangesAcrossParts(index: BookIndex, chapters: readonly IndexedChapter[], pageOf: Record<string, { page: number }>, partOf: (page: number) => number | undefined, romanPages: number): Diagnostic[] {
  const marks = new Map(chapters.flatMap((chapter) => (chapter.indexMarks ?? []).map((mark) => [mark.id, { file: chapter.file, mark }] as const)));
  const found: Diagnostic[] = [];
  const lines = index.entries.flatMap((entry) => [{ key: entry.key, places: entry.places }, ...entry.subentries.map((sub) => ({ key: `${entry.key}, ${sub.key}`, places: sub.places }))]);
  for (const line of lines) {
    const placed = line.places.flatMap((p) => (pageOf[p.id] ? [{ id: p.id, page: (pageOf[p.id] as { page: number }).page }] : []));
    for (const [from, to] of pageRuns(placed.map((p) => p.page), romanPages)) {
      if (partOf(from) === partOf(to)) continue;
      const last = marks.get(placed.find((p) => p.page === to)?.id ?? '');
      if (!last) continue;
      const range = `${folioLabel(from, romanPages)}–${folioLabel(to, romanPages)}`;
      found.push(diagnostic('index/range-across-parts', { file: last.file, line: last.mark.line, column: last.mark.column, page: to }, `"${line.key}": the index prints pages ${range} as one range, but it runs from ${partName(partOf(from))} into ${partName(partOf(to))}`));
    }
  }
  return found;
}

function partName(part: number | undefined): string {
  return part === undefined ? 'a text outside the parts' : `part ${part + 1}`;
}

export const INDEX_ID = 'register';

/**
 * The index as print sets it: one paragraph an entry, its pages after it (from `pages`, the printed page of
 * every place's id) and its "zie ook"; without pages (the preview, or before the other units are laid out) only
 * the names.
 */
export function printIndexHtml(index: BookIndex, seeAlso: string, pages?: { of: Record<string, number>; romanPages: number }): string {
  const numbers = (places: readonly IndexPlace[]): string => {
    const printed = pages ? pageRanges(places.flatMap((p) => (pages.of[p.id] !== undefined ? [pages.of[p.id] as number] : [])), pages.romanPages) : '';
    return printed ? ` <span class="index-pages">${printed}</span>` : '';
  };
  const entries = index.entries.map((entry) => {
    const see = entry.see.length ? `<span class="index-see">${entry.places.length ? '; ' : ' '}<em>${escapeHtml(seeAlso)}</em> ${entry.see.map(escapeHtml).join('; ')}</span>` : '';
    // A sub-entry keeps to its entry's column: an entry and its sub-entries are one block.
    const subentries = entry.subentries.map((sub) => `\n<span class="index-subentry"><span class="index-subkey">${escapeHtml(sub.key)}</span>${numbers(sub.places)}</span>`).join('');
    return `<p class="index-entry"><span class="index-key">${escapeHtml(entry.key)}</span>${numbers(entry.places)}${see}${subentries}</p>`;
  });
  return `<section class="chapter index" id="${INDEX_ID}">
<h1 id="${INDEX_ID}-title">${escapeHtml(index.title)}</h1>
<div class="index-entries">
${entries.join('\n')}
</div>
</section>`;
}

/**
 * The index in the EPUB and on the web: each entry links to its places, each link named by the heading the
 * place stands under (places under one heading one link), then its "zie ook".
 */
export function linkedIndexHtml(index: BookIndex, seeAlso: string, href: (place: IndexPlace) => string, placeText: (place: IndexPlace) => string): string {
  const linked = (places: readonly IndexPlace[]): string[] => {
    const links: string[] = [];
    let previous = '';
    for (const place of places) {
      const text = placeText(place);
      if (text === previous) continue;
      previous = text;
      links.push(`<a href="${escapeHtml(href(place))}">${escapeHtml(text)}</a>`);
    }
    return links;
  };
  return index.entries
    .map((entry) => {
      const links = linked(entry.places);
      const see = entry.see.length ? `${links.length ? '; ' : ' '}<em>${escapeHtml(seeAlso)}</em> ${entry.see.map(escapeHtml).join('; ')}` : '';
      const subentries = entry.subentries.length
        ? `\n<ul class="index-subentries">${entry.subentries.map((sub) => `<li class="index-subentry"><span class="index-subkey">${escapeHtml(sub.key)}</span>: ${linked(sub.places).join(', ')}</li>`).join('')}</ul>`
        : '';
      return `<li class="index-entry"><span class="index-key">${escapeHtml(entry.key)}</span>${links.length ? `: ${links.join(', ')}` : ''}${see}${subentries}</li>`;
    })
    .join('\n');
}
