import { DiskMemo, digest } from './disk-memo.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { configFileProblems } from './config/config-files.ts';
import { loadConfig } from './config/load-config.ts';
import type { BookConfig, ChapterKind } from './config/schema.ts';
import { contentsEntries, contentsParts, numberLabel, type RunningHeadsOverride } from './book-structure.ts';
import { numberedReferenceTexts, numbersThem, numberTables, tableWord } from './numbered-captions.ts';
import { BuildError, diagnostic, hasErrors, type Diagnostic, type Place } from './diagnostics.ts';
import type { RuleId } from './rules.ts';
import type { Token } from 'markdown-it';
import { hyphenatorFor } from './language/hyphenation-patterns.ts';
import { punctuationFor } from './language/punctuation.ts';
import { resolveManuscriptFile } from './manuscript-files.ts';
import { decodeUtf8 } from './text-encoding.ts';
import { createMarkdown } from './markdown/create-markdown.ts';
import type { NoteDefinition, NotesEnv } from './markdown/notes.ts';
import { BIBLIOGRAPHY_FALLBACK, BIBLIOGRAPHY_PLACEHOLDER, parseAroundCitations, type CitationsEnv } from './markdown/citations.ts';
import { loadCitations, renderSourcesSection, type BookCitations } from './citations/book-citations.ts';
import { citationPool } from './citations/citation-pool.ts';
import type { CitationRequest, RenderedCitation } from './citations/csl.ts';
import type { ImageReference, ImagesEnv } from './markdown/images.ts';
import { resolveImages, type BookImage } from './images.ts';
import { buildIndex, type BookIndex } from './book-index/book-index.ts';
import { parseNames, type IndexName } from './book-index/names.ts';
import type { IndexMark, IndexMarksEnv } from './markdown/index-marks.ts';
import { labelsFor } from './language/labels.ts';
import { crossReferenceTargets, unresolvedCrossReferences, type CrossReferenceTarget } from './cross-references.ts';

export interface Heading {
  level: number;
  text: string;
  id: string;
  line: number;
}

export interface Chapter {
  index: number;
  /** Path as printed in messages (relative to the working directory). */
  file: string;
  /** Anchor id of the chapter; also the prefix of its heading ids. */
  id: string;
  title: string;
  headings: Heading[];
  /** Body HTML with `<span data-note-ref>` placeholders where notes are called. */
  html: string;
  notes: NoteDefinition[];
  /** The Markdown as written, for checks that read the source itself. */
  source: string;
  /** Citation keys in reading order (when the book has a bibliography). */
  citedKeys?: string[];
  /** The images as the chapter names them, in order (`<img data-image="k">` in `html`). */
  imageReferences: ImageReference[];
  /** The images found, inside the manuscript and decoded (one that is not is an error in `diagnostics`). */
  images: BookImage[];
  /** What the text is (book.yaml `contents:`); `chapter` for a flat `chapters:` list. */
  kind: ChapterKind;
  /** Who wrote it, when book.yaml says (the chapter's `author:`, else its part's). */
  author?: string;
  /** "Hoofdstuk I" and "I", when chapters are numbered (`numbering.chapters`) and this is one. */
  number?: { label: string; number: string };
  /** Index into `Book.parts` of the part it is in. */
  part?: number;
  /** Its running heads where book.yaml's `contents:` says (its own, else its part's), over `print.runningHeads`. */
  runningHeads?: RunningHeadsOverride;
  /** Places for the index of persons, in reading order (markdown/index-marks.ts). */
  indexMarks?: IndexMark[];
}

/** A part of the book (book.yaml `contents:`), opening with a title page of its own. */
export interface Part {
  index: number;
  /** Anchor id: `part1`, `part2`, … */
  id: string;
  title: string;
  author?: string;
  /** "Deel I" and "I", unless `numbering.parts` is `none`. */
  number?: { label: string; number: string };
  /** Its chapters, as indexes into `Book.chapters`. */
  chapters: number[];
}

/** The one model every target reads. */
export interface Book {
  config: BookConfig;
  manuscriptDir: string;
  chapters: Chapter[];
  /** The parts, in order; none (or left out) for a book without them. */
  parts?: Part[];
  /** What reading found: warnings and infos (errors stop `loadBook`, not `readBook`). */
  diagnostics: Diagnostic[];
  /** book.yaml as named in messages, and where a key's value sits in it. */
  configFile: string;
  locateConfig(keyPath: readonly (string | number)[]): { line: number; column: number };
  /** The bibliography and CSL style, when book.yaml has `citations:`. */
  citations?: BookCitations;
  /** The generated list of cited sources, placed by each target at the end of the book. */
  bibliography?: { title: string; html: string };
  /** What cross-references (`[@sec:staat]`) can name: cross-references.ts. */
  crossReferences?: Map<string, CrossReferenceTarget>;
  /** The index of persons, when book.yaml has `index:`. */
  index?: BookIndex;
}

export interface LoadBookOptions {
  manuscriptDir: string;
  /** Keeps rendered citations between builds (citeproc is the slowest part of reading). */
  cacheDir?: string;
  /** Rendered chapters kept by a long-running caller (the preview) between reads: an unchanged chapter is
   * not rendered again. Keyed by everything rendering reads. */
  renderedChapters?: Map<string, RenderedChapter>;
}

/** A chapter as rendering left it, with what rendering found in it. */
export interface RenderedChapter {
  chapter: Chapter;
  diagnostics: Diagnostic[];
}

/** Reads the manuscript into the book model; stops on errors (with every error found). */
export async function loadBook(options: LoadBookOptions): Promise<Book> {
  const book = await readBook(options);
  if (hasErrors(book.diagnostics)) throw new BuildError(book.diagnostics);
  return book;
}

/** Reads as much of the manuscript as it can and reports every problem; only a bad book.yaml throws. */
export async function readBook({ manuscriptDir, cacheDir, renderedChapters }: LoadBookOptions): Promise<Book> {
  const dir = path.resolve(manuscriptDir);
  const display = (file: string): string => path.relative(process.cwd(), file) || file;
  const { config, file: configFile, locate } = await loadConfig(dir, display(dir));
  const fileProblems = configFileProblems(config, dir, configFile, locate);
  if (hasErrors(fileProblems)) throw new BuildError(fileProblems);
  const diagnostics: Diagnostic[] = [];
  const chapters: Chapter[] = [];
  const entries = contentsEntries(config);
  // A book of chapters has their citations rendered on other threads (chapters are independent: csl.ts), the
  // first of which starts now, to compile the style while the sources and chapters are read. One chapter's
  // citations are rendered in line: in order, on one engine, as a thread would, and a thread's start is not free.
  const pool = config.citations && entries.length > 1 ? citationPool() : undefined;
  if (config.citations) pool?.start({ config: config.citations, manuscriptDir: dir, language: config.language });
  const citations = config.citations ? await loadCitations(config.citations, dir, display, configFile, locate, cacheDir ? new DiskMemo(cacheDir) : undefined, config.language, pool) : undefined;
  const names = config.index?.names ? await readNames(dir, config.index.names, display, diagnostics) : undefined;
  const indexNames = (names ?? []).flatMap((n) => [n.key, ...n.aliases].map((name) => ({ name, key: n.key }))).sort((a, b) => b.name.length - a.name.length);
  // What every chapter's rendering reads besides its own source: book.yaml, the style, the sources, the names.
  const setupKey = renderedChapters
    ? digest([JSON.stringify(config), citations?.styleKey ?? '', JSON.stringify(citations ? [...citations.bibliography.entries].map(([id, entry]) => [id, entry.item]) : []), JSON.stringify(indexNames)])
    : '';
  if (renderedChapters && renderedChapters.size > 4 * entries.length) renderedChapters.clear();
  // Every chapter is parsed first, its citations sent to the pool as it is; each is rendered to HTML once its
  // citations are back. What reading a chapter finds is kept with it, and reported in the chapters' order.
  const readings: { problems: Diagnostic[]; entry: (typeof entries)[number]; file: string; citedKeys?: string[]; rendered?: Promise<RenderedChapter> }[] = [];
  // Every chapter file is asked for at once, not one after another: each read is a round trip to libuv's
  // threads, and a watching build reads every file on every save. Awaited in order below.
  const files = entries.map((entry) => {
    const located = resolveManuscriptFile(dir, entry.file);
    const bytes = located.kind === 'inside' ? readFile(located.real) : undefined;
    bytes?.catch(() => undefined);
    return bytes;
  });
  for (const [index, entry] of entries.entries()) {
    const relative = entry.file;
    const absolute = path.resolve(dir, relative);
    const file = display(absolute);
    const listedAt = locate(entry.keyPath);
    const reading: (typeof readings)[number] = { problems: [], entry, file };
    readings.push(reading);
    const problem = (rule: RuleId, message: string, at: Place = { file: configFile, ...listedAt }): void => {
      reading.problems.push(diagnostic(rule, at, message));
    };
    // Outside the folder or a URL was refused with book.yaml (config-files.ts); here it is only missing.
    const read = files[index];
    let bytes: Buffer;
    try {
      if (!read) throw new Error('not inside');
      bytes = await read;
    } catch (error) {
      const folder = (error as NodeJS.ErrnoException).code === 'EISDIR';
      problem('manuscript/missing-chapter', folder ? `chapter file "${relative}" is a folder, not a file` : `chapter file "${relative}" not found (looked for ${display(absolute)})`);
      continue;
    }
    const decoded = decodeUtf8(bytes);
    if (!decoded.ok) {
      problem('manuscript/encoding', decoded.message, { file, line: decoded.line, column: decoded.column });
      continue;
    }
    const source = decoded.text;
    if (source.trim() === '') problem('manuscript/empty-chapter', `chapter file "${relative}" is empty: it makes a chapter of nothing`);
    const key = renderedChapters ? digest([String(index), file, source, setupKey]) : '';
    const kept = renderedChapters?.get(key);
    if (kept) {
      reading.citedKeys = kept.chapter.citedKeys;
      reading.rendered = Promise.resolve(kept);
      continue;
    }
    const found: Diagnostic[] = [];
    const parsed = parseChapter({ index, file, source, config, diagnostics: found, citations, indexNames }, true);
    reading.citedKeys = parsed.citedKeys;
    reading.rendered = (parsed.citations && citations ? citations.renderAhead(parsed.citations) : Promise.resolve(undefined)).then((citationsRendered) => {
      const rendered = { chapter: parsed.finish(citationsRendered), diagnostics: found };
      renderedChapters?.set(key, rendered);
      return rendered;
    });
    // Awaited below, in order; failing before then is not an unhandled rejection.
    reading.rendered.catch(() => undefined);
  }
  // The list of sources is rendered beside the chapters' citations.
  const generating = citations ? renderSourcesSection(citations, readings) : Promise.resolve(undefined);
  generating.catch(() => undefined);
  let chapterNumber = 0;
  for (const { problems, entry, file, rendered } of readings) {
    diagnostics.push(...problems);
    if (!rendered) continue;
    const { chapter, diagnostics: found } = await rendered;
    diagnostics.push(...found);
    // Image files are read on every read (a rendered chapter is kept by its source, not by its images').
    const resolved = await resolveImages(chapter.imageReferences, file, dir);
    diagnostics.push(...resolved.diagnostics);
    const number = entry.kind === 'chapter' ? numberLabel('chapter', ++chapterNumber, config) : undefined;
    chapters.push({
      ...chapter,
      images: resolved.images,
      kind: entry.kind,
      ...(entry.author ? { author: entry.author } : {}),
      ...(number ? { number } : {}),
      ...(entry.part !== undefined ? { part: entry.part } : {}),
      ...(entry.runningHeads ? { runningHeads: entry.runningHeads } : {}),
    });
  }
  const parts: Part[] = contentsParts(config).map((part, i) => {
    const number = numberLabel('part', i + 1, config);
    return {
      index: i,
      id: `part${i + 1}`,
      title: part.title,
      ...(part.author ? { author: part.author } : {}),
      ...(number ? { number } : {}),
      chapters: chapters.flatMap((c, k) => (c.part === i ? [k] : [])),
    };
  });
  numberFigures(config, chapters);
  const tables = numbersThem('tbl', config.tables.numbering, chapters) ? numberTables(chapters.map((c) => c.html), tableWord(config)) : undefined;
  tables?.htmls.forEach((html, i) => (chapters[i] = { ...(chapters[i] as Chapter), html }));
  const crossReferences = crossReferenceTargets(chapters, numberedReferenceTexts(config, chapters, tables?.ids ?? new Map()));
  diagnostics.push(...unresolvedCrossReferences(chapters, crossReferences));
  let index: BookIndex | undefined;
  if (config.index) {
    const built = buildIndex(chapters, names, config.index.names ? display(path.resolve(dir, config.index.names)) : '', config.index.title ?? labelsFor(config.language, config.labels).index);
    index = built.index;
    diagnostics.push(...built.diagnostics);
  }
  if (config.print.hyphenation.enabled && !hyphenatorFor(config.language)) {
    const { line, column } = locate(['language']);
    diagnostics.push(diagnostic('hyphenation/no-patterns', { file: configFile, line, column }, `no hyphenation patterns for language "${config.language}": the text is set without hyphenation (print.hyphenation.enabled: false says so)`));
  }
  const bibliography = placeBibliography(chapters, await generating);
  return { config, manuscriptDir: dir, chapters, parts, diagnostics, configFile, locateConfig: locate, citations, bibliography, crossReferences, ...(index ? { index } : {}) };
}

export interface ChapterSource {
  index: number;
  file: string;
  source: string;
  config: BookConfig;
  /** Receives what the Markdown stage finds (undefined note references, ...). */
  diagnostics: Diagnostic[];
  citations?: BookCitations;
  /** The names the index's list finds in the text (longest first), with their entries' keys. */
  indexNames?: readonly { name: string; key: string }[];
}

/** The index's list of names (book.yaml `index.names`), read as a chapter is; a problem is a diagnostic. */
async function readNames(dir: string, relative: string, display: (file: string) => string, diagnostics: Diagnostic[]): Promise<IndexName[] | undefined> {
  const located = resolveManuscriptFile(dir, relative);
  if (located.kind !== 'inside') {
    diagnostics.push(diagnostic('index/names', { file: display(dir) }, `the list of names "${relative}" is not a file in the manuscript folder`));
    return undefined;
  }
  let text: string;
  try {
    text = await readFile(located.real, 'utf8');
  } catch {
    diagnostics.push(diagnostic('index/names', { file: display(located.absolute) }, `the list of names "${relative}" was not found`));
    return undefined;
  }
  const parsed = parseNames(text, display(located.absolute));
  diagnostics.push(...parsed.diagnostics);
  return parsed.names;
}

export function renderChapter(source: ChapterSource): Chapter {
  return parseChapter(source, false).finish();
}

/** A chapter parsed, its citations not yet rendered: `finish` renders it to HTML once they are. */
interface ParsedChapter {
  /** The chapter's citations in reading order, for `finish`; none when it has none. */
  citations?: CitationRequest[];
  citedKeys?: string[];
  /** The chapter, with its citations as rendered (`citations`'s answer, when there were any). */
  finish(rendered?: RenderedCitation[]): Chapter;
}

/**
 * Parses a chapter. With `deferCitations` its citations are left for the caller to render (readBook has them
 * rendered on other threads meanwhile) and handed to `finish`; otherwise they are rendered during the parse.
 */
function parseChapter({ index, file, source, config, diagnostics, citations, indexNames }: ChapterSource, deferCitations: boolean): ParsedChapter {
  const id = `ch${index + 1}`;
  const { hyphenation } = config.print;
  const md = createMarkdown({
    file,
    source,
    diagnostics,
    idPrefix: `${id}-`,
    hyphenation: hyphenation.enabled ? { ...hyphenation, language: config.language } : false,
    smartPunctuation: config.typography.smart ? { ...punctuationFor(config.language), ...(config.typography.quotes ? { quotes: config.typography.quotes } : {}) } : false,
    nonBreakingSpaces: config.typography.nonBreakingSpaces,
    noteSeries: config.notes.series,
    citations: citations?.renderer(),
    ...(citations ? { isCitationKey: (key: string) => citations.bibliography.entries.has(key) } : {}),
    ...(indexNames ? { indexNames } : {}),
  });
  const env: NotesEnv & CitationsEnv & ImagesEnv & IndexMarksEnv = {};
  const tokens = deferCitations ? undefined : md.parse(source, env);
  const parse = tokens ? { citations: undefined, finish: () => tokens } : parseAroundCitations(md, source, env);
  return {
    ...(parse.citations ? { citations: parse.citations } : {}),
    ...(env.citedKeys ? { citedKeys: env.citedKeys } : {}),
    finish(rendered) {
      const tokens = parse.finish(rendered);
      const headings: Heading[] = [];
      tokens.forEach((token: Token, i: number) => {
        if (token.type !== 'heading_open') return;
        headings.push({
          level: Number(token.tag.slice(1)),
          text: headingText(tokens[i + 1]),
          id: String(token.attrGet('id') ?? ''),
          line: (token.map?.[0] ?? 0) + 1,
        });
      });
      const html = md.renderer.render(tokens, md.options, env);
      const title = headings.find((h) => h.level === 1)?.text ?? headings[0]?.text ?? config.title;
      const chapter: Chapter = { index, file, id, title, headings, html, notes: env.notes ?? [], source, imageReferences: env.images ?? [], images: [], kind: 'chapter' };
      if (env.citedKeys) chapter.citedKeys = env.citedKeys;
      if (env.indexMarks?.length) chapter.indexMarks = env.indexMarks;
      return chapter;
    },
  };
}

/**
 * Puts the list of sources where the author asked for it (`::: {#refs}`, a heading with id `refs`), else
 * under a heading that ends the last chapter, as Pandoc does; otherwise it is a section of its own at the end
 * (returned, for the targets to place). Chapters are replaced, not changed: the preview keeps them.
 */
function placeBibliography(chapters: Chapter[], generated: { title: string; html: string } | undefined): { title: string; html: string } | undefined {
  const place = (marker: string, only?: number): boolean => {
    const index = chapters.findIndex((c, i) => (only === undefined || i === only) && c.html.includes(marker));
    if (index < 0) return false;
    const chapter = chapters[index]!;
    // In the chapter the list keeps the class that styles it where it is a section of its own.
    const list = generated ? `<div class="bibliography" id="${chapter.id}-refs-list">\n${generated.html}\n</div>` : '';
    chapters[index] = { ...chapter, html: chapter.html.replace(marker, list) };
    return true;
  };
  const placed = place(BIBLIOGRAPHY_PLACEHOLDER) || (generated !== undefined && place(BIBLIOGRAPHY_FALLBACK, chapters.length - 1));
  chapters.forEach((chapter, i) => {
    if (chapter.html.includes('data-bibliography')) {
      chapters[i] = { ...chapter, html: chapter.html.replace(BIBLIOGRAPHY_PLACEHOLDER, '').replace(BIBLIOGRAPHY_FALLBACK, '') };
    }
  });
  return placed ? undefined : generated;
}

/** A heading's text as it reads, without its Markdown (emphasis marks) and with the typography applied. */
function headingText(inline: Token | undefined): string {
  if (!inline?.children) return inline?.content ?? '';
  return inline.children.map((child) => (child.type === 'text' || child.type === 'code_inline' ? child.content : child.type === 'softbreak' ? ' ' : '')).join('');
}

/** Figures numbered through the book, in reading order, when book.yaml asks for it (`figures.numbering`) or,
 * left out, when the text refers to a figure. */
function numberFigures(config: BookConfig, chapters: Chapter[]): void {
  if (!numbersThem('fig', config.figures.numbering, chapters)) return;
  let number = 0;
  for (const chapter of chapters) {
    chapter.images = chapter.images.map((image) => (image.figure ? { ...image, figureNumber: ++number } : image));
  }
}
