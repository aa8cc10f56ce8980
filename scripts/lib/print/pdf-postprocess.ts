import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNull,
  PDFNumber,
  PDFRef,
  type PDFPage,
  type PDFRawStream,
} from 'pdf-lib';
import type { BookConfig } from '../config/schema.ts';
import { contributorsOf, creatorsOf } from '../contributors.ts';
import { outlineLevel } from '../book-structure.ts';
import { escapeHtml } from '../html.ts';
import type { PageLayout } from './runtime/contract.ts';
import { toPoints } from './lengths.ts';

export interface PostprocessOptions {
  config: BookConfig;
  layout: PageLayout;
  date: Date;
  producer: string;
  /** The PDF is tagged and passed the PDF/UA-1 conditions the build decides: its XMP claims PDF/UA-1. */
  pdfUa?: boolean;
}

/** Metadata, XMP, language, bookmarks and page boxes: what Chromium's PDF lacks and a printer or reader wants. */
export function postprocessDocument(pdf: PDFDocument, options: PostprocessOptions): void {
  const { config, layout, date, producer } = options;
  pdf.setTitle(config.title, { showInWindowTitleBar: true });
  // The Info dictionary has one Author string: the authors, separated as Acrobat separates them.
  pdf.setAuthor(creatorsOf(config).join('; '));
  pdf.setSubject(config.description ?? config.subtitle ?? config.title);
  pdf.setKeywords(config.keywords);
  pdf.setLanguage(config.language);
  pdf.setCreator('lenins-strijd-book pipeline (Paged.js, Chromium)');
  pdf.setProducer(producer);
  pdf.setCreationDate(date);
  pdf.setModificationDate(date);
  setXmp(pdf, config, date, producer, options.pdfUa ?? false);
  setPageBoxes(pdf, config);
  addOutline(pdf, layout, outlineLevel(config));
  setPageLabels(pdf, layout);
}

/**
 * The folios as a viewer shows them (PDF 32000-1, 12.4.2): "iii" on the third page of a front matter folioed
 * in roman, "1" where the main text begins. A book folioed through in figures needs none: a page's place is
 * its folio.
 */
function setPageLabels(pdf: PDFDocument, layout: Pick<PageLayout, 'romanPages'>): void {
  if (!layout.romanPages) return;
  const label = (style: string): PDFDict => pdf.context.obj({ S: PDFName.of(style) });
  const nums = pdf.context.obj([0, label('r'), layout.romanPages, label('D')]);
  pdf.catalog.set(PDFName.of('PageLabels'), pdf.context.obj({ Nums: nums }));
}

/**
 * Chromium rounds the sheet to its own units (a 141 mm sheet comes out 0.4 pt wide of it) but lays the page
 * out from the top-left corner in exact CSS millimetres. So the boxes are set from book.yaml, anchored at the
 * top left: the trim is exactly the configured size and sits exactly `bleed` inside the sheet.
 */
function setPageBoxes(pdf: PDFDocument, config: BookConfig): void {
  const bleed = toPoints(config.print.bleed);
  const trimWidth = toPoints(config.print.trim.width);
  const trimHeight = toPoints(config.print.trim.height);
  const sheetWidth = trimWidth + 2 * bleed;
  const sheetHeight = trimHeight + 2 * bleed;
  const shifts = new Map<string, { start: PDFRef; end: PDFRef }>();
  const artBox = PDFName.of('ArtBox');
  for (const page of pdf.getPages()) {
    // The box is inherited: each read goes up the page tree.
    const media = page.getMediaBox();
    const top = media.y + media.height;
    shiftContent(pdf, page, sheetHeight - top, shifts);
    page.setMediaBox(0, 0, sheetWidth, sheetHeight);
    page.setCropBox(0, 0, sheetWidth, sheetHeight);
    page.setBleedBox(0, 0, sheetWidth, sheetHeight);
    page.setTrimBox(bleed, bleed, trimWidth, trimHeight);
    page.node.delete(artBox);
  }
}

/**
 * Moves a page's content up by `dy` points, as pdf-lib's translateContent does, with two short uncompressed
 * streams around it: translateContent adds three Flate streams per page, and deflating those was most of
 * the time spent writing a long book. The streams are shared by every page shifted as far (`shifts`, by
 * the shift as written): two objects for the book, not two a page.
 */
function shiftContent(pdf: PDFDocument, page: PDFPage, dy: number, shifts: Map<string, { start: PDFRef; end: PDFRef }>): void {
  if (Math.abs(dy) < 0.001) return;
  page.node.normalize();
  const shift = dy.toFixed(4);
  let streams = shifts.get(shift);
  if (!streams) {
    streams = { start: pdf.context.register(pdf.context.stream(`q 1 0 0 1 0 ${shift} cm\n`)), end: pdf.context.register(pdf.context.stream('Q\n')) };
    shifts.set(shift, streams);
  }
  page.node.wrapContentStreams(streams.start, streams.end);
}

interface OutlineNode {
  title: string;
  page: number;
  top: number;
  level: number;
  children: OutlineNode[];
}

/** Nested bookmarks from the headings as laid out (a part's chapters under it), opening with the outline panel shown. */
function addOutline(pdf: PDFDocument, layout: PageLayout, levelOf: (id: string, level: number) => number): void {
  const roots: OutlineNode[] = [];
  const stack: OutlineNode[] = [];
  for (const h of layout.headings) {
    const level = levelOf(h.id, h.level);
    const node: OutlineNode = { title: h.text, page: h.page, top: h.top, level, children: [] };
    while (stack.length > 0 && (stack[stack.length - 1] as OutlineNode).level >= level) stack.pop();
    const parent = stack[stack.length - 1];
    (parent ? parent.children : roots).push(node);
    stack.push(node);
  }
  if (roots.length === 0) return;
  const context = pdf.context;
  const pages = pdf.getPages();
  const pxToPt = layout.pageHeight > 0 ? (pages[0]?.getHeight() ?? 0) / layout.pageHeight : 0.75;
  const outlinesRef = context.nextRef();

  const build = (nodes: OutlineNode[], parentRef: PDFRef): { first: PDFRef; last: PDFRef; count: number } => {
    const refs = nodes.map(() => context.nextRef());
    let count = 0;
    nodes.forEach((node, i) => {
      const page = pages[node.page - 1] ?? pages[0];
      if (!page) return;
      const dict = context.obj({}) as PDFDict;
      dict.set(PDFName.of('Title'), PDFHexString.fromText(node.title));
      dict.set(PDFName.of('Parent'), parentRef);
      const top = page.getHeight() - node.top * pxToPt;
      dict.set(
        PDFName.of('Dest'),
        context.obj([page.ref, PDFName.of('XYZ'), PDFNull, PDFNumber.of(Math.round(top)), PDFNull]) as PDFArray,
      );
      if (i > 0) dict.set(PDFName.of('Prev'), refs[i - 1] as PDFRef);
      if (i < nodes.length - 1) dict.set(PDFName.of('Next'), refs[i + 1] as PDFRef);
      count++;
      if (node.children.length > 0) {
        const sub = build(node.children, refs[i] as PDFRef);
        dict.set(PDFName.of('First'), sub.first);
        dict.set(PDFName.of('Last'), sub.last);
        dict.set(PDFName.of('Count'), PDFNumber.of(sub.count));
        count += sub.count;
      }
      context.assign(refs[i] as PDFRef, dict);
    });
    return { first: refs[0] as PDFRef, last: refs[refs.length - 1] as PDFRef, count };
  };

  const top = build(roots, outlinesRef);
  context.assign(
    outlinesRef,
    context.obj({ Type: 'Outlines', First: top.first, Last: top.last, Count: PDFNumber.of(top.count) }),
  );
  pdf.catalog.set(PDFName.of('Outlines'), outlinesRef);
  pdf.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}

/** Everyone else (preface, translation, editing) as dc:contributor: Dublin Core's place for them in XMP. */
function contributorsXmp(config: BookConfig): string {
  const creators = new Set(creatorsOf(config));
  const others = [...new Set(contributorsOf(config).map((c) => c.name))].filter((name) => !creators.has(name));
  if (others.length === 0) return '';
  return `<dc:contributor><rdf:Bag>${others.map((name) => `<rdf:li>${escapeHtml(name)}</rdf:li>`).join('')}</rdf:Bag></dc:contributor>`;
}

function setXmp(pdf: PDFDocument, config: BookConfig, date: Date, producer: string, pdfUa: boolean): void {
  setMetadataStream(pdf, screenXmp(config, date, producer, pdfUa));
}

function screenXmp(config: BookConfig, date: Date, producer: string, pdfUa: boolean): string {
  return xmpPacket(config, date, producer, pdfUa ? { namespace: 'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"', properties: '<pdfuaid:part>1</pdfuaid:part>' } : undefined);
}

/**
 * The post-processed PDF's XMP made again with or without the PDF/UA-1 claim, in the object it was written in:
 * the same file as post-processing with that claim in the first place (finish-pdf.ts, when the structure's
 * check, run while the file was written, disagrees with the claim it was written with).
 */
export function claimPdfUa(pdf: PDFDocument, options: Pick<PostprocessOptions, 'config' | 'date' | 'producer'>, pdfUa: boolean): void {
  const ref = pdf.catalog.get(PDFName.of('Metadata'));
  if (!(ref instanceof PDFRef)) throw new Error('the PDF has no metadata stream to make again: post-process it first');
  pdf.context.assign(ref, metadataStream(pdf, screenXmp(options.config, options.date, options.producer, pdfUa)));
}

/** The catalog's metadata stream, as UTF-8: pdf-lib writes a string's characters as single bytes ("Å" became one Latin-1 byte). */
export function setMetadataStream(pdf: PDFDocument, xmp: string): void {
  pdf.catalog.set(PDFName.of('Metadata'), pdf.context.register(metadataStream(pdf, xmp)));
}

function metadataStream(pdf: PDFDocument, xmp: string): PDFRawStream {
  return pdf.context.stream(new Uint8Array(Buffer.from(xmp, 'utf8')), { Type: 'Metadata', Subtype: 'XML' });
}

/** The book's XMP packet: title, every creator and contributor, description, keywords, dates; `extra` adds a schema's properties (PDF/UA, PDF/X). */
export function xmpPacket(config: BookConfig, date: Date, producer: string, extra?: { namespace: string; properties: string }): string {
  const iso = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const x = escapeHtml;
  const lang = x(config.language);
  const keywords = config.keywords.map((k) => `<rdf:li>${x(k)}</rdf:li>`).join('');
  const identifier = config.identifiers.isbn ?? config.identifiers.uuid;
  const xmp = `<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"${extra ? `\n ${extra.namespace}` : ''}>
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${x(config.title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq>${creatorsOf(config).map((name) => `<rdf:li>${x(name)}</rdf:li>`).join('')}</rdf:Seq></dc:creator>
${contributorsXmp(config)}
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${x(config.description ?? config.title)}</rdf:li></rdf:Alt></dc:description>
<dc:subject><rdf:Bag>${keywords}</rdf:Bag></dc:subject>
<dc:language><rdf:Bag><rdf:li>${lang}</rdf:li></rdf:Bag></dc:language>
${identifier ? `<dc:identifier>${x(identifier)}</dc:identifier>` : ''}
${config.rights ? `<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">${x(config.rights)}</rdf:li></rdf:Alt></dc:rights>` : ''}
<pdf:Keywords>${x(config.keywords.join(', '))}</pdf:Keywords>
<pdf:Producer>${x(producer)}</pdf:Producer>
<xmp:CreatorTool>lenins-strijd-book pipeline (Paged.js, Chromium)</xmp:CreatorTool>
<xmp:CreateDate>${iso}</xmp:CreateDate>
<xmp:ModifyDate>${iso}</xmp:ModifyDate>
<xmp:MetadataDate>${iso}</xmp:MetadataDate>${extra ? `\n${extra.properties}` : ''}
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
  return xmp;
}

