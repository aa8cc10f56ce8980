import path from 'node:path';
import type { CitationsConfig } from '../config/schema.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { CitationsOptions } from '../markdown/citations.ts';
import { readBibliography, type Bibliography } from './bibliography.ts';
import { CslResourceError, loadStyle, renderBibliography, renderNoteCitations, type CslStyle } from './csl.ts';

/** What the book model keeps of its citations: the sources, the style, and what reading them found. */
export interface BookCitations {
  config: CitationsConfig;
  bibliography: Bibliography;
  /** Undefined when the configured style or locale is missing (reported in `diagnostics`). */
  style?: CslStyle;
  /** Problems in the bibliography file and the style settings; the citations check reports them. */
  diagnostics: Diagnostic[];
  /** The Markdown plugin's options for one chapter. */
  renderer(): CitationsOptions | undefined;
}

export async function loadCitations(
  config: CitationsConfig,
  manuscriptDir: string,
  display: (file: string) => string,
  configFile: string,
  locate: (keyPath: readonly (string | number)[]) => { line: number; column: number },
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
    diagnostics.push({ file: configFile, line, column, severity: 'error', rule: 'citations/bad-style', message: error.message });
  }
  if (style?.class === 'in-text') {
    // Citations become the book's notes; an author-date style would put "(Marx 1867)" in a note by itself.
    const { line, column } = locate(['citations', 'style']);
    diagnostics.push({
      file: configFile, line, column, severity: 'error', rule: 'citations/bad-style',
      message: `CSL style "${config.style}" is an in-text style; citations are set as notes and need a note style (class="note")`,
    });
    style = undefined;
  }
  return {
    config,
    bibliography,
    style,
    diagnostics,
    renderer() {
      if (!style) return undefined;
      const chosen = style;
      return { render: (citations) => renderNoteCitations(citations, bibliography, chosen) };
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
  const entries = renderBibliography(cited, citations.bibliography, citations.style);
  if (!entries) return undefined;
  return { title: section.title, html: `<div class="csl-bib-body">\n${entries}\n</div>` };
}
