import { PDFArray, PDFDict, PDFDocument, ParseSpeeds, PDFHexString, PDFName, PDFRef, PDFString } from 'pdf-lib';

/** A footnote call as the finished PDF shows it: the link on the call's page and the page its note is on. */
export interface NoteLink {
  name: string;
  callPage: number;
  notePage: number;
}

export interface OutlineEntry {
  title: string;
  depth: number;
  page: number;
}

/** Reads back what a reader of the PDF would follow: note links and bookmarks. */
export class PdfReader {
  private constructor(private readonly pdf: PDFDocument) {}

  static async load(bytes: Uint8Array): Promise<PdfReader> {
    return new PdfReader(await PDFDocument.load(bytes, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest }));
  }

  get pageCount(): number {
    return this.pdf.getPageCount();
  }

  private pageNumberOf(ref: unknown): number {
    if (!(ref instanceof PDFRef)) return 0;
    return this.pdf.getPages().findIndex((p) => p.ref === ref) + 1;
  }

  private namedDestinations(): Map<string, number> {
    const result = new Map<string, number>();
    const dests = this.pdf.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict);
    if (!dests) return result;
    for (const [key, value] of dests.entries()) {
      const target = this.pdf.context.lookup(value);
      const array = target instanceof PDFDict ? target.lookup(PDFName.of('D')) : target;
      if (array instanceof PDFArray) result.set(key.decodeText(), this.pageNumberOf(array.get(0)));
    }
    return result;
  }

  /** Every annotation on every page, with the page it is on (1-based). */
  private annotations(): { page: number; annot: PDFDict }[] {
    const found: { page: number; annot: PDFDict }[] = [];
    this.pdf.getPages().forEach((page, index) => {
      const annots = page.node.Annots();
      if (!annots) return;
      for (let i = 0; i < annots.size(); i++) {
        const annot = this.pdf.context.lookup(annots.get(i));
        if (annot instanceof PDFDict) found.push({ page: index + 1, annot });
      }
    });
    return found;
  }

  /** Internal links whose destination name starts with `prefix` (Paged.js names notes `note-…`). */
  noteLinks(prefix = 'note-'): NoteLink[] {
    const dests = this.namedDestinations();
    const links: NoteLink[] = [];
    for (const { page, annot } of this.annotations()) {
      const dest = annot.get(PDFName.of('Dest'));
      const name = dest instanceof PDFName ? dest.decodeText() : dest instanceof PDFString || dest instanceof PDFHexString ? dest.decodeText() : undefined;
      if (name?.startsWith(prefix)) links.push({ name, callPage: page, notePage: dests.get(name) ?? 0 });
    }
    return links;
  }

  /** Every internal link: the page it is on and the page it goes to, by name or by explicit destination. */
  internalLinks(): { page: number; targetPage: number }[] {
    const dests = this.namedDestinations();
    const links: { page: number; targetPage: number }[] = [];
    for (const { page, annot } of this.annotations()) {
      const dest = annot.lookup(PDFName.of('Dest'));
      let targetPage = 0;
      if (dest instanceof PDFArray) targetPage = this.pageNumberOf(dest.get(0));
      else if (dest instanceof PDFName || dest instanceof PDFString || dest instanceof PDFHexString) targetPage = dests.get(dest.decodeText()) ?? 0;
      else continue;
      links.push({ page, targetPage });
    }
    return links;
  }

  outline(): OutlineEntry[] {
    const entries: OutlineEntry[] = [];
    const outlines = this.pdf.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict);
    const walk = (first: unknown, depth: number): void => {
      let node = first instanceof PDFRef ? this.pdf.context.lookup(first) : undefined;
      while (node instanceof PDFDict) {
        const title = node.lookup(PDFName.of('Title'));
        const dest = node.lookup(PDFName.of('Dest'));
        entries.push({
          title: title instanceof PDFString || title instanceof PDFHexString ? title.decodeText() : '',
          depth,
          page: dest instanceof PDFArray ? this.pageNumberOf(dest.get(0)) : 0,
        });
        walk(node.get(PDFName.of('First')), depth + 1);
        const next = node.get(PDFName.of('Next'));
        node = next instanceof PDFRef ? this.pdf.context.lookup(next) : undefined;
      }
    };
    if (outlines) walk(outlines.get(PDFName.of('First')), 0);
    return entries;
  }

  pageMode(): string | undefined {
    return this.pdf.catalog.lookupMaybe(PDFName.of('PageMode'), PDFName)?.decodeText();
  }

  language(): string | undefined {
    const lang = this.pdf.catalog.lookup(PDFName.of('Lang'));
    return lang instanceof PDFString || lang instanceof PDFHexString ? lang.decodeText() : undefined;
  }

  xmp(): string | undefined {
    const ref = this.pdf.catalog.get(PDFName.of('Metadata'));
    const stream = ref ? this.pdf.context.lookup(ref) : undefined;
    if (!stream || !('getContents' in stream)) return undefined;
    return Buffer.from((stream as { getContents(): Uint8Array }).getContents()).toString('utf8');
  }
}
