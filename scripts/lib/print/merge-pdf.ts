import { PDFArray, PDFDict, PDFDocument, ParseSpeeds, PDFName, PDFNull, PDFNumber, PDFHexString, PDFRef, PDFString, type PDFObject, type PDFPage } from 'pdf-lib';
import { putMarkedStream, type MarkedStream } from '../pdf/tag-pdf.ts';
import { nextRecto, printedAnchors, printedPage } from './numbering.ts';
import type { PrintedUnit } from './document-layout.ts';
import { putMarkedStreams } from './mark-document.ts';
import { stageDone } from '../stage-times.ts';

/** CSS px to PDF points: Chromium prints 96 px to the inch. */
const PX = 0.75;

export interface MergeOptions {
  /** Height of the finished sheet in points (trim plus bleed), to place links and destinations. */
  sheetHeight: number;
}

/**
 * One PDF from the units' printed pages, in order, each starting on a recto: a blank verso goes after a unit
 * with an odd page count, as Paged.js leaves one before a `break-before: right`. Named destinations (note
 * links) are carried over, and links between units are drawn anew from their layouts.
 */
export async function mergeUnits(units: readonly PrintedUnit[], options: MergeOptions, begun?: Promise<MergeCopies>): Promise<PDFDocument> {
  const copying = begun ? await begun : await beginCopies();
  // Each printed document is copied in one go: its fonts (and other shared objects) then come over once,
  // not once per unit in it.
  await copyDocuments(copying, units);
  await putMarkedCopies(copying);
  const { merged, copies } = copying;
  const dests = merged.context.obj({}) as PDFDict;
  const anchors = new Map<string, { page: number; top: number }>();

  const destinations = new Map<PDFDocument, DocumentDestination[]>();
  let first = 1;
  for (const [index, unit] of units.entries()) {
    if (first !== unit.firstPage) throw new Error(`unit ${unit.id} was printed to start on page ${unit.firstPage}, not ${first}`);
    const { source, pages: copiedPages } = copies.get(unit.source.id) as CopiedDocument;
    const [from, to] = unit.pages;
    const indices = Array.from({ length: to - from + 1 }, (_, i) => from - 1 + i);
    const copied = indices.map((i) => copiedPages.get(i) as PDFPage);
    let sourceDests = destinations.get(source);
    if (!sourceDests) destinations.set(source, (sourceDests = documentDestinations(source)));
    const renamed = copyDestinations(sourceDests, merged, dests, from - 1, copied, unit.id);
    // Links to other units are drawn below from the layout; Chromium's own (to a name in its document) go.
    const crossLinks = new Set(unit.layout.links.map((l) => l.id));
    for (const page of copied) {
      merged.addPage(page);
      fixLinkDestinations(page, renamed, crossLinks);
    }
    for (const [id, at] of Object.entries(printedAnchors(unit.layout.anchors, first))) if (!anchors.has(id)) anchors.set(id, at);
    const pages = copied.length;
    first = nextRecto(first, pages);
    const last = copied[copied.length - 1];
    if (pages % 2 === 1 && index < units.length - 1 && last) merged.addPage([last.getWidth(), last.getHeight()]);
  }
  if (dests.keys().length > 0) merged.catalog.set(PDFName.of('Dests'), merged.context.register(dests));

  const pages = merged.getPages();
  for (const unit of units) {
    for (const link of unit.layout.links) {
      const target = anchors.get(link.id);
      const page = pages[printedPage(unit.firstPage, link.page) - 1];
      const targetPage = target ? pages[target.page - 1] : undefined;
      if (!target || !page || !targetPage) continue;
      for (const rect of link.rects) addLink(merged, page, rect, targetPage, target.top, options.sheetHeight);
    }
  }
  return merged;
}

interface CopiedDocument {
  source: PDFDocument;
  /** Page index in the source -> the page copied into the merged document. */
  pages: Map<number, PDFPage>;
}

/** The merged document as its printed documents are copied in: what is copied, by document id, and what is
 * left to put in once each document's marking is done. */
export interface MergeCopies {
  merged: PDFDocument;
  copies: Map<string, CopiedDocument>;
  usedTags: Set<string>;
  marking: { marked: () => Promise<MarkedStream[]>; pages: Map<number, PDFPage> }[];
}

async function beginCopies(): Promise<MergeCopies> {
  return { merged: await PDFDocument.create({ updateMetadata: false }), copies: new Map(), usedTags: new Set(), marking: [] };
}

/**
 * The merge begun before the last documents are printed: the documents of the units the build takes from
 * the cache (printed in earlier builds, so copied before any printed in this one: `copyDocuments`) copied
 * while Chromium prints, as soon as the build has decided on them (`LayOutOptions.cachedUnits`). `mergeUnits`
 * copies the rest and puts in every marked stream: the same operations in the same order as a merge begun
 * after the print.
 */
export async function copyEarlierDocuments(units: readonly Pick<PrintedUnit, 'source' | 'pages'>[]): Promise<MergeCopies> {
  const copying = await beginCopies();
  const started = performance.now();
  await copyDocuments(copying, units);
  stageDone('documents from the cache copied', started);
  return copying;
}

/** Loads every printed document the units are in and copies the pages they use, one copyPages per document,
 * giving each document's font subsets a tag of their own. The documents printed in earlier builds are copied
 * first (in the order of their first units), then those printed later: a watching build's save prints the
 * edited chapter anew, and what it copies from the cache keeps its objects' numbers from one save to the
 * next; a one-off build from the same cache copies in the same order (the cache keeps when each was printed). A document being marked for the tagged PDF is
 * copied as printed, while it is marked, and its marked streams put in place of the copied ones after: the
 * same objects as copying the marked pages, when each page has its content in one stream (as Chromium
 * prints it); otherwise its marking is waited for and the marked pages copied. */
async function copyDocuments(copying: MergeCopies, units: readonly Pick<PrintedUnit, 'source' | 'pages'>[]): Promise<void> {
  const { merged, copies, usedTags, marking } = copying;
  const wanted = new Map<string, { unit: Pick<PrintedUnit, 'source' | 'pages'>; indices: Set<number> }>();
  for (const unit of units) {
    if (copies.has(unit.source.id)) continue;
    const entry = wanted.get(unit.source.id) ?? { unit, indices: new Set<number>() };
    for (let i = unit.pages[0] - 1; i < unit.pages[1]; i++) entry.indices.add(i);
    wanted.set(unit.source.id, entry);
  }
  const inPrintOrder = [...wanted].sort(([, a], [, b]) => a.unit.source.printed - b.unit.source.printed);
  for (const [id, { unit, indices }] of inPrintOrder) {
    const loading = performance.now();
    const source = unit.source.document ? await unit.source.document() : await PDFDocument.load(await unit.source.load(), { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
    stageDone('document read', loading);
    const order = [...indices].sort((a, b) => a - b);
    const { marked } = unit.source;
    const markAfter = marked !== undefined && order.every((i) => inOneStream(source.getPage(i)));
    if (marked && !markAfter) putMarkedStreams(source, await marked());
    // What copyPages adds is numbered after every object there before.
    const before = merged.context.largestObjectNumber;
    const copied = await merged.copyPages(source, order);
    retagFontSubsets(merged, before, usedTags);
    stageDone(`document copied (${order.length} pages)`, loading);
    const pages = new Map(order.map((index, k) => [index, copied[k] as PDFPage]));
    copies.set(id, { source, pages });
    if (marked && markAfter) marking.push({ marked, pages });
  }
}

/** The marked streams of the documents copied as printed, put in place of the copies' (in copying order). */
async function putMarkedCopies({ merged, marking }: MergeCopies): Promise<void> {
  for (const { marked, pages } of marking) {
    const waiting = performance.now();
    const streams = await marked();
    stageDone('marked streams waited for', waiting);
    for (const { index, bytes } of streams) {
      const page = pages.get(index);
      if (!page) throw new Error(`a marked stream for page ${index + 1}, which the merge did not copy`);
      putMarkedStream(merged, page, bytes);
    }
  }
}

/** A page whose content is in one stream, or none. */
function inOneStream(page: PDFPage): boolean {
  const contents = page.node.get(PDFName.of('Contents'));
  return contents === undefined || contents instanceof PDFRef;
}

/**
 * Chromium names the font subsets of every document it prints AAAAAA+, BAAAAA+, …: in a book merged from
 * several documents, different subsets of one font would share a name, which a RIP may take for one font.
 * Each newly copied subset (an object numbered after `before`) gets a tag no other subset in the book has (deterministic, for reproducible files).
 */
function retagFontSubsets(pdf: PDFDocument, before: number, usedTags: Set<string>): void {
  const renamed = new Map<string, string>();
  const retag = (name: string): string => {
    const match = /^([A-Z]{6})\+(.+)$/.exec(name);
    if (!match) return name;
    const [, tag, rest] = match as unknown as [string, string, string];
    let next = renamed.get(tag);
    if (!next) {
      next = tag;
      for (let n = 0; usedTags.has(next); n++) next = subsetTag(tag, n);
      usedTags.add(next);
      renamed.set(tag, next);
    }
    return `${next}+${rest}`;
  };
  // copyPages numbers what it adds from `before` + 1 on (generation 0): those numbers in order, not every
  // object of the book listed and sorted.
  for (let number = before + 1; number <= pdf.context.largestObjectNumber; number++) {
    const object = pdf.context.lookup(PDFRef.of(number));
    if (!(object instanceof PDFDict)) continue;
    for (const key of ['BaseFont', 'FontName']) {
      const value = object.get(PDFName.of(key));
      if (value instanceof PDFName) object.set(PDFName.of(key), PDFName.of(retag(value.decodeText())));
    }
  }
}

/** The n-th alternative to a subset tag: its first two letters kept, the last four counting in base 26. */
function subsetTag(tag: string, n: number): string {
  let value = n + 1;
  let tail = '';
  for (let i = 0; i < 4; i++) {
    tail = String.fromCharCode(65 + (value % 26)) + tail;
    value = Math.floor(value / 26);
  }
  return tag.slice(0, 2) + tail;
}

/** A named destination of a printed document: its name, the index of its page, and the rest of its array. */
interface DocumentDestination {
  name: string;
  page: number;
  rest: PDFObject[];
}

/** Each printed document's destinations as found: a watching build keeps the documents of the units it takes
 * from the cache from one save to the next (kept-documents.ts), and the merge only reads them. */
const destinationsFound = new WeakMap<PDFDocument, DocumentDestination[]>();

/** A printed document's named destinations, in its Dests' order, each with its page's index (found once for
 * the document, not once for each unit in it, nor again for a document kept). */
function documentDestinations(source: PDFDocument): DocumentDestination[] {
  let found = destinationsFound.get(source);
  if (!found) destinationsFound.set(source, (found = findDestinations(source)));
  return found;
}

function findDestinations(source: PDFDocument): DocumentDestination[] {
  const sourceDests = source.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict);
  if (!sourceDests) return [];
  const pageIndex = new Map(source.getPages().map((page, index) => [page.ref, index]));
  const found: DocumentDestination[] = [];
  for (const [key, value] of sourceDests.entries()) {
    const target = source.context.lookup(value);
    const array = target instanceof PDFDict ? target.lookup(PDFName.of('D')) : target;
    if (!(array instanceof PDFArray)) continue;
    const first = array.get(0);
    const page = first instanceof PDFRef ? pageIndex.get(first) : undefined;
    if (page === undefined) continue;
    const rest = array.asArray().slice(1).map((item) => (item instanceof PDFNumber ? PDFNumber.of(item.asNumber()) : item instanceof PDFName ? item : PDFNull));
    found.push({ name: key.decodeText(), page, rest });
  }
  return found;
}

/** Copies a unit's named destinations (its pages are the document's from `offset` on), pointing at the merged
 * pages; a name another unit already used is given the unit's id as a suffix. Returns the renames. */
function copyDestinations(sourceDests: readonly DocumentDestination[], merged: PDFDocument, dests: PDFDict, offset: number, copied: PDFPage[], unitId: string): Map<string, string> {
  const renamed = new Map<string, string>();
  for (const { name: sourceName, page: index, rest } of sourceDests) {
    const page = copied[index - offset];
    if (!page) continue;
    let name = sourceName;
    if (dests.has(PDFName.of(name))) {
      const unique = `${name}-${unitId}`;
      renamed.set(name, unique);
      name = unique;
    }
    dests.set(PDFName.of(name), merged.context.obj([page.ref, ...rest]));
  }
  return renamed;
}

function fixLinkDestinations(page: PDFPage, renamed: Map<string, string>, crossLinks: Set<string>): void {
  const annots = page.node.Annots();
  if (!annots) return;
  for (let i = annots.size() - 1; i >= 0; i--) {
    const annot = page.doc.context.lookup(annots.get(i));
    if (!(annot instanceof PDFDict)) continue;
    const dest = annot.get(PDFName.of('Dest'));
    const name = dest instanceof PDFName ? dest.decodeText() : dest instanceof PDFString || dest instanceof PDFHexString ? dest.decodeText() : undefined;
    if (name === undefined) continue;
    if (crossLinks.has(name)) {
      annots.remove(i);
      continue;
    }
    const to = renamed.get(name);
    if (to) annot.set(PDFName.of('Dest'), PDFName.of(to));
  }
}

function addLink(pdf: PDFDocument, page: PDFPage, [left, top, right, bottom]: number[], target: PDFPage, targetTop: number, sheetHeight: number): void {
  const y = (px: number): number => Math.round((sheetHeight - px * PX) * 100) / 100;
  const x = (px: number): number => Math.round(px * PX * 100) / 100;
  const annot = pdf.context.obj({
    Type: 'Annot',
    Subtype: 'Link',
    Rect: [x(left ?? 0), y(bottom ?? 0), x(right ?? 0), y(top ?? 0)],
    Border: [0, 0, 0],
    Dest: [target.ref, PDFName.of('XYZ'), PDFNull, PDFNumber.of(Math.round(sheetHeight - targetTop * PX)), PDFNull],
  });
  const ref = pdf.context.register(annot);
  const annots = page.node.Annots();
  if (annots) annots.push(ref);
  else page.node.set(PDFName.of('Annots'), pdf.context.obj([ref]));
}
