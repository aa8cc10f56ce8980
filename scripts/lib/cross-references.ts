import { diagnostic, type Diagnostic } from './diagnostics.ts';
import { escapeHtml } from './html.ts';
import type { CrossReferenceKind } from './markdown/cross-references.ts';

/**
 * Cross-references across the book (`[@sec:staat]`, markdown/cross-references.ts): resolved once every
 * chapter is read, filled in by each format. Print says "blz. 23" (the number set after pagination); the
 * EPUB and the web edition link with the target's text (a heading's title, a figure's label, "noot 3").
 */

/** What a reference points at. */
export interface CrossReferenceTarget {
  /** The element's id in the print document and the web edition. */
  id: string;
  /** The chapter it is in (the EPUB's file). */
  chapter: string;
  /** What a link to it says in the EPUB and on the web. */
  text: string;
  /** A note: its number in its chapter (ids differ per format: print and web `-fn-`, the EPUB `-noot-`). */
  note?: number;
  /** A numbered figure or table: what `[@fig:…]` or `[@tbl:…]` prints in every format ("figuur 3"). */
  numbered?: string;
}

/** A reference as written in a chapter's HTML. */
export interface CrossReference {
  kind: CrossReferenceKind;
  /** What follows the prefix: an id, or a note's label. */
  name: string;
  line: number;
  column: number;
  /** Its markup in the chapter's HTML. */
  markup: string;
}

const REFERENCE_HTML = /<a class="xref" href="#([^"]*)" data-xref="([a-z]+)" data-xref-at="(\d+):(\d+)"><\/a>/g;

export function crossReferencesIn(html: string): CrossReference[] {
  return Array.from(html.matchAll(REFERENCE_HTML), (m) => ({
    name: unescape(m[1] as string),
    kind: m[2] as CrossReferenceKind,
    line: Number(m[3]),
    column: Number(m[4]),
    markup: m[0],
  }));
}

function unescape(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** What this module reads of a chapter of the book model (book.ts, which imports this module: named here, not imported). */
export interface ChapterText {
  id: string;
  file: string;
  title: string;
  html: string;
  headings: readonly { id: string; text: string }[];
  notes: readonly { label: string; number: number; html: string }[];
}

/**
 * Every target a reference can name: ids in the chapters (headings, figures, tables, spans `[…]{#id}`) and
 * notes by label; `numbered` says what a numbered figure or table is called (numbered-captions.ts).
 */
export function crossReferenceTargets(chapters: readonly ChapterText[], numbered: ReadonlyMap<string, { text: string }> = new Map()): Map<string, CrossReferenceTarget> {
  const targets = new Map<string, CrossReferenceTarget>();
  for (const chapter of chapters) {
    const headings = chapter.headings.map((h) => ({ ...h, at: chapter.html.indexOf(` id="${h.id}"`) }));
    for (const match of chapter.html.matchAll(/<(\w+)[^>]*? id="([^"]+)"/g)) {
      const id = unescape(match[2] as string);
      if (targets.has(`#${id}`)) continue;
      const heading = headings.find((h) => h.id === id);
      // An id that is not a heading's reads as the heading it stands under, or the chapter's title.
      const under = headings.filter((h) => h.at >= 0 && h.at <= (match.index ?? 0)).at(-1);
      const text = heading?.text ?? under?.text ?? chapter.title;
      const number = numbered.get(id);
      targets.set(`#${id}`, { id, chapter: chapter.id, text, ...(number ? { numbered: number.text } : {}) });
    }
    for (const note of chapter.notes) targets.set(`note:${chapter.id}:${note.label}`, { id: `${chapter.id}-fn-${note.number}`, chapter: chapter.id, text: '', note: note.number });
  }
  return targets;
}

/** What a reference to a figure or table prints in every format when the target is numbered: "figuur 3". */
export function numberedText(target: CrossReferenceTarget, reference: Pick<CrossReference, 'kind'>): string | undefined {
  return reference.kind === 'fig' || reference.kind === 'tbl' ? target.numbered : undefined;
}

/** The target of a reference in `chapter`, if there is one: a note's label is looked for in its own chapter first. */
export function resolveCrossReference(reference: Pick<CrossReference, 'kind' | 'name'>, chapter: string, targets: Map<string, CrossReferenceTarget>): CrossReferenceTarget | undefined {
  if (reference.kind === 'note') {
    const own = targets.get(`note:${chapter}:${reference.name}`);
    if (own) return own;
    return [...targets].find(([key]) => key.startsWith('note:') && key.endsWith(`:${reference.name}`))?.[1];
  }
  return targets.get(`#${reference.name}`);
}

/** Every reference that names nothing, at its place in the manuscript (in the text or in a note). */
export function unresolvedCrossReferences(chapters: readonly ChapterText[], targets: Map<string, CrossReferenceTarget>): Diagnostic[] {
  return chapters.flatMap((chapter) =>
    crossReferencesIn([chapter.html, ...chapter.notes.map((n) => n.html)].join('\n'))
      .filter((reference) => !resolveCrossReference(reference, chapter.id, targets))
      .map((reference) =>
        diagnostic(
          'manuscript/unresolved-reference',
          { file: chapter.file, line: reference.line, column: reference.column },
          reference.kind === 'note'
            ? `cross-reference [@note:${reference.name}] names no note: no footnote [^${reference.name}] in the book`
            : `cross-reference [@${reference.kind}:${reference.name}] names nothing: no heading, figure or span has {#${reference.name}}`,
        ),
      ),
  );
}

/** A chapter's HTML with each reference written as `write` makes it (an unresolved one, reported, as its text). */
export function fillCrossReferences(html: string, chapter: string, targets: Map<string, CrossReferenceTarget>, write: (target: CrossReferenceTarget, reference: CrossReference) => string): string {
  if (!html.includes('class="xref"')) return html;
  return html.replace(REFERENCE_HTML, (markup: string, name: string, kind: string, line: string, column: string) => {
    const reference: CrossReference = { name: unescape(name), kind: kind as CrossReferenceKind, line: Number(line), column: Number(column), markup };
    const target = resolveCrossReference(reference, chapter, targets);
    return target ? write(target, reference) : escapeHtml(`[@${kind}:${reference.name}]`);
  });
}

/** A chapter with the references in its text and its notes written by `write`. */
export function withCrossReferences<C extends ChapterText>(chapter: C, targets: Map<string, CrossReferenceTarget> | undefined, write: (target: CrossReferenceTarget, reference: CrossReference) => string): C {
  if (!targets) return chapter;
  return {
    ...chapter,
    html: fillCrossReferences(chapter.html, chapter.id, targets, write),
    notes: chapter.notes.map((note) => ({ ...note, html: fillCrossReferences(note.html, chapter.id, targets, write) })),
  };
}

/** The ids a chapter's references print the page of (print: "blz. 23"). */
export function pageReferenceIds(html: string): string[] {
  return [...new Set(Array.from(html.matchAll(/data-xref-page="([^"]+)"/g), (m) => unescape(m[1] as string)))];
}
