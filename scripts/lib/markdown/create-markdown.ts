import MarkdownIt from 'markdown-it';
import type { MarkdownIt as MarkdownItInstance } from 'markdown-it';
import markdownItAttrs from 'markdown-it-attrs';
import markdownItBracketedSpans from 'markdown-it-bracketed-spans';
import markdownItDeflist from 'markdown-it-deflist';
import { markdownItFancyListPlugin } from 'markdown-it-fancy-lists';
import markdownItFootnote from 'markdown-it-footnote';
import markdownItSub from 'markdown-it-sub';
import markdownItSup from 'markdown-it-sup';
import type { Diagnostic } from '../diagnostics.ts';
import { citations, type CitationsOptions } from './citations.ts';
import { code } from './code.ts';
import { crossReferences } from './cross-references.ts';
import { headingIds } from './heading-ids.ts';
import { hyphenation, type HyphenationOptions } from './hyphenation.ts';
import { images } from './images.ts';
import { indexMarks } from './index-marks.ts';
import { lineBlocks } from './line-blocks.ts';
import { links } from './links.ts';
import { nonBreakingSpaces } from './non-breaking-spaces.ts';
import { notes } from './notes.ts';
import { rawHtml } from './raw-html.ts';
import { smallCaps } from './small-caps.ts';
import { smartPunctuation, type SmartPunctuationOptions } from './smart-punctuation.ts';
import { sourceLines } from './source-lines.ts';
import { tables } from './tables.ts';

export interface MarkdownOptions {
  /** File name used in diagnostics. */
  file: string;
  source: string;
  diagnostics: Diagnostic[];
  idPrefix: string;
  hyphenation: HyphenationOptions | false;
  /** Straight quotes, dashes and ellipses typed plainly, as the book's language sets them. */
  smartPunctuation: SmartPunctuationOptions | false;
  nonBreakingSpaces: boolean;
  /** Note series besides the author's (book.yaml `notes.series`): `[^id:label]` calls a note of series `id`. */
  noteSeries?: readonly { id: string; suffix?: string }[];
  /** Pandoc citations rendered through CSL into notes; without it `[@key]` stays text. */
  citations?: CitationsOptions;
  /** The names the index's list finds in the text, with their entries' keys (book-index/names.ts). */
  indexNames?: readonly { name: string; key: string }[];
  /** Whether a key is one of the book's sources (`[@sec:x]` is then a citation, not a cross-reference). */
  isCitationKey?: (key: string) => boolean;
}

/**
 * The manuscript dialect: CommonMark with the Pandoc extensions a book is written in: footnotes and inline
 * notes (`^[...]`), `{.class #id}` attributes, bracketed spans (`[Tekst]{.smallcaps}`), fancy lists (`a.`,
 * `iv)`, `#.`, with `start`), definition lists, `^super^` and `~sub~`script, line blocks (`| `); hyphenation.
 */
export function createMarkdown(options: MarkdownOptions): MarkdownItInstance {
  const md = new MarkdownIt({ html: false, typographer: false, linkify: false });
  md.use(markdownItFancyListPlugin);
  md.use(markdownItFootnote);
  md.use(markdownItDeflist);
  md.use(markdownItSup);
  md.use(markdownItSub);
  md.use(lineBlocks);
  md.use(code);
  md.use(markdownItBracketedSpans);
  // `key` for the index's marks (`[Kautsky]{.person key="Kautsky, Karl"}`): index-marks.ts takes it off every element.
  md.use(markdownItAttrs, { allowedAttributes: ['id', 'class', 'lang', 'key'] });
  md.use(smallCaps);
  md.use(notes, { file: options.file, source: options.source, diagnostics: options.diagnostics, series: options.noteSeries ?? [] });
  // After notes (its names rule goes before the notes are lifted out), after markdown-it-attrs, before hyphenation.
  md.use(indexMarks, { prefix: options.idPrefix, source: options.source, names: options.indexNames ?? [] });
  md.use(rawHtml, { file: options.file, source: options.source, diagnostics: options.diagnostics });
  // Cross-references before citations: each puts its rule before links, so `[@sec:x]` is tried as a reference first.
  md.use(crossReferences, { source: options.source, ...(options.isCitationKey ? { isCitationKey: options.isCitationKey } : {}) });
  if (options.citations) md.use(citations, options.citations);
  if (options.smartPunctuation) md.use(smartPunctuation, options.smartPunctuation);
  if (options.nonBreakingSpaces) md.use(nonBreakingSpaces);
  // After notes and citations: its rule goes first after footnote_tail, before the notes are rendered.
  md.use(images, { file: options.file, source: options.source, diagnostics: options.diagnostics });
  md.use(links);
  md.use(headingIds, { prefix: options.idPrefix });
  if (options.hyphenation) md.use(hyphenation, options.hyphenation);
  md.use(tables);
  md.use(sourceLines);
  return md;
}
