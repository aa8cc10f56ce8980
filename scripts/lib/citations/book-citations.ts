import type { CitationsConfig } from '../config/schema.ts';
import { diagnostic, type Diagnostic } from '../diagnostics.ts';
import { resolveManuscriptFile } from '../manuscript-files.ts';
import type { CitationsOptions } from '../markdown/citations.ts';
import { readBibliographies, type Bibliography } from './bibliography.ts';
import { digest, type DiskMemo } from '../disk-memo.ts';
import { packageVersion } from '../paths.ts';
import { CslResourceError, loadStyle, renderBibliography, citeprocRequest, renderCitations, type CitationRequest, type CslStyle, type RenderedCitation } from './csl.ts';
import { locatorTerms, type LocatorTerms } from './syntax.ts';
import type { CitationPool } from './citation-pool.ts';

/** What the book model keeps of its citations: the sources, the style, and what reading them found. */
export interface BookCitations {
  config: CitationsConfig;
  bibliography: Bibliography;
  /** Undefined when the configured style or locale is missing (reported in `diagnostics`). */
  style?: CslStyle;
  /** The locator terms citations are read with: the locale's, English, and for Dutch the usual abbreviations. */
  terms?: LocatorTerms;
  /** Problems in the bibliography files and the style settings; the citations check reports them. */
  diagnostics: Diagnostic[];
  /** Where rendered citations are kept between builds (none: render every time). */
  memo?: DiskMemo;
  /** Threads that render the citations and the list off the main thread (none: in line). */
  pool?: CitationPool;
  /** Digest of the style, its locale and citeproc's version: part of every memo key. */
  styleKey: string;
  /** The book's language (BCP 47), for the list's default title. */
  language: string;
  /** The Markdown plugin's options for one chapter. */
  renderer(): CitationsOptions | undefined;
  /**
   * A chapter's citations as `renderer().render` gives them, from the memo, else rendered on the pool's
   * threads (in line when there is no pool or it fails), while the main thread reads on.
   */
  renderAhead(citations: CitationRequest[]): Promise<RenderedCitation[]>;
}

export async function loadCitations(
  config: CitationsConfig,
  manuscriptDir: string,
  display: (file: string) => string,
  configFile: string,
  locate: (keyPath: readonly (string | number)[]) => { line: number; column: number },
  memo?: DiskMemo,
  language = 'en',
  pool?: CitationPool,
): Promise<BookCitations> {
  const diagnostics: Diagnostic[] = [];
  const references = typeof config.bibliography === 'string' ? [config.bibliography] : config.bibliography;
  const files = references.map((reference) => {
    const located = resolveManuscriptFile(manuscriptDir, reference);
    const absolute = located.kind === 'inside' ? located.real : located.kind === 'url' ? reference : located.absolute;
    return { absolute, display: display(located.kind === 'url' ? reference : located.absolute) };
  });
  const bibliography = await readBibliographies(files, diagnostics);
  let style: CslStyle | undefined;
  try {
    style = loadStyle(config, manuscriptDir, language);
  } catch (error) {
    if (!(error instanceof CslResourceError)) throw error;
    const { line, column } = locate(['citations', error.key]);
    diagnostics.push(diagnostic('citations/bad-style', { file: configFile, line, column }, error.message));
  }
  const terms = style ? locatorTerms(style.readLocale(style.locale), style.readLocale('en-US'), style.locale) : undefined;
  const styleKey = style ? digest(['citeproc', packageVersion('citeproc'), style.xml, style.locale, style.readLocale(style.locale)]) : '';
  /** What citeproc's answer depends on: the style, and the entries of the sources cited. */
  const keyOf = (kind: string, keys: string[], request: unknown): string =>
    digest([kind, styleKey, JSON.stringify([...new Set(keys)].sort().map((k) => bibliography.entries.get(k)?.item ?? null)), JSON.stringify(request)]);
  const citationsKey = (citations: CitationRequest[]): string => keyOf('citations', citations.flatMap((c) => c.items.map((i) => i.key)), citeprocRequest(citations));
  const renderInLine = (citations: CitationRequest[]): RenderedCitation[] => (style ? renderCitations(citations, bibliography, style) : []);
  if (style) pool?.sources([...bibliography.entries].map(([id, entry]) => [id, entry.item]));
  return {
    config,
    bibliography,
    style,
    terms,
    diagnostics,
    memo,
    ...(pool ? { pool } : {}),
    styleKey,
    language,
    renderer() {
      if (!style || !terms) return undefined;
      const options = { noteStyle: style.class === 'note', terms, notesAfterPunctuation: config.notesAfterPunctuation };
      if (!memo) return { ...options, render: renderInLine };
      return { ...options, render: (citations) => memo.through(citationsKey(citations), () => renderInLine(citations)) };
    },
    async renderAhead(citations) {
      const key = memo ? citationsKey(citations) : '';
      const stored = memo?.get<RenderedCitation[]>(key);
      if (stored !== undefined) return stored;
      const rendered = (await pool?.renderCitations(citations).catch(() => undefined)) ?? renderInLine(citations);
      memo?.set(key, rendered);
      return rendered;
    },
  };
}

/** The keys `nocite` adds to the list: `@key` (or `key`) each, or every source for `@*`. */
export function nociteKeys(config: CitationsConfig, bibliography: Bibliography): string[] {
  if (config.nocite === undefined) return [];
  const words = (typeof config.nocite === 'string' ? [config.nocite] : config.nocite).flatMap((text) => text.split(/[\s,;]+/)).filter(Boolean);
  const keys = words.map((word) => word.replace(/^@/, ''));
  return keys.includes('*') ? [...bibliography.entries.keys()] : keys;
}

/** "References" in the book's language, as Pandoc users title the list; else the locale's own word. */
const LIST_TITLES: Record<string, string> = {
  nl: 'Bronnen', en: 'References', de: 'Literatur', fr: 'Bibliographie', es: 'Referencias', it: 'Bibliografia',
  pt: 'Referências', sv: 'Referenser', da: 'Litteratur', nb: 'Litteratur', nn: 'Litteratur', fi: 'Lähteet',
  pl: 'Bibliografia', cs: 'Literatura', ru: 'Литература', uk: 'Література',
};

export function listTitle(citations: BookCitations): string {
  if (citations.config.section.title) return citations.config.section.title;
  const lang = citations.language.split('-')[0]!.toLowerCase();
  if (LIST_TITLES[lang]) return LIST_TITLES[lang];
  const term = citations.style ? /<term name="reference">\s*<single>[^<]*<\/single>\s*<multiple>([^<]+)<\/multiple>/.exec(citations.style.readLocale(citations.style.locale))?.[1] : undefined;
  return term ? term[0]!.toLocaleUpperCase(citations.language) + term.slice(1) : 'References';
}

/** The style's list of every source the chapters cite (and `nocite` names), as HTML entries; on the pool's
 * threads when there is one (with the chapters' citations), else in line. */
export async function renderSourcesSection(
  citations: BookCitations,
  chapters: readonly { citedKeys?: string[] }[],
): Promise<{ title: string; html: string } | undefined> {
  const { section } = citations.config;
  if (!section.enabled || !citations.style) return undefined;
  const cited = [...new Set([...chapters.flatMap((c) => c.citedKeys ?? []), ...nociteKeys(citations.config, citations.bibliography)])];
  const style = citations.style;
  const key = digest(['bibliography', citations.styleKey, JSON.stringify(cited.map((k) => citations.bibliography.entries.get(k)?.item ?? null))]);
  let entries = citations.memo?.get<string>(key);
  if (entries === undefined) {
    entries = (await citations.pool?.renderBibliography(cited).catch(() => undefined)) ?? renderBibliography(cited, citations.bibliography, style);
    citations.memo?.set(key, entries);
  }
  if (!entries) return undefined;
  return { title: listTitle(citations), html: `<div class="csl-bib-body">\n${entries}\n</div>` };
}
