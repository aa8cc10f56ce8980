import MarkdownIt from 'markdown-it';
import type { MarkdownIt as MarkdownItInstance } from 'markdown-it';
import markdownItAttrs from 'markdown-it-attrs';
import markdownItFootnote from 'markdown-it-footnote';
import type { Diagnostic } from '../diagnostics.ts';
import { citations, type CitationsOptions } from './citations.ts';
import { headingIds } from './heading-ids.ts';
import { hyphenation, type HyphenationOptions } from './hyphenation.ts';
import { notes } from './notes.ts';
import { sourceLines } from './source-lines.ts';

export interface MarkdownOptions {
  /** File name used in diagnostics. */
  file: string;
  source: string;
  diagnostics: Diagnostic[];
  idPrefix: string;
  hyphenation: HyphenationOptions | false;
  /** Pandoc citations rendered through CSL into notes; without it `[@key]` stays text. */
  citations?: CitationsOptions;
}

/** The manuscript dialect: CommonMark, footnotes, `{.class #id}` attributes, Dutch hyphenation. */
export function createMarkdown(options: MarkdownOptions): MarkdownItInstance {
  const md = new MarkdownIt({ html: false, typographer: false, linkify: false });
  md.use(markdownItFootnote);
  md.use(markdownItAttrs, { allowedAttributes: ['id', 'class', 'lang'] });
  md.use(notes, { file: options.file, source: options.source, diagnostics: options.diagnostics });
  if (options.citations) md.use(citations, options.citations);
  md.use(headingIds, { prefix: options.idPrefix });
  if (options.hyphenation) md.use(hyphenation, options.hyphenation);
  md.use(sourceLines);
  return md;
}
