import path from 'node:path';
import type { CitationsConfig } from '../config/schema.ts';
import { diagnostic, type Diagnostic } from '../diagnostics.ts';
import type { CitationsOptions } from '../markdown/citations.ts';
import { readBibliography, type Bibliography } from './bibliography.ts';
import { digest, type DiskMemo } from '../disk-memo.ts';
import { packageVersion } from '../paths.ts';
import { CslResourceError, loadStyle, renderBibliography, citeprocRequest, renderNoteCitations, type CslStyle, type NoteCitation } from './csl.ts';

/** What the book model keeps of its citations: the sources, the style, and what reading them found. */
export interface BookCitations {
  config: CitationsConfig;
  bibliography: Bibliography;
  /** Undefined when the configured style or locale is missing (reported in `diagnostics`). */
  style?: CslStyle;
  /** Problems in the bibliography file and the style settings; the citations check reports them. */
  diagnostics: Diagnostic[];
  /** Where rendered citations are kept between builds (none: render every time). */
  memo?: DiskMemo;
  /** Digest of the style, its locale and citeproc's version: part of every memo key. */
  styleKey: string;
  /** The Markdown plugin's options for one chapter. */
  renderer(): CitationsOptions | undefined;
}

export async function loadCitations(
  config: CitationsConfig,
  manuscriptDir: string,
  display: (file: string) => string,
  configFile: string,
  locate: (keyPath: readonly (string | number)[]) => { line: number; column: number },
  memo?: DiskMemo,
): Promise<BookCitations> {
  const diagnostics: Diagnostic[] = [];
  const absolute = path.resolve(manuscriptDir, config.bibliography);
  const bibliography = await readBibliography(absolute, display(absolute), diagnostics);
  let style: CslStyle | undefined;
  try {
    style = loadStyle(config, manuscriptDir);
  } catch (error) {
    if (!(error instanceof CslResourceError)) throw error;
    const { line, column } = locate(['citations', error.key]);
    diagnostics.push(diagnostic('citations/bad-style', { file: configFile, line, column }, error.message));
  }
  if (style?.class === 'in-text') {
    // Citations become the book's notes; an author-date style would put "(Marx 1867)" in a note by itself.
    const { line, column } = locate(['citations', 'style']);
    diagnostics.push(diagnostic('citations/bad-style', { file: configFile, line, column }, `CSL style "${config.style}" is an in-text style; citations are set as notes and need a note style (class="note")`));
    style = undefined;
  }
  const styleKey = style ? digest(['citeproc', packageVersion('citeproc'), style.xml, style.locale, style.readLocale(style.locale)]) : '';
  /** What citeproc's answer depends on: the style, and the entries of the sources cited. */
  const keyOf = (kind: string, keys: string[], request: unknown): string =>
    digest([kind, styleKey, JSON.stringify([...new Set(keys)].sort().map((k) => bibliography.entries.get(k)?.item ?? null)), JSON.stringify(request)]);
  return {
    config,
    bibliography,
    style,
    diagnostics,
    memo,
    styleKey,
    renderer() {
      if (!style) return undefined;
      const chosen = style;
      const render = (citations: NoteCitation[]): string[] => renderNoteCitations(citations, bibliography, chosen);
      if (!memo) return { render };
      return { render: (citations) => memo.through(keyOf('notes', citations.flatMap((c) => c.items.map((i) => i.key)), citeprocRequest(citations)), () => render(citations)) };
    },
  };
}

/** The "Bronnen" section: the style's bibliography of every source the chapters cite. */
export function renderSourcesSection(
  citations: BookCitations,
  chapters: readonly { citedKeys?: string[] }[],
): { title: string; html: string } | undefined {
  const { section } = citations.config;
  if (!section.enabled || !citations.style) return undefined;
  const cited = [...new Set(chapters.flatMap((c) => c.citedKeys ?? []))];
  const style = citations.style;
  const render = (): string => renderBibliography(cited, citations.bibliography, style);
  const key = digest(['bibliography', citations.styleKey, JSON.stringify(cited.map((k) => citations.bibliography.entries.get(k)?.item ?? null))]);
  const entries = citations.memo ? citations.memo.through(key, render) : render();
  if (!entries) return undefined;
  return { title: section.title, html: `<div class="csl-bib-body">\n${entries}\n</div>` };
}
