import { promisify } from 'node:util';
import { deflate, deflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNull, PDFNumber, PDFObject, PDFRawStream, PDFRef, PDFStream, PDFString, type PDFDocument, type PDFPage } from 'pdf-lib';
import type { DocumentStructure, StructureElement } from '../print/structure.ts';
import { markPageContent, type MarkTarget } from './mark-content.ts';
import { parseToUnicode, streamBytes } from './tagged-pdf.ts';
import { stageDone } from '../stage-times.ts';

export interface TagOptions {
  /** What a note's call says it leads to, before the note's number ("Noot" → “Noot 3”). */
  noteLabel: string;
  /** Heading and section ids -> their text, to describe a link to them. */
  titles: Record<string, string>;
}

export interface TagResult {
  /** Marked-content sequences written, structure elements written, items marked as artifacts. */
  sequences: number;
  elements: number;
  artifacts: number;
}

/** Blocks a note follows when its call is in one; and blocks it ends, inside, since only their kind of
 * element may follow them (a list item, a table cell). */
const deflated = promisify(deflate);

/** zlib's level for the marked pages' content. Level 1 takes a quarter of the default level's processor
 * time for ~25 % more bytes of content (docs/performance.md, "Tagging the screen PDF"); the bare MCIDs of
 * the structure tree more than make up for it in the file. */
const MARKED_CONTENT_LEVEL = Number(process.env.BOOK_MARK_LEVEL ?? 1);

/** The targets of a page without leaves: an array that held a target, as every other page's does, and
 * emptied. V8 optimizes the marker for the kinds of array it has seen, and an array that never held an
 * object is another kind: the first blank page threw the marker's optimized code away, as did an array
 * made by `map`, whose kind differs before and after its caller is optimized (see `drawn` in
 * mark-content.ts). */
const NO_TARGETS: MarkTarget[] = [{ kind: 'text', rects: [], hyphenated: undefined }];
NO_TARGETS.pop();

/** Bytes as a latin1 string, without copying them into a Buffer first. */
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

const BLOCKS = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'Caption', 'BlockQuote', 'Figure']);
const CONTAINING_BLOCKS = new Set(['LI', 'TD', 'TH', 'TOCI', 'Note']);

/** One piece of a leaf's marked content on its page: its MCID, and for a part of a word hyphenated at a line
 * end, the word's number on the page and the word whole. */
export interface LeafMark {
  mcid: number;
  word?: number;
  text?: string;
}

/** What marking pages' content made: each leaf's marked content, aligned with the structure's leaves. */
export interface ContentMarks {
  leaves: LeafMark[][];
  /** The structure's pages whose content was marked. */
  pages: number[];
  sequences: number;
  artifacts: number;
}

/** A page's content marked and compressed: what takes the place of the page's content streams. */
export interface MarkedStream {
  /** The page's index in the PDF, 0-based. */
  index: number;
  bytes: Uint8Array;
}

/**
 * What marks the content of the structure's pages, one page at a time: `mark(number, index)` marks the
 * structure's page `number` (the PDF's page at `index`) and returns its new content, uncompressed, or
 * undefined for a page without content; `marks` collects what was marked. The PDF is only read.
 */
function pageMarker(pdf: PDFDocument, structure: DocumentStructure, pages: readonly number[]): { marks: ContentMarks; mark(number: number, index: number): Buffer | undefined } {
  const { context } = pdf;
  const pdfPages = pdf.getPages();
  const elements = new Map(structure.elements.map((e) => [e.key, e]));
  const marks: ContentMarks = { leaves: structure.leaves.map(() => []), pages: [], sequences: 0, artifacts: 0 };
  const fontMaps = new Map<PDFObject, Map<number, string> | undefined>();
  const wanted = new Set(pages);
  const leavesByPage = new Map<number, number[]>();
  structure.leaves.forEach((leaf, i) => {
    if (!wanted.has(leaf.page)) return;
    const list = leavesByPage.get(leaf.page);
    if (list) list.push(i);
    else leavesByPage.set(leaf.page, [i]);
  });
  const mark = (number: number, index: number): Buffer | undefined => {
    const page = pdfPages[index] as PDFPage;
    marks.pages.push(number);
    // The streams' text joined by newlines, in a loop: see `drawn` in mark-content.ts.
    const refs = contentRefs(page);
    let source: string | undefined;
    for (let k = 0; k < refs.length; k++) {
      const stream = context.lookup(refs[k]);
      if (!(stream instanceof PDFStream)) continue;
      const text = latin1(streamBytes(stream));
      source = source === undefined ? text : `${source}\n${text}`;
    }
    if (source === undefined) return undefined;
    const leafIndices = leavesByPage.get(number) ?? [];
    // One kind of array and one shape of target, however the page is: see NO_TARGETS.
    let targets = NO_TARGETS;
    if (leafIndices.length > 0) {
      targets = [];
      for (let k = 0; k < leafIndices.length; k++) {
        const leaf = structure.leaves[leafIndices[k] as number] as DocumentStructure['leaves'][number];
        targets.push({ kind: leaf.kind, rects: leaf.rects, hyphenated: leaf.hyphenated });
      }
    }
    const tagOf = (t: number): string => {
      const leaf = structure.leaves[leafIndices[t] as number] as DocumentStructure['leaves'][number];
      const owner = elements.get(leaf.owner);
      return leaf.kind === 'generated' && (owner?.role === 'LI' || owner?.role === 'Note') ? 'Lbl' : (owner?.role ?? 'Span');
    };
    const fonts = page.node.Resources()?.lookupMaybe(PDFName.of('Font'), PDFDict);
    const pageFonts = new Map<string, { map: Map<number, string>; wide: boolean } | undefined>();
    const fontOf = (name: string): { map: Map<number, string>; wide: boolean } | undefined => {
      if (pageFonts.has(name)) return pageFonts.get(name);
      const font = fonts?.lookup(PDFName.of(name));
      let found: { map: Map<number, string>; wide: boolean } | undefined;
      if (font instanceof PDFDict) {
        if (!fontMaps.has(font)) {
          const toUnicode = font.lookup(PDFName.of('ToUnicode'));
          fontMaps.set(font, toUnicode instanceof PDFStream ? parseToUnicode(Buffer.from(streamBytes(toUnicode)).toString('latin1')) : undefined);
        }
        const map = fontMaps.get(font);
        if (map) found = { map, wide: font.lookupMaybe(PDFName.of('Subtype'), PDFName)?.decodeText() === 'Type0' };
      }
      pageFonts.set(name, found);
      return found;
    };
    const decode = (name: string, bytes: string): string => {
      const font = fontOf(name);
      if (!font) return '';
      let out = '';
      for (let i = 0; i < bytes.length; i += font.wide ? 2 : 1) out += font.map.get(font.wide ? (bytes.charCodeAt(i) << 8) | bytes.charCodeAt(i + 1) : bytes.charCodeAt(i)) ?? '';
      return out;
    };
    const marked = markPageContent(source, page.getMediaBox().height, targets, tagOf, decode);
    for (const [t, mcids] of marked.byTarget) {
      for (const { mcid, word } of mcids) marks.leaves[leafIndices[t] as number]?.push({ mcid, ...(word !== undefined ? { word, text: marked.words[word] ?? '' } : {}) });
    }
    marks.sequences += marked.mcids.length;
    marks.artifacts += marked.artifacts;
    return Buffer.from(marked.source, 'latin1');
  };
  return { marks, mark };
}

/** The page's content streams as its /Contents names them. */
function contentRefs(page: PDFPage): PDFObject[] {
  const contents = page.node.get(PDFName.of('Contents'));
  return contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
}

/** Puts a page's marked content in the place of its content streams: in the first one's object, the others
 * deleted (pdf-lib writes every object it holds, used or not). */
export function putMarkedStream(pdf: PDFDocument, page: PDFPage, bytes: Uint8Array): void {
  const { context } = pdf;
  const stream = PDFRawStream.of(context.obj({ Length: bytes.length, Filter: 'FlateDecode' }) as PDFDict, bytes);
  const [first, ...rest] = contentRefs(page).filter((r): r is PDFRef => r instanceof PDFRef);
  for (const ref of rest) context.delete(ref);
  if (first) context.assign(first, stream);
  page.node.set(PDFName.of('Contents'), first ?? context.register(stream));
}

/**
 * Marks the content of the structure's pages `pages` (the PDF's pages `offset` further on) for the tagged
 * PDF: each text object, path and image given to the leaf it was drawn for, the rest an artifact; each
 * page's content becomes one stream, compressed. Yields between pages: a page still printing in Chromium
 * is answered meanwhile, and the merge copies pages.
 */
export async function markContent(pdf: PDFDocument, structure: DocumentStructure, pages: readonly number[], offset = 0): Promise<ContentMarks> {
  const { marks, streams } = await markStreamsInTurn(pdf, structure, pages, offset);
  const pdfPages = pdf.getPages();
  for (const { index, bytes } of streams) putMarkedStream(pdf, pdfPages[index] as PDFPage, bytes);
  return marks;
}

/**
 * The marking of `markContent`, the PDF left as it is: each marked page's stream, compressed on zlib's
 * thread while the next page is marked, one at a time and in page order (handing
 * every page to zlib at once cost more than twice the processor time, docs/performance.md).
 */
export async function markStreamsInTurn(pdf: PDFDocument, structure: DocumentStructure, pages: readonly number[], offset = 0): Promise<{ marks: ContentMarks; streams: MarkedStream[] }> {
  const pdfPages = pdf.getPages();
  const marker = pageMarker(pdf, structure, pages);
  const streams: MarkedStream[] = [];
  let compressed: Promise<void> = Promise.resolve();
  for (const number of pages) {
    const index = number + offset - 1;
    if (!pdfPages[index]) continue;
    if (marker.marks.pages.length > 0) await new Promise((resolve) => setImmediate(resolve));
    const data = marker.mark(number, index);
    if (!data) continue;
    compressed = compressed.then(async () => void streams.push({ index, bytes: await deflated(data, { level: MARKED_CONTENT_LEVEL }) }));
    // Handled here too: a page that fails to mark ends the loop before `compressed` is awaited.
    compressed.catch(() => undefined);
  }
  await compressed;
  return { marks: marker.marks, streams };
}

/**
 * The same marking as `markContent`, leaving the PDF as it is: each marked page's new stream, compressed
 * (the same bytes), to be put in place with `putMarkedStream` in a copy of the PDF
 * read elsewhere (the marking worker threads, print/mark-worker.ts).
 */
export function markStreams(pdf: PDFDocument, structure: DocumentStructure, pages: readonly number[], offset = 0): { marks: ContentMarks; streams: MarkedStream[] } {
  const marker = streamMarker(pdf, structure, pages, offset);
  const streams: MarkedStream[] = [];
  for (const number of pages) {
    const stream = marker.mark(number);
    if (stream) streams.push(stream);
  }
  return { marks: marker.marks, streams };
}

/** `markStreams` a page at a time, in any order the caller chooses among `pages`: `mark(number)` gives the
 * structure's page `number` its marked stream (undefined for a page without content or not in the PDF);
 * `marks` collects what was marked. */
export function streamMarker(pdf: PDFDocument, structure: DocumentStructure, pages: readonly number[], offset = 0): { marks: ContentMarks; mark(number: number): MarkedStream | undefined } {
  const pdfPages = pdf.getPages();
  const marker = pageMarker(pdf, structure, pages);
  return {
    marks: marker.marks,
    mark(number) {
      const index = number + offset - 1;
      if (!pdfPages[index]) return undefined;
      const data = marker.mark(number, index);
      return data ? { index, bytes: deflateSync(data, { level: MARKED_CONTENT_LEVEL }) } : undefined;
    },
  };
}

/** The names written for every structure element and marked-content reference, made once: PDFName.of (and
 * context.obj, which calls it for every key) decodes its argument with a regular expression on every call. */
const NAMES = {
  Type: PDFName.of('Type'),
  StructElem: PDFName.of('StructElem'),
  MCR: PDFName.of('MCR'),
  S: PDFName.of('S'),
  P: PDFName.of('P'),
  Pg: PDFName.of('Pg'),
  K: PDFName.of('K'),
  MCID: PDFName.of('MCID'),
};

/** The other names written or read for each element (its type, Alt, ActualText, Lang, ID, A), each page
 * (Annots, Tabs, StructParents) and each annotation (Rect, Subtype, Contents, StructParent), each made once:
 * see NAMES. */
const otherNames = new Map<string, PDFName>();
function nameFor(text: string): PDFName {
  let name = otherNames.get(text);
  if (name === undefined) otherNames.set(text, (name = PDFName.of(text)));
  return name;
}

/** What `PDFHexString.fromText` makes (UTF-16BE after its byte order mark, in upper-case hex), the code units
 * turned to hex by Buffer at once, not one at a time by a string padded and upper-cased for each: one per
 * hyphenated word's ActualText and per link's Contents. A JavaScript string's code units are UTF-16 as they
 * are, lone surrogates too, as pdf-lib's encoder writes them. */
export function hexText(value: string): PDFHexString {
  return PDFHexString.of(`FEFF${Buffer.from(value, 'utf16le').swap16().toString('hex').toUpperCase()}`);
}

/**
 * Makes a PDF printed untagged by Chromium a tagged PDF from the book's structure as the page measured it:
 * every page's content marked (each text object, path and image given to the element it was drawn for, the
 * rest an artifact: running heads, folios, rules, ornaments), the structure tree written (Document, the
 * sections, headings, paragraphs, lists with Lbl and LBody, tables, figures with Alt, notes after the
 * paragraph that calls them with an ID and their call a Reference, the contents as TOC/TOCI), link
 * annotations put in their Link elements with a description, tab order by structure, MarkInfo.
 * Pages are those of `structure`, 1-based, in the document as it is now (before page boxes change). Pages
 * whose content is marked already (`marked`: the parallel build marks each document as it is printed) keep it.
 */
/** A leaf's marked content on its page: the MCID, and for a part of a word hyphenated at a line end the
 * word's key (page and number), which its other part shares. */
interface LeafContent {
  page: number;
  mcid: number;
  word: string | undefined;
}

export async function tagPdf(pdf: PDFDocument, structure: DocumentStructure, options: TagOptions, marked?: ContentMarks): Promise<TagResult> {
  const { context } = pdf;
  const pages = pdf.getPages();
  const elements = new Map(structure.elements.map((e) => [e.key, e]));
  const children = logicalChildren(structure, elements);

  // Content: each page's leaves are the targets its drawing goes to.
  const done = new Set(marked?.pages ?? []);
  const marking = performance.now();
  const left = pages.map((_, i) => i + 1).filter((page) => !done.has(page));
  // Every page marked already (the parallel build, a save): nothing to set up a marker for (its empty array a leaf).
  const own: ContentMarks = left.length > 0 ? await markContent(pdf, structure, left) : { leaves: [], pages: [], sequences: 0, artifacts: 0 };
  stageDone(`pages marked after the merge (${pages.length - done.size})`, marking);
  const sequences = own.sequences + (marked?.sequences ?? 0);
  const artifacts = own.artifacts + (marked?.artifacts ?? 0);
  const words = new Map<string, string>();
  // Arrays made by map, each its length at once (pushed, each of ~10,000 grew its store), and indexed loops
  // below: the tree is written once a save, mostly by code not yet optimized, where a for-of loop makes an
  // iterator result for each item (~13,000 marks on the 20x book).
  const leafMcids: LeafContent[][] = structure.leaves.map(({ page }, i) =>
    (done.has(page) ? (marked?.leaves[i] ?? []) : (own.leaves[i] ?? [])).map(({ mcid, word, text }) => {
      let key: string | undefined;
      if (word !== undefined) {
        key = `${page}:${word}`;
        words.set(key, text ?? '');
      }
      return { page, mcid, word: key };
    }),
  );

  // Link annotations: each to the Link element drawn where it is.
  const linksByPage = new Map<number, StructureElement[]>();
  for (const e of structure.elements) {
    if (e.role !== 'Link') continue;
    for (const page of new Set((e.rects ?? []).map((r) => r[0]))) linksByPage.set(page, [...(linksByPage.get(page) ?? []), e]);
  }
  const annotationsOf = new Map<string, { ref: PDFRef; page: number; annot: PDFDict }[]>();
  const strayAnnotations: { ref: PDFRef; page: number; annot: PDFDict }[] = [];
  pages.forEach((page, index) => {
    const annots = page.node.lookup(nameFor('Annots'));
    if (!(annots instanceof PDFArray)) return;
    const height = page.getMediaBox().height;
    const links = linksByPage.get(index + 1) ?? [];
    for (const item of annots.asArray()) {
      const annot = context.lookup(item);
      if (!(item instanceof PDFRef) || !(annot instanceof PDFDict)) continue;
      const rect = annot.lookup(nameFor('Rect'));
      const subtype = annot.lookupMaybe(nameFor('Subtype'), PDFName)?.decodeText();
      const box = rect instanceof PDFArray ? rect.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : 0)) : [0, 0, 0, 0];
      const px = [Math.min(box[0]!, box[2]!) * (4 / 3), (height - Math.max(box[1]!, box[3]!)) * (4 / 3), Math.max(box[0]!, box[2]!) * (4 / 3), (height - Math.min(box[1]!, box[3]!)) * (4 / 3)];
      let best: StructureElement | undefined;
      let bestArea = 0;
      if (subtype === 'Link') {
        for (const link of links) {
          const rects = link.rects ?? [];
          for (let k = 0; k < rects.length; k++) {
            // By index: an array pattern goes through the iterator too.
            const rect = rects[k] as number[];
            if (rect[0] !== index + 1) continue;
            const l = rect[1] as number;
            const t = rect[2] as number;
            const r = rect[3] as number;
            const b = rect[4] as number;
            const area = Math.max(0, Math.min(r, px[2]!) - Math.max(l, px[0]!)) * Math.max(0, Math.min(b, px[3]!) - Math.max(t, px[1]!));
            if (area > bestArea) {
              bestArea = area;
              best = link;
            }
          }
        }
      }
      const entry = { ref: item, page: index + 1, annot };
      if (best) annotationsOf.set(best.key, [...(annotationsOf.get(best.key) ?? []), entry]);
      else strayAnnotations.push(entry);
      if (subtype === 'Link') annot.set(nameFor('Contents'), hexText(describeLink(best, annot, options)));
    }
    page.node.set(nameFor('Tabs'), nameFor('S'));
  });

  // The structure tree.
  const parentTree = new Map<number, PDFRef[]>();
  const annotationParents: [number, PDFRef][] = [];
  const ids: [string, PDFRef][] = [];
  let count = 0;
  const pageRef = (page: number): PDFRef | undefined => pages[page - 1]?.ref;
  const pageNumbers = new Map(pages.map((page, index) => [page.ref, index + 1]));

  /** A marked-content reference (a leaf's content itself): written as the bare MCID when it is on the
   * element's own page (its /Pg), as an MCR dictionary naming its page otherwise. Most of a tree's references
   * are bare, which keeps the tree small to write, save and read back. */
  type Kid = PDFObject | LeafContent;
  const isContent = (kid: Kid): kid is LeafContent => !(kid instanceof PDFObject);
  const write = (type: string, parent: PDFRef, fill: (self: PDFRef) => Kid[], extra?: Record<string, PDFObject>): PDFRef | undefined => {
    const self = context.nextRef();
    const kids = fill(self);
    if (kids.length === 0) return undefined;
    const dict = PDFDict.withContext(context);
    dict.set(NAMES.Type, NAMES.StructElem);
    dict.set(NAMES.S, nameFor(type));
    dict.set(NAMES.P, parent);
    const first = firstPage(kids);
    const own = first ? pageRef(first) : undefined;
    if (own) dict.set(NAMES.Pg, own);
    const array = PDFArray.withContext(context);
    for (let k = 0; k < kids.length; k++) {
      const kid = kids[k] as Kid;
      if (!isContent(kid)) array.push(kid);
      else if (kid.page === first) array.push(PDFNumber.of(kid.mcid));
      else {
        const mcr = PDFDict.withContext(context);
        mcr.set(NAMES.Type, NAMES.MCR);
        const ref = pageRef(kid.page);
        if (ref) mcr.set(NAMES.Pg, ref);
        mcr.set(NAMES.MCID, PDFNumber.of(kid.mcid));
        array.push(mcr);
      }
    }
    dict.set(NAMES.K, array);
    if (extra) for (const key in extra) dict.set(nameFor(key), extra[key] as PDFObject);
    context.assign(self, dict);
    count++;
    return self;
  };
  /** The page of an element's first marked content or annotation, its /Pg. */
  const firstPage = (kids: Kid[]): number | undefined => {
    for (let k = 0; k < kids.length; k++) {
      const kid = kids[k] as Kid;
      if (isContent(kid)) return kid.page;
      if (kid instanceof PDFDict) {
        const pg = kid.get(NAMES.Pg);
        const page = pg instanceof PDFRef ? pageNumbers.get(pg) : undefined;
        if (page) return page;
      }
    }
    return undefined;
  };
  /** A leaf's content as a kid of `parent`, which the parent tree records. */
  const mcr = (content: LeafContent, parent: PDFRef): LeafContent => {
    let list = parentTree.get(content.page);
    if (list === undefined) parentTree.set(content.page, (list = []));
    list[content.mcid] = parent;
    return content;
  };
  /** The marked content of consecutive leaves; the two parts of a word hyphenated at a line end go into a
   * Span whose ActualText is the word whole (the page keeps its hyphen for search and copy). */
  const contentKids = (leafIndices: number[], self: PDFRef, out: Kid[]): void => {
    // One leaf's content as it is (most runs); several joined.
    let entries: LeafContent[] = leafIndices.length === 1 ? (leafMcids[leafIndices[0] as number] ?? []) : [];
    if (leafIndices.length > 1) {
      for (let k = 0; k < leafIndices.length; k++) {
        const list = leafMcids[leafIndices[k] as number];
        if (list) entries = entries.concat(list);
      }
    }
    for (let k = 0; k < entries.length; k++) {
      const entry = entries[k] as LeafContent;
      const next = entries[k + 1];
      if (entry.word !== undefined && next?.word === entry.word) {
        const span = write('Span', self, (ref) => [mcr(entry, ref), mcr(next, ref)], { ActualText: hexText(words.get(entry.word) ?? '') });
        if (span) out.push(span);
        k++;
      } else out.push(mcr(entry, self));
    }
  };
  const annotationKids = (key: string, self: PDFRef): PDFObject[] =>
    (annotationsOf.get(key) ?? []).map(({ ref, page, annot }) => {
      const structParent = pages.length + annotationParents.length;
      annot.set(nameFor('StructParent'), PDFNumber.of(structParent));
      annotationParents.push([structParent, self]);
      return context.obj({ Type: 'OBJR', Pg: pageRef(page) as PDFRef, Obj: ref });
    });

  const writeElement = (key: string, parent: PDFRef): PDFRef | undefined => {
    const element = elements.get(key);
    if (!element) return undefined;
    const kids = children.get(key) ?? [];
    /** The element's kids under `self`: each run of leaves as its content, each element written; `only`
     * keeps the generated leaves (a label's), or the other leaves and the elements (a body's). */
    const leafKids = (self: PDFRef, only?: 'generated' | 'body'): Kid[] => {
      const out: Kid[] = [];
      const run: number[] = [];
      for (let k = 0; k < kids.length; k++) {
        const kid = kids[k] as string | number;
        if (typeof kid === 'number') {
          if (only === undefined || (only === 'generated') === ((structure.leaves[kid] as { kind: string }).kind === 'generated')) run.push(kid);
          continue;
        }
        if (run.length > 0) {
          contentKids(run, self, out);
          run.length = 0;
        }
        if (only === 'generated') continue;
        const ref = writeElement(kid, self);
        if (ref) out.push(ref);
      }
      if (run.length > 0) contentKids(run, self, out);
      return out;
    };
    const extra: Record<string, PDFObject> = {};
    if (element.lang) extra.Lang = PDFString.of(element.lang);
    if (element.role === 'Figure') extra.Alt = hexText(element.alt ?? '');
    if (element.role === 'TH') extra.A = context.obj({ O: 'Table', Scope: element.scope ?? 'Column' });
    if (element.role === 'L') extra.A = context.obj({ O: 'List', ListNumbering: element.numbering ?? 'None' });
    if (element.role === 'Figure' && !element.alt) delete extra.Alt;

    if (element.role === 'LI') {
      return write('LI', parent, (self) => {
        const label = write('Lbl', self, (lbl) => leafKids(lbl, 'generated'));
        const body = write('LBody', self, (lbody) => leafKids(lbody, 'body'));
        return [label, body].filter((r): r is PDFRef => r !== undefined);
      });
    }
    if (element.role === 'Note') {
      const id = element.id ?? key;
      const ref = write('Note', parent, (self) => {
        const label = write('Lbl', self, (lbl) => leafKids(lbl, 'generated'));
        return [...(label ? [label] : []), ...leafKids(self, 'body')];
      }, { ID: PDFString.of(id), ...extra });
      if (ref) ids.push([id, ref]);
      return ref;
    }
    if (element.role === 'Link' && element.number !== undefined) {
      // A note's call: a Reference to the note, holding the link that goes there.
      return write('Reference', parent, (self) => [write('Link', self, (link) => [...leafKids(link), ...annotationKids(key, link)])].filter((r): r is PDFRef => r !== undefined));
    }
    return write(
      element.role,
      parent,
      (self) => {
        const own = leafKids(self);
        if (element.role === 'Link') for (const kid of annotationKids(key, self)) own.push(kid);
        return own;
      },
      extra,
    );
  };

  const rootRef = context.nextRef();
  const documentRef = context.nextRef();
  const top: PDFRef[] = [];
  for (const key of structure.roots) {
    const ref = writeElement(key, documentRef);
    if (ref) top.push(ref);
  }
  // Annotations drawn over no link of the structure still belong in it (UA1 7.18.1).
  for (const { ref, page, annot } of strayAnnotations) {
    const subtype = annot.lookupMaybe(nameFor('Subtype'), PDFName)?.decodeText();
    const self = context.nextRef();
    const structParent = pages.length + annotationParents.length;
    annot.set(nameFor('StructParent'), PDFNumber.of(structParent));
    annotationParents.push([structParent, self]);
    context.assign(self, context.obj({ Type: 'StructElem', S: subtype === 'Link' ? 'Link' : 'Annot', P: documentRef, Pg: pageRef(page) as PDFRef, K: [context.obj({ Type: 'OBJR', Pg: pageRef(page) as PDFRef, Obj: ref })] }));
    top.push(self);
    count++;
  }
  context.assign(documentRef, context.obj({ Type: 'StructElem', S: 'Document', P: rootRef, K: top }));
  count++;

  const nums: PDFObject[] = [];
  pages.forEach((page, index) => {
    const list = parentTree.get(index + 1);
    if (!list) {
      page.node.delete(nameFor('StructParents'));
      return;
    }
    page.node.set(nameFor('StructParents'), PDFNumber.of(index));
    const parents = PDFArray.withContext(context);
    for (let mcid = 0; mcid < list.length; mcid++) parents.push(list[mcid] ?? PDFNull);
    nums.push(PDFNumber.of(index), parents);
  });
  for (const [key, ref] of annotationParents) nums.push(PDFNumber.of(key), ref);
  const root = context.obj({
    Type: 'StructTreeRoot',
    K: documentRef,
    ParentTree: context.obj({ Nums: nums }),
    ParentTreeNextKey: pages.length + annotationParents.length,
  }) as PDFDict;
  if (ids.length > 0) {
    ids.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    root.set(PDFName.of('IDTree'), context.obj({ Names: ids.flatMap(([id, ref]) => [PDFString.of(id), ref]) }));
  }
  context.assign(rootRef, root);
  pdf.catalog.set(PDFName.of('StructTreeRoot'), rootRef);
  pdf.catalog.set(PDFName.of('MarkInfo'), context.obj({ Marked: true }));
  return { sequences, elements: count, artifacts };
}

/**
 * Each element's children in reading order. A note, which Paged.js moved to the foot of its page, follows
 * the block that calls it (after the notes called before it there).
 */
function logicalChildren(structure: DocumentStructure, elements: Map<string, StructureElement>): Map<string, (string | number)[]> {
  const children = new Map(structure.elements.map((e) => [e.key, [...e.kids]]));
  const placedAfter = new Map<string, number>();
  for (const note of structure.elements) {
    if (note.role !== 'Note' || note.parent !== null) continue;
    let block = note.call ? elements.get(note.call) : undefined;
    while (block && !BLOCKS.has(block.role) && !CONTAINING_BLOCKS.has(block.role) && block.parent) block = elements.get(block.parent);
    if (block && CONTAINING_BLOCKS.has(block.role)) {
      children.get(block.key)?.push(note.key);
      continue;
    }
    const host = block?.parent ? children.get(block.parent) : undefined;
    if (!block || !host) {
      // No call found (a note whose call is on no page): it goes at the end of its page's last root.
      const last = structure.roots[structure.roots.length - 1];
      if (last) children.get(last)?.push(note.key);
      continue;
    }
    const after = placedAfter.get(block.key) ?? 0;
    host.splice(host.indexOf(block.key) + 1 + after, 0, note.key);
    placedAfter.set(block.key, after + 1);
  }
  return children;
}

function describeLink(link: StructureElement | undefined, annot: PDFDict, options: TagOptions): string {
  if (link?.number !== undefined) return `${options.noteLabel} ${link.number ?? ''}`.trim();
  const href = link?.href ?? '';
  if (href.startsWith('#')) {
    const id = decodeURIComponent(href.slice(1));
    return options.titles[id] ?? id;
  }
  if (href) return href;
  const action = annot.lookup(PDFName.of('A'));
  const uri = action instanceof PDFDict ? action.lookup(PDFName.of('URI')) : undefined;
  if (uri instanceof PDFString || uri instanceof PDFHexString) return uri.decodeText();
  return 'Link';
}
