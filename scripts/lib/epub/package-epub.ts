import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EPub, type Options } from 'epub-gen-memory';
import type { Book } from '../book.ts';
import { relatorOf } from '../contributor-roles.ts';
import { contributorsOf, creatorsOf } from '../contributors.ts';
import { fill, labelsFor } from '../language/labels.ts';
import { BuildError, diagnostic } from '../diagnostics.ts';
import { libDir, stylesDir } from '../paths.ts';
import type { ContentDocument } from './content-documents.ts';
import { escapeHtml } from '../html.ts';
import { patchEpubGen } from './epub-gen-patches.ts';
import { embeddedFonts } from './fonts.ts';
import { pageBreakId, type PageBreakPlan } from './page-breaks.ts';
import { zipEpub, type ZipEntry } from './zip.ts';

const templatesDir = path.join(libDir, 'epub', 'templates');

export interface EpubPerson {
  id: string;
  name: string;
  /** MARC relator code. */
  role: string;
  fileAs: string;
}

/** What the package document and navigation templates read beyond epub-gen-memory's own options. */
export interface EpubMeta {
  identifier: string;
  isbn?: string;
  subtitle?: string;
  /** `dc:creator` (the authors) and `dc:contributor` (everyone else), each refined with its role and file-as. */
  creators: EpubPerson[];
  contributors: EpubPerson[];
  rights?: string;
  keywords: string[];
  date: string;
  modified: string;
  source: string;
  accessibilityFeatures: string[];
  accessibilitySummary: string;
  /** Each printed page: its place in the book, what is printed on it, its marker. */
  pageList: { page: number; label: string; href: string }[];
  landmarks: { type: string; href: string; label: string }[];
  /** The navigation document's contents list (`<li>` items, escaped): parts with their chapters nested, chapters with their `##` sections. */
  tocItems: string;
  labels: { toc: string; landmarks: string; pageList: string };
}

export interface PackageInput {
  book: Book;
  documents: ContentDocument[];
  plan: PageBreakPlan;
  cover: Uint8Array;
  date: Date;
  version: string;
  /** File name of the print edition, named in dc:source. */
  printFile: string;
}

/** Without `identifiers.uuid` in book.yaml: a name-based UUID from title and author, the same every build. */
export function bookIdentifier(book: Book): string {
  const { uuid } = book.config.identifiers;
  if (uuid) return uuid;
  const hex = createHash('sha1').update(`${book.config.title}\n${creatorsOf(book.config).join(', ')}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Authors are the creators (`dc:creator`), everyone else a `dc:contributor`, each with a MARC relator role and
 * a file-as name; a book with no author (a collection) has its first-named contributors as creators. The
 * first creator keeps the id `creator` that reading systems and earlier EPUBs of the book know.
 */
export function epubPeople(config: Book['config']): { creators: EpubPerson[]; contributors: EpubPerson[] } {
  const people = contributorsOf(config);
  const creatorNames = new Set(creatorsOf(config));
  const creators: EpubPerson[] = [];
  const contributors: EpubPerson[] = [];
  for (const person of people) {
    const isCreator = creatorNames.has(person.name) && !creators.some((c) => c.name === person.name);
    const list = isCreator ? creators : contributors;
    const id = isCreator ? (creators.length === 0 ? 'creator' : `creator-${creators.length + 1}`) : `contributor-${contributors.length + 1}`;
    list.push({ id, name: person.name, role: relatorOf(person.role), fileAs: person.fileAs });
  }
  return { creators, contributors };
}

function epubMeta(input: PackageInput): EpubMeta {
  const { book, plan, documents } = input;
  const c = book.config;
  const second = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;
  const fileOf = new Map(documents.map((d) => [d.id, d.filename]));
  const pageList: EpubMeta['pageList'] = plan.frontPages.map((page) => ({ page, label: plan.folio(page), href: `titelpagina.xhtml#${pageBreakId(page)}` }));
  for (const chapter of book.chapters) {
    const pages = [...(plan.byBlock.get(chapter.file)?.values() ?? [])].flat();
    if (chapter === book.chapters.at(-1)) pages.push(...plan.trailingPages);
    for (const page of pages) pageList.push({ page, label: plan.folio(page), href: `${fileOf.get(chapter.id)}#${pageBreakId(page)}` });
  }
  pageList.sort((a, b) => a.page - b.page);
  const firstChapter = documents.find((d) => d.bodyType === 'bodymatter');
  const labels = labelsFor(c.language, c.labels);
  return {
    identifier: bookIdentifier(book),
    isbn: c.identifiers.isbn?.replace(/-/g, ''),
    subtitle: c.subtitle,
    ...epubPeople(c),
    rights: c.rights,
    keywords: c.keywords,
    date: input.date.toISOString().slice(0, 10),
    modified: second(input.date),
    source: c.identifiers.isbn
      ? `urn:isbn:${c.identifiers.isbn.replace(/-/g, '')}`
      : fill(labels.printSource, { title: c.title, edition: c.edition ?? labels.edition.toLowerCase(), version: input.version, file: input.printFile }),
    accessibilityFeatures: ['alternativeText', 'displayTransformability', 'pageBreakMarkers', 'pageNavigation', 'readingOrder', 'structuralNavigation', 'tableOfContents'],
    accessibilitySummary: labels.accessibilitySummary,
    pageList,
    landmarks: [
      { type: 'cover', href: 'omslag.xhtml', label: labels.cover },
      { type: 'titlepage', href: 'titelpagina.xhtml', label: labels.titlePage },
      { type: 'toc', href: 'toc.xhtml#toc', label: labels.contents },
      ...(firstChapter ? [{ type: 'bodymatter', href: firstChapter.filename, label: labels.startOfText }] : []),
    ],
    labels: { toc: labels.contents, landmarks: labels.landmarks, pageList: labels.pageList },
    tocItems: tocItems(documents),
  };
}

/** The nav's contents: each document in reading order, a part's chapters in a list under it. */
export function tocItems(documents: ContentDocument[]): string {
  const item = (d: ContentDocument, inner: string[]): string => {
    const sub = inner.length ? `\n<ol>\n${inner.join('\n')}\n</ol>\n` : '';
    return `<li><a href="${escapeHtml(d.filename)}">${escapeHtml(d.title)}</a>${sub}</li>`;
  };
  const sections = (d: ContentDocument): string[] =>
    d.headings.filter((h) => h.level === 2).map((h) => `<li><a href="${escapeHtml(d.filename)}#${escapeHtml(h.id)}">${escapeHtml(h.text)}</a></li>`);
  const listed = documents.filter((d) => !d.excludeFromToc);
  return listed
    .filter((d) => !d.partId)
    .map((d) => (d.isPart ? item(d, listed.filter((c) => c.partId === d.id).map((c) => item(c, sections(c)))) : item(d, sections(d))))
    .join('\n');
}

/** epub-gen-memory with our templates; we read its files back instead of letting jszip zip them. */
class BookEpub extends EPub {
  async files(): Promise<ZipEntry[]> {
    await this.render();
    const entries: ZipEntry[] = [];
    for (const file of Object.values(this.zip.files)) {
      if (file.dir) continue;
      entries.push({ name: file.name, data: await file.async('uint8array') });
    }
    return stableImageNames(entries);
  }
}

/**
 * epub-gen-memory names each image by a random UUID; rename it by a hash of its bytes, in every document that
 * refers to it too, so the same sources give the same EPUB.
 */
function stableImageNames(entries: ZipEntry[]): ZipEntry[] {
  const renames = new Map<string, string>();
  for (const entry of entries) {
    const match = /^OEBPS\/images\/([0-9a-f-]{36})\.(\w+)$/.exec(entry.name);
    if (!match) continue;
    const stable = `img-${createHash('sha256').update(entry.data).digest('hex').slice(0, 16)}`;
    renames.set(match[1] as string, stable);
    entry.name = `OEBPS/images/${stable}.${match[2]}`;
  }
  const textual = /\.(xhtml|opf|ncx|css|html)$/;
  return entries.map((entry) => {
    if (!textual.test(entry.name)) return entry;
    let text = Buffer.from(entry.data).toString('utf8');
    for (const [from, to] of renames) text = text.replaceAll(from, to);
    // epub-gen-memory writes alt="image-placeholder" for an empty alt: a decorative image keeps its empty one.
    if (entry.name.endsWith('.xhtml')) text = text.replaceAll('alt="image-placeholder"', 'alt=""');
    return { ...entry, data: new Uint8Array(Buffer.from(text, 'utf8')) };
  });
}

/** Assembles the EPUB 3: epub-gen-memory renders the documents from our templates, zip.ts zips them. */
export async function packageEpub(input: PackageInput): Promise<Uint8Array> {
  const { book } = input;
  const c = book.config;
  patchEpubGen();
  const meta = epubMeta(input);
  const fonts = await embeddedFonts(book);
  const [css, chapterXHTML, contentOPF, tocXHTML, tocNCX] = await Promise.all([
    readFile(path.join(stylesDir, 'epub.css'), 'utf8'),
    ...['chapter.xhtml.ejs', 'content.opf.ejs', 'nav.xhtml.ejs', 'toc.ncx.ejs'].map((t) => readFile(path.join(templatesDir, t), 'utf8')),
  ]);
  const warnings: string[] = [];
  const options: Options & { meta: EpubMeta } = {
    title: c.title,
    author: creatorsOf(c),
    publisher: c.publisher ?? '',
    description: c.description ?? '',
    lang: c.language,
    date: input.date.toISOString(),
    cover: new File([new Uint8Array(input.cover)], 'cover.png', { type: 'image/png' }),
    css: `${fonts.css}\n${css}`,
    fonts: fonts.files,
    chapterXHTML: chapterXHTML ?? '',
    contentOPF: contentOPF ?? '',
    tocXHTML: tocXHTML ?? '',
    tocNCX: tocNCX ?? '',
    prependChapterTitles: false,
    version: 3,
    ignoreFailedDownloads: false,
    verbose: (type, ...args: unknown[]) => {
      if (type === 'warn') warnings.push(args.map(String).join(' '));
    },
    meta,
  };
  const chapters = input.documents.map((d) => ({
    ...d,
    content: d.body,
    coverHref: 'cover.png',
  }));
  const epub = new BookEpub(options, chapters);
  const entries = await epub.files();
  if (warnings.length > 0) {
    // The package drops what it does not allow (attributes, images it cannot fetch): never ship that silently.
    throw new BuildError(warnings.map((message) => diagnostic('epub/package', { source: 'epub-gen-memory' }, `epub-gen-memory: ${message}`)));
  }
  return zipEpub(entries, input.date);
}
