import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import CSL from 'citeproc';
import type { CiteprocCitation, CiteprocCitationItem, Engine } from 'citeproc';
import type { CitationsConfig } from '../config/schema.ts';
import { digest } from '../disk-memo.ts';
import { resolveManuscriptFile } from '../manuscript-files.ts';
import { projectRoot } from '../paths.ts';
import type { CslItem } from './bibliography.ts';
import { patchCiteproc, type CiteprocInternals } from './citeproc-patches.ts';
import type { CitationItem } from './syntax.ts';


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

let primaryDialects: Record<string, string> | undefined;

/** The locale the citations are rendered in: book.yaml's `citations.locale`, else the book language's own. */
export function bookLocale(config: Pick<CitationsConfig, 'locale'>, language: string): string {
  if (config.locale) return config.locale;
  const [lang = 'en', region] = language.split('-');
  if (region && /^[A-Z]{2}$/i.test(region)) return `${lang.toLowerCase()}-${region.toUpperCase()}`;
  primaryDialects ??= (JSON.parse(readFileSync(path.join(CSL_DIR, 'locales', 'locales.json'), 'utf8')) as { 'primary-dialects': Record<string, string> })['primary-dialects'];
  return primaryDialects[lang.toLowerCase()] ?? 'en-US';
}

/** The names of the styles shipped in csl/styles/, for a message. */
function knownStyles(): string {
  try {
    return readdirSync(path.join(CSL_DIR, 'styles')).filter((f) => f.endsWith('.csl')).map((f) => f.slice(0, -4)).join(', ');
  } catch {
    return '';
  }
}

export function loadStyle(config: CitationsConfig, manuscriptDir: string, language = 'en'): CslStyle {
  const file = stylePath(config.style, manuscriptDir);
  if (!existsSync(file)) {
    const hint = config.style.endsWith('.csl') ? '' : `; styles by name: ${knownStyles()}, or a .csl file in the manuscript folder`;
    throw new CslResourceError('style', `CSL style "${config.style}" not found (looked for ${path.relative(process.cwd(), file)}${hint})`);
  }
  let xml = readFileSync(file, 'utf8');
  if (!/<style\b/.test(xml)) throw new CslResourceError('style', `"${config.style}" is not a CSL style (no <style> element)`);
  const locale = bookLocale(config, language);
  // The manuscript's own locale file only when it is inside the folder (not a link out: manuscript-files.ts);
  // the language comes from the sources, not only from book.yaml.
  const localeFile = (lang: string): string | undefined => {
    const own = resolveManuscriptFile(manuscriptDir, `locales-${lang}.xml`);
    if (own.kind === 'inside') return own.real;
    const shipped = path.join(CSL_DIR, 'locales', `locales-${lang}.xml`);
    return own.kind === 'missing' && existsSync(shipped) ? shipped : undefined;
  };
  if (!localeFile(locale)) {
    throw new CslResourceError('locale', `CSL locale "${locale}" not found (looked for locales-${locale}.xml in the manuscript folder and among the CSL project's locales in csl/locales/)`);
  }
  // Dutch convention: "Linden, Marcel van der", sorted under L (the particle goes after the given name).
  if (locale.startsWith('nl')) {
    xml = xml.replace(/<style\b[^>]*>/, (tag) => tag.replace(/\sdemote-non-dropping-particle="[^"]*"/, '').replace(/<style\b/, '<style demote-non-dropping-particle="display-and-sort"'));
  }
  const citation = /<citation\b[\s\S]*?<\/citation>/.exec(xml)?.[0] ?? '';
  return {
    xml,
    class: /<style\b[^>]*\bclass="note"/.test(xml) ? 'note' : 'in-text',
    usesLocator: /variable="locator"/.test(citation) || /<macro\b[\s\S]*variable="locator"/.test(xml),
    locale,
    readLocale(lang) {
      const found = localeFile(lang) ?? localeFile(bookLocale({}, lang)) ?? localeFile('en-US');
      return found ? readFileSync(found, 'utf8') : '';
    },
  };
}

/**
 * One citation cluster as the Markdown stage hands it over, in reading order. Prefixes and suffixes are HTML
 * (the Markdown in them rendered), the rest as `syntax.ts` read it.
 */
export interface CitationRequest {
  /** The number of the note the cluster is printed in; 0 in running text (in-text styles). */
  noteIndex: number;
  items: CitationItem[];
  /** `@key ...` in running text: the first source's author is printed in the sentence, the rest in the cluster. */
  narrative: boolean;
}

/** What a cluster renders to: the cluster's text, and for a narrative citation the author's name in the text. */
export interface RenderedCitation {
  html: string;
  author?: string;
}

/** What citeproc reads of the sources: a `Bibliography`, or the items alone as a worker has them. */
export interface CitedSources {
  entries: ReadonlyMap<string, { item: CslItem }>;
}

patchCiteproc(CSL as unknown as CiteprocInternals);

/** The engine last built, by what it was built from: a watching build reads the book again on every save. */
let lastEngine: { key: string; engine: Engine } | undefined;
const engineKeys = new WeakMap<CitedSources, WeakMap<CslStyle, string>>();

/**
 * Lets the engine go: a compiled Chicago style holds some 30 MB, and a one-off build has no use for it
 * once the book is read (a watching build keeps it for the next save).
 */
export function releaseCitationEngine(): void {
  lastEngine = undefined;
}

/** Building an engine compiles the whole style (~0.1 s for Chicago notes): one per bibliography and style. */
function sharedEngine(bibliography: CitedSources, style: CslStyle): Engine {
  let byStyle = engineKeys.get(bibliography);
  if (!byStyle) engineKeys.set(bibliography, (byStyle = new WeakMap()));
  let key = byStyle.get(style);
  if (key === undefined) {
    const items = JSON.stringify([...bibliography.entries].map(([id, entry]) => [id, entry.item]));
    key = digest([style.xml, style.locale, style.readLocale(style.locale), items]);
    byStyle.set(style, key);
  }
  if (lastEngine?.key !== key) lastEngine = { key, engine: createEngine(bibliography, style) };
  return lastEngine.engine;
}

/**
 * A new engine for the style. It reads the sources from `bibliography.entries` only when citations are
 * rendered, so a worker compiles the style before the sources are read (citation-worker.ts).
 */
export function createEngine(bibliography: CitedSources, style: CslStyle): Engine {
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
 * (short form, ibid.). A fresh state per chapter: a chapter's first citation of a source is given in full.
 * Unknown keys are left out (the check reports them).
 */
export function renderCitations(citations: CitationRequest[], bibliography: CitedSources, style: CslStyle, engine = sharedEngine(bibliography, style)): RenderedCitation[] {
  const rendered: RenderedCitation[] = [];
  const clusters: CiteprocCitation[] = [];
  const seen = new Set<string>();
  const authorOf: { index: number; id: string; position: number }[] = [];
  citations.forEach((citation, index) => {
    const known = citation.items.filter((item) => bibliography.entries.has(item.key));
    const unknown = (): string => citation.items.map((item) => `<span class="citation-unknown">@${escapeText(item.key)}</span>`).join('; ');
    if (known.length === 0) {
      rendered[index] = { html: unknown() };
      for (const item of citation.items) seen.add(item.key);
      return;
    }
    const narrative = citation.narrative && known[0] === citation.items[0];
    const items = known.map((item, i) => toCiteproc(item, narrative && i === 0));
    if (narrative) authorOf.push({ index, id: known[0]!.key, position: seen.has(known[0]!.key) ? CSL.POSITION_SUBSEQUENT : CSL.POSITION_FIRST });
    for (const item of known) seen.add(item.key);
    rendered[index] = { html: '' };
    clusters.push({ citationID: `c${index}`, citationItems: items, properties: { noteIndex: citation.noteIndex } });
  });
  // One pass over the chapter: the sources are registered once, not again for every citation (that was
  // half of citeproc's time per chapter), and each citation's final text (ibid., short form) comes back.
  for (const [id, , text] of engine.rebuildProcessorState(clusters, 'html')) rendered[Number(id.slice(1))]!.html = text;
  clusters.forEach((cluster) => {
    const result = rendered[Number(cluster.citationID.slice(1))]!;
    // A source whose author is left out right after itself is "ibid." with nothing to print: Pandoc gives
    // the short form then, as here, rather than citeproc's placeholder.
    if (result.html.includes('[NO_PRINTED_FORM]')) {
      result.html = engine.makeCitationCluster(cluster.citationItems.map((item) => ({ ...item, position: CSL.POSITION_SUBSEQUENT })));
    }
  });
  // The author printed in the sentence: in full where the source is first cited, short after that (as Pandoc).
  for (const { index, id, position } of authorOf) rendered[index]!.author = authorInSentence(engine.makeCitationCluster([{ id, 'author-only': true, position }]));
  // A style with nothing left to print once the author is left out (MLA's "(Roe)") leaves citeproc's
  // placeholders; Pandoc prints nothing there, and so does this.
  for (const result of rendered) result.html = withoutPlaceholders(result.html);
  if (style.locale.startsWith('nl')) {
    const names = particleNames(bibliography);
    for (const result of rendered) {
      result.html = dutchParticles(result.html, names);
      if (result.author) result.author = dutchParticles(result.author, names);
    }
  }
  return rendered;
}

/** What of the citations reaches citeproc (not where they sit in the source): the memo's key. */
export function citeprocRequest(citations: CitationRequest[]): unknown {
  return citations.map((c) => [c.noteIndex, c.narrative, c.items.map((item) => toCiteproc(item, false))]);
}

function toCiteproc(item: CitationItem, authorInText: boolean): CiteprocCitationItem {
  const result: CiteprocCitationItem = { id: item.key };
  if (item.locator) {
    result.locator = item.locator;
    result.label = item.label ?? 'page';
  }
  if (item.prefix) result.prefix = `${item.prefix} `;
  // The suffix as typed, with its comma (`[@key, p. 3, noot]`); a bare word gets a space.
  if (item.suffix) result.suffix = /^[,.;:]/.test(item.suffix) ? item.suffix : ` ${item.suffix}`;
  if (item.suppressAuthor || authorInText) result['suppress-author'] = true;
  return result;
}

/** The style's bibliography of the given sources, as HTML entries; empty when the style has none. */
export function renderBibliography(ids: string[], bibliography: CitedSources, style: CslStyle, engine = sharedEngine(bibliography, style)): string {
  engine.updateItems(ids.filter((id) => bibliography.entries.has(id)));
  const result = engine.makeBibliography();
  if (!result) return '';
  const entries = result[1].map((entry: string) => entry.trim()).join('\n');
  return style.locale.startsWith('nl') ? dutchParticles(entries, particleNames(bibliography)) : entries;
}

function withoutPlaceholders(html: string): string {
  if (!html.includes('[')) return html;
  return html
    .replace(/\[CSL STYLE ERROR: reference with no printed form\.\](?:;\s*)?/g, '')
    .replace(/(?:;\s*)?\[CSL STYLE ERROR: reference with no printed form\.\]/g, '')
    .replace(/\[NO_PRINTED_FORM\]/g, '');
}

/**
 * citeproc's author-only form keeps what the style's citation layout puts after the names (MHRA's ", pp.",
 * ISO 690's closing full stop); in a sentence the names stand alone. A stop after an initial, "Jr." or "Inc." stays.
 */
function authorInSentence(html: string): string {
  return html
    .replace(/,\s*(?:pp?|pages?|S|blz|pag)\.?\s*$/, '')
    .replace(/([^\s.<>]{3,})\.((?:<\/[a-z]+>)*)\s*$/, (whole, word: string, tags: string) => (/^(?:Inc|Ltd|Bros|Corp|etc)$/i.test(word) ? whole.trimEnd() : word + tags))
    .replace(/[,;:]\s*$/, '');
}

interface ParticleName {
  given: string;
  particle: string;
  family: string;
}

const particleNamesOf = new WeakMap<CitedSources, ParticleName[]>();

/** The names in the sources with a particle that stays with the surname ("van der" Linden). */
function particleNames(bibliography: CitedSources): ParticleName[] {
  let names = particleNamesOf.get(bibliography);
  if (names) return names;
  names = [];
  for (const { item } of bibliography.entries.values()) {
    for (const value of Object.values(item)) {
      if (!Array.isArray(value)) continue;
      for (const name of value as { given?: unknown; family?: unknown; 'non-dropping-particle'?: unknown }[]) {
        const particle = name?.['non-dropping-particle'];
        if (typeof particle === 'string' && typeof name.family === 'string' && /^\p{Ll}/u.test(particle)) {
          names.push({ given: typeof name.given === 'string' ? name.given : '', particle, family: name.family });
        }
      }
    }
  }
  particleNamesOf.set(bibliography, names);
  return names;
}

/**
 * Dutch convention: a surname's particle takes a capital when no given name or initial stands before it
 * ("Van der Linden, Westers marxisme", "Zie Van der Linden"), and stays small after one ("Marcel van der
 * Linden", "M. van der Linden").
 */
export function dutchParticles(html: string, names: readonly ParticleName[]): string {
  for (const { given, particle, family } of names) {
    const written = `${particle} ${family}`;
    if (!html.includes(written)) continue;
    const initials = given.split(/[\s.-]+/).filter(Boolean).map((part) => `${part[0]}.`).join(' ');
    const before = [given, initials, initials.replace(/\./g, ''), initials.replace(/ /g, '')].filter(Boolean).map((form) => `${form} `);
    let out = '';
    let last = 0;
    for (let at = html.indexOf(written); at >= 0; at = html.indexOf(written, at + written.length)) {
      const preceding = html.slice(0, at).replace(/<[^>]*>/g, '');
      if (before.some((form) => preceding.endsWith(form))) continue;
      out += html.slice(last, at) + particle[0]!.toLocaleUpperCase('nl') + particle.slice(1);
      last = at + particle.length;
    }
    html = out + html.slice(last);
  }
  return html;
}

function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}
