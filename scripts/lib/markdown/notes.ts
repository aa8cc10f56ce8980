import type { MarkdownIt } from 'markdown-it';
import type { StateCore } from 'markdown-it';
import type { Token } from 'markdown-it';
import { diagnostic, type Diagnostic } from '../diagnostics.ts';
import type { RuleId } from '../rules.ts';
import { DEFAULT_SERIES, labelSeries, numberInSeries } from './note-series.ts';

/** A footnote as the book model keeps it: rendered once, placed by each target in its own way. */
export interface NoteDefinition {
  /** 1-based number in order of first reference within the chapter, over all series: the note's key. */
  number: number;
  label: string;
  /** The series (`ed` for `[^ed:label]`), DEFAULT_SERIES for the author's notes. */
  series: string;
  /** 1-based number within its series in the chapter, in order of first reference. */
  seriesNumber: number;
  /** Inline HTML of the note's text (paragraphs as `<span class="note-para">`). */
  html: string;
  /** Source line of the definition. */
  line: number;
}

export interface NotesEnv {
  notes?: NoteDefinition[];
  [key: string | symbol]: unknown;
}

export interface NotesOptions {
  file: string;
  source: string;
  diagnostics: Diagnostic[];
  /** The series book.yaml declares (`notes.series`), by id, with the text printed after each of their notes. */
  series?: readonly { id: string; suffix?: string }[];
}

/** markdown-it-footnote's list of notes; an inline note (`^[text]`) has its text and no label. */
interface InlineNoteEntry {
  label?: string;
  content?: string;
  tokens?: Token[];
  /** The source line of an inline note's call (set here: the note has no block of its own). */
  callLine?: number;
}

interface FootnotesEnv {
  footnotes?: { list?: InlineNoteEntry[] };
}

/**
 * An inline note's place is its call's: finds `^[text]` in the paragraph's source from `from` on and records
 * the line on the note's entry (which the citations plugin may move when it renumbers). Returns where to look
 * for the next call.
 */
function placeInlineNote(ref: Token, inline: Token, env: FootnotesEnv, from: number): number {
  const entry = env.footnotes?.list?.[Number(ref.meta?.id)];
  if (!entry || entry.label !== undefined || entry.content === undefined || !inline.map) return from;
  const at = inline.content.indexOf(`^[${entry.content}]`, from);
  if (at < 0) return from;
  entry.callLine = inline.map[0] + 1 + (inline.content.slice(0, at).match(/\n/g)?.length ?? 0);
  return at + entry.content.length + 3;
}

/** Marks where a note is called; targets replace it (print: the note itself, floated to the page foot). */
export function noteRefPlaceholder(number: number): string {
  return `<span data-note-ref="${number}"></span>`;
}
export const NOTE_REF_PATTERN = /<span data-note-ref="(\d+)"><\/span>/g;

/**
 * Works on top of markdown-it-footnote: checks that every reference has a definition and every definition
 * is referenced, then lifts the notes out of the token stream into `env.notes` and leaves a placeholder at
 * each call.
 */
export function notes(md: MarkdownIt, options: NotesOptions): void {
  const sourceLines = options.source.split('\n');
  const report = (line: number, column: number, rule: RuleId, message: string): void => {
    options.diagnostics.push(diagnostic(rule, { file: options.file, line, column }, message));
  };

  md.core.ruler.before('footnote_tail', 'notes_check', (state) => {
    const definitions = new Map<string, number>();
    let pendingLabel: string | undefined;
    const referenced = new Set<string>();
    let blockLine = 0;
    /** The label of the note definition being read, while its tokens go by. */
    let inDefinition: string | undefined;
    for (const token of state.tokens) {
      if (token.map) blockLine = token.map[0];
      if (token.type === 'footnote_reference_open') inDefinition = String(token.meta?.label);
      if (token.type === 'footnote_reference_close') inDefinition = undefined;
      if (token.type === 'footnote_reference_open') pendingLabel = String(token.meta?.label);
      else if (pendingLabel !== undefined && token.map) {
        const line = token.map[0] + 1;
        if (definitions.has(pendingLabel)) {
          report(line, 1, 'notes/duplicate-label', `footnote [^${pendingLabel}] is defined twice (first on line ${definitions.get(pendingLabel)})`);
        } else definitions.set(pendingLabel, line);
        pendingLabel = undefined;
      }
      if (token.type !== 'inline' || !token.children) continue;
      let searchFrom = 0;
      for (const child of token.children) {
        if (child.type === 'footnote_ref') for (const label of findNestedNotes(child, token, state.env as FootnotesEnv, inDefinition)) referenced.add(label);
        if (child.type === 'footnote_ref') referenced.add(String(child.meta?.label));
        if (child.type === 'footnote_ref') searchFrom = placeInlineNote(child, token, state.env as FootnotesEnv, searchFrom);
        if (child.type === 'text') findUndefinedRefs(child, token, blockLine);
      }
    }
    // A prefix names a series; one book.yaml does not declare is an error at each note's first call.
    const known = new Set((options.series ?? []).map((s) => s.id));
    const reported = new Set<string>();
    for (const token of state.tokens) {
      if (token.type !== 'inline' || !token.children) continue;
      for (const child of token.children) {
        const label = child.type === 'footnote_ref' && child.meta?.label !== undefined ? String(child.meta.label) : undefined;
        const series = label === undefined ? undefined : labelSeries(label);
        if (label === undefined || series === undefined || known.has(series) || reported.has(label)) continue;
        reported.add(label);
        const [line, column] = sourcePlace(`[^${label}]`, token, `[^${label}]:`);
        const declared = known.size ? `book.yaml declares ${[...known].map((id) => `"${id}"`).join(', ')}` : 'book.yaml declares none';
        report(line, column, 'notes/unknown-series', `note [^${label}] names the series "${series}", which book.yaml \`notes: series:\` does not declare (${declared})`);
      }
    }
    for (const [label, line] of definitions) {
      if (!referenced.has(label)) {
        const column = (sourceLines[line - 1] ?? '').indexOf(`[^${label}]`) + 1;
        report(line, Math.max(column, 1), 'notes/unused-definition', `footnote [^${label}] is defined but never referenced`);
      }
    }
  });

  /**
   * A note called inside a note (a reference in a note's definition, or in an inline note's text) has no
   * place in any format: print sets notes at the page foot, where a note's own note cannot go, and the EPUB's
   * footnotes cannot hold a note reference. It is an error where the inner note is called.
   */
  function findNestedNotes(ref: Token, inline: Token, env: FootnotesEnv, inDefinition: string | undefined): string[] {
    // The reference's own label (markdown-it-footnote numbers a note inside an inline note unreliably).
    const labelOf = (token: Token): string | undefined => (token.meta?.label === undefined ? undefined : String(token.meta.label));
    const needle = (label: string | undefined): string => (label === undefined ? '^[' : `[^${label}]`);
    const name = (label: string | undefined): string => (label === undefined ? 'an inline note' : `note [^${label}]`);
    if (inDefinition !== undefined) {
      const [line, column] = sourcePlace(needle(labelOf(ref)), inline, `[^${inDefinition}]:`);
      report(line, column, 'notes/nested', `${name(labelOf(ref))} is called inside note [^${inDefinition}]: a note cannot have a note of its own; put its text in the note itself`);
      return [];
    }
    const entry = env.footnotes?.list?.[Number(ref.meta?.id)];
    if (labelOf(ref) !== undefined || !entry) return [];
    /** Labelled notes called from inside the inline note: referenced, if wrongly (not also "never referenced"). */
    const called: string[] = [];
    // An inline note: markdown-it-footnote read its text apart; a reference in it is a note in a note.
    for (const child of entry.tokens ?? []) {
      if (child.type !== 'footnote_ref') continue;
      const [line, column] = sourcePlace(needle(labelOf(child)), inline, undefined, `^[${entry.content ?? ''}`);
      report(line, column, 'notes/nested', `${name(labelOf(child))} is called inside an inline note: a note cannot have a note of its own; put its text in the note itself`);
      const label = labelOf(child);
      if (label !== undefined) called.push(label);
    }
    return called;
  }

  /** Line and column of `needle` in an inline token's source lines (after `within`, if given; never a
   * definition's own label `skip`). */
  function sourcePlace(needle: string, inline: Token, skip?: string, within?: string): [number, number] {
    const first = inline.map?.[0] ?? 0;
    const last = inline.map?.[1] ?? first + 1;
    const text = sourceLines.slice(first, last).join('\n');
    let from = within ? Math.max(0, text.indexOf(within)) + (within.startsWith('^[') ? 2 : 0) : 0;
    for (;;) {
      const at = text.indexOf(needle, from);
      if (at < 0) return [first + 1, 1];
      if (skip && text.startsWith(skip, at)) {
        from = at + skip.length;
        continue;
      }
      const before = text.slice(0, at);
      const line = first + 1 + (before.match(/\n/g)?.length ?? 0);
      return [line, at - (before.lastIndexOf('\n') + 1) + 1];
    }
  }

  /** markdown-it-footnote leaves a reference without definition as literal text: find it in the source. */
  function findUndefinedRefs(child: Token, inline: Token, blockLine: number): void {
    for (const match of child.content.matchAll(/\[\^([^\]\s]+)\]/g)) {
      const needle = match[0];
      const first = inline.map ? inline.map[0] : blockLine;
      const last = inline.map ? inline.map[1] : blockLine + 1;
      let line = first + 1;
      let column = 1;
      for (let l = first; l < last; l++) {
        const at = (sourceLines[l] ?? '').indexOf(needle);
        if (at >= 0) {
          line = l + 1;
          column = at + 1;
          break;
        }
      }
      report(line, column, 'notes/undefined-reference', `footnote reference ${needle} has no definition`);
    }
  }

  md.core.ruler.after('footnote_tail', 'notes_extract', (state: StateCore) => {
    const env = state.env as NotesEnv;
    const footnotes = env.footnotes as FootnotesEnv['footnotes'];
    const list = footnotes?.list ?? [];
    const definitions: NoteDefinition[] = [];
    const start = state.tokens.findIndex((t) => t.type === 'footnote_block_open');
    if (start < 0) {
      env.notes = definitions;
      return;
    }
    let current: { id: number; inlines: Token[]; line: number } | undefined;
    for (const token of state.tokens.slice(start)) {
      if (token.type === 'footnote_open') {
        const id = Number(token.meta?.id);
        current = { id, inlines: [], line: (list[id] as InlineNoteEntry | undefined)?.callLine ?? 0 };
      }
      else if (current && token.type === 'inline') {
        current.inlines.push(token);
        if (!current.line && token.map) current.line = token.map[0] + 1;
      } else if (current && token.type === 'footnote_close') {
        const html = current.inlines
          .map((inline) => `<span class="note-para">${md.renderer.renderInline(inline.children ?? [], md.options, env)}</span>`)
          .join('');
        const label = list[current.id]?.label ?? String(current.id + 1);
        const prefix = list[current.id]?.label === undefined ? undefined : labelSeries(label);
        const series = (options.series ?? []).find((s) => s.id === prefix);
        const suffix = series?.suffix ? ` <span class="note-suffix">${md.utils.escapeHtml(series.suffix)}</span>` : '';
        definitions.push({ number: current.id + 1, label, series: series?.id ?? DEFAULT_SERIES, seriesNumber: 0, html: appendToLastPara(html, suffix), line: current.line });
        current = undefined;
      }
    }
    state.tokens = state.tokens.slice(0, start);
    env.notes = numberInSeries(definitions);
  });

  md.renderer.rules.footnote_ref = (tokens, idx) => noteRefPlaceholder(Number(tokens[idx]?.meta?.id) + 1);
}

/** Text added at the end of a note's last paragraph (a series' suffix such as "(vert.)"). */
function appendToLastPara(html: string, addition: string): string {
  if (!addition) return html;
  const end = html.lastIndexOf('</span>');
  return end < 0 ? html + addition : html.slice(0, end) + addition + html.slice(end);
}
