import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type CiteprocModule from 'citeproc';
import type { CiteprocCitation, CiteprocCitationItem, Engine } from 'citeproc';
import type { CitationsConfig } from '../config/schema.ts';
import { digest } from '../disk-memo.ts';
import { projectRoot } from '../paths.ts';
import type { Bibliography } from './bibliography.ts';
import { patchCiteproc, type CiteprocInternals } from './citeproc-patches.ts';
import type { CitationItem } from './syntax.ts';

/**
 * citeproc is one CommonJS file of a megabyte. Imported as ES module, Node first scans all of it for its
 * export names (cjs-module-lexer): 82 ms of every build's start, 17 ms by require.
 */
const CSL = createRequire(import.meta.url)('citeproc') as typeof CiteprocModule;

/** Styles and locales shipped with the repository (from the CSL project's styles and locales repositories). */
export const CSL_DIR = path.join(projectRoot, 'csl');

export interface CslStyle {
  xml: string;
  /** `note` styles put citations in footnotes; `in-text` styles would not. */
  class: 'note' | 'in-text';
  /** Whether the style prints a locator in citations, so a citation without one is worth an info. */
  usesLocator: boolean;
  locale: string;
  /** Reads a locale's XML; citeproc asks for the book's locale and for en-US as its fallback. */
  readLocale(lang: string): string;
}

/** Thrown when the configured style or locale file does not exist; the caller places it in book.yaml. */
export class CslResourceError extends Error {
  constructor(
    readonly key: 'style' | 'locale',
    message: string,
  ) {
    super(message);
  }
}

export function stylePath(style: string, manuscriptDir: string): string {
  return style.endsWith('.csl') ? path.resolve(manuscriptDir, style) : path.join(CSL_DIR, 'styles', `${style}.csl`);
}

export function loadStyle(config: CitationsConfig, manuscriptDir: string): CslStyle {
  const file = stylePath(config.style, manuscriptDir);
  if (!existsSync(file)) {
    throw new CslResourceError('style', `CSL style "${config.style}" not found (looked for ${path.relative(process.cwd(), file)})`);
  }
  const xml = readFileSync(file, 'utf8');
  const localeFile = (lang: string): string | undefined =>
    [path.join(manuscriptDir, `locales-${lang}.xml`), path.join(CSL_DIR, 'locales', `locales-${lang}.xml`)].find((f) => existsSync(f));
  if (!localeFile(config.locale)) {
    throw new CslResourceError('locale', `CSL locale "${config.locale}" not found (looked for locales-${config.locale}.xml in the manuscript folder and in csl/locales/)`);
  }
  const citation = /<citation\b[\s\S]*?<\/citation>/.exec(xml)?.[0] ?? '';
  return {
    xml,
    class: /<style\b[^>]*\bclass="note"/.test(xml) ? 'note' : 'in-text',
    usesLocator: /variable="locator"/.test(citation) || /<macro\b[\s\S]*variable="locator"/.test(xml),
    locale: config.locale,
    readLocale(lang) {
      const found = localeFile(lang) ?? localeFile('en-US');
      return found ? readFileSync(found, 'utf8') : '';
    },
  };
}

/** One citation cluster placed in a note: `noteIndex` is the note's number in its chapter. */
export interface NoteCitation {
  noteIndex: number;
  items: CitationItem[];
}

patchCiteproc(CSL as unknown as CiteprocInternals);

/** The engine last built, by what it was built from: a watching build reads the book again on every save. */
let lastEngine: { key: string; engine: Engine } | undefined;
const engineKeys = new WeakMap<Bibliography, WeakMap<CslStyle, string>>();

/**
 * Lets the engine go: a compiled Chicago style holds some 30 MB, and a one-off build has no use for it
 * once the book is read (a watching build keeps it for the next save).
 */
export function releaseCitationEngine(): void {
  lastEngine = undefined;
}

/** Building an engine compiles the whole style (~0.1 s for Chicago notes): one per bibliography and style. */
function sharedEngine(bibliography: Bibliography, style: CslStyle): Engine {
  let byStyle = engineKeys.get(bibliography);
  if (!byStyle) engineKeys.set(bibliography, (byStyle = new WeakMap()));
  let key = byStyle.get(style);
  if (key === undefined) {
    const items = JSON.stringify([...bibliography.entries].map(([id, entry]) => [id, entry.item]));
    key = digest([style.xml, style.locale, style.readLocale(style.locale), items]);
    byStyle.set(style, key);
  }
  if (lastEngine?.key !== key) lastEngine = { key, engine: engineFor(bibliography, style) };
  return lastEngine.engine;
}

function engineFor(bibliography: Bibliography, style: CslStyle): Engine {
  const engine = new CSL.Engine(
    {
      retrieveLocale: (lang) => style.readLocale(lang),
      retrieveItem: (id) => bibliography.entries.get(id)?.item,
    },
    style.xml,
    style.locale,
    true,
  );
  engine.setOutputFormat('html');
  return engine;
}

/**
 * Renders a chapter's citations, in the order they are read, so the style can shorten the later ones
 * (short form, ibid.). A fresh engine per chapter: a chapter's first citation of a source is given in full.
 * Returns HTML per citation, in the order given; unknown keys are left out (the check reports them).
 */
export function renderNoteCitations(citations: NoteCitation[], bibliography: Bibliography, style: CslStyle): string[] {
  const engine = sharedEngine(bibliography, style);
  const html: string[] = [];
  const clusters: CiteprocCitation[] = [];
  citations.forEach((citation, index) => {
    const known = citation.items.filter((item) => bibliography.entries.has(item.key));
    if (known.length === 0) {
      html[index] = citation.items.map((item) => `<span class="citation-unknown">@${escapeText(item.key)}</span>`).join('; ');
      return;
    }
    clusters.push({ citationID: `c${index}`, citationItems: known.map(toCiteproc), properties: { noteIndex: citation.noteIndex } });
  });
  // One pass over the chapter: the sources are registered once, not again for every citation (that was
  // half of citeproc's time per chapter), and each citation's final text (ibid., short form) comes back.
  for (const [id, , text] of engine.rebuildProcessorState(clusters, 'html')) html[Number(id.slice(1))] = text;
  return html;
}

/** What of the citations reaches citeproc (not where they sit in the source): the memo's key. */
export function citeprocRequest(citations: NoteCitation[]): unknown {
  return citations.map((c) => [c.noteIndex, c.items.map(toCiteproc)]);
}

function toCiteproc(item: CitationItem): CiteprocCitationItem {
  const result: CiteprocCitationItem = { id: item.key };
  if (item.locator) {
    result.locator = item.locator;
    result.label = item.label ?? 'page';
  }
  if (item.prefix) result.prefix = `${item.prefix} `;
  // The suffix as typed, with its comma (`[@key, p. 3, noot]`); a bare word gets a space.
  if (item.suffix) result.suffix = /^[,.;:]/.test(item.suffix) ? item.suffix : ` ${item.suffix}`;
  if (item.suppressAuthor) result['suppress-author'] = true;
  return result;
}

/** The style's bibliography of the given sources, as HTML entries; empty when the style has none. */
export function renderBibliography(ids: string[], bibliography: Bibliography, style: CslStyle): string {
  const engine = sharedEngine(bibliography, style);
  engine.updateItems(ids.filter((id) => bibliography.entries.has(id)));
  const result = engine.makeBibliography();
  if (!result) return '';
  return result[1].map((entry: string) => entry.trim()).join('\n');
}

function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}
