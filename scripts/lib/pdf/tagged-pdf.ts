import { inflateSync } from 'node:zlib';
import {
  decodePDFRawStream,
  PDFArray,
  PDFBool,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFStream,
  PDFString,
  type PDFDocument,
  type PDFObject,
} from 'pdf-lib';
import { PAINTING_OPERATORS, scanContent, shownStrings, type Operand } from './content-stream.ts';

/**
 * What a tagged PDF says about itself, read into plain objects: the catalog's accessibility entries, the
 * structure tree, and per page how its content is marked, its annotations and whether its text maps to
 * Unicode. The PDF/UA check reads this; the tests read it back to see what the build wrote.
 */
export interface TaggedPdf {
  pageCount: number;
  /** MarkInfo /Marked true. */
  marked: boolean;
  /** MarkInfo /Suspects true. */
  suspects: boolean;
  lang?: string;
  displayDocTitle: boolean;
  /** The Info dictionary's Title. */
  title?: string;
  xmp?: string;
  roleMap: Record<string, string>;
  /** The StructTreeRoot's children, or undefined when there is no structure tree. */
  structure?: StructElement[];
  pages: PageFacts[];
}

export interface StructElement {
  /** The structure type as written (/S). */
  type: string;
  /** The standard type it maps to through the RoleMap (the type itself when it is standard or unmapped). */
  role: string;
  alt?: string;
  actualText?: string;
  id?: string;
  lang?: string;
  /** Table attribute /Scope of a TH (/A, owner Table). */
  scope?: string;
  /** Table attribute /Headers of a TD or TH. */
  headers?: string[];
  kids: StructKid[];
}

export type StructKid =
  | { kind: 'element'; element: StructElement }
  | { kind: 'content'; page: number; mcid: number }
  | { kind: 'annotation'; page: number; annotation: PDFRef };

export interface AnnotationFacts {
  ref?: PDFRef;
  subtype: string;
  structParent?: number;
  contents?: string;
}

export interface PageFacts {
  page: number;
  tabs?: string;
  annotations: AnnotationFacts[];
  /** MCIDs of the marked-content sequences on the page, in content order. */
  mcids: number[];
  /** Painting operators outside any marked-content sequence, by operator. */
  unmarked: Record<string, number>;
  /** Artifacts inside tagged content, and tagged content inside artifacts. */
  artifactInTagged: number;
  taggedInArtifact: number;
  /** Character codes shown with a font that gives them no Unicode value: font name -> codes (hex). */
  unmapped: Record<string, string[]>;
  /** A content stream that could not be read. */
  unreadable?: string;
}

/** The 1.7 standard structure types (ISO 32000-1, 14.8.4), which PDF/UA-1 builds on. */
export const STANDARD_TYPES = new Set(
  (
    'Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody ' +
    'Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula Form'
  ).split(' '),
);

/** The names the structure tree is read by, made once: PDFName.of decodes its argument with a regular
 * expression on every call, which reading every element and marked-content reference of a book paid. */
const NAMES = {
  K: PDFName.of('K'),
  Type: PDFName.of('Type'),
  Pg: PDFName.of('Pg'),
  MCR: PDFName.of('MCR'),
  MCID: PDFName.of('MCID'),
  OBJR: PDFName.of('OBJR'),
  Obj: PDFName.of('Obj'),
  S: PDFName.of('S'),
  Alt: PDFName.of('Alt'),
  ActualText: PDFName.of('ActualText'),
  ID: PDFName.of('ID'),
  Lang: PDFName.of('Lang'),
  A: PDFName.of('A'),
  Tabs: PDFName.of('Tabs'),
  Annots: PDFName.of('Annots'),
  StructParent: PDFName.of('StructParent'),
  Subtype: PDFName.of('Subtype'),
  Contents: PDFName.of('Contents'),
};

/** `content: false` skips reading the pages' content streams (the build, which just marked every item):
 * each page then counts as having exactly the MCIDs the structure tree refers to. */
export function readTaggedPdf(pdf: PDFDocument, { content = true }: { content?: boolean } = {}): TaggedPdf {
  const { catalog, context } = pdf;
  const pages = pdf.getPages();
  // PDFRef.of gives one object per reference: looked up as objects.
  const pageIndex = new Map<PDFRef, number>(pages.map((p, i) => [p.ref, i + 1]));
  const markInfo = catalog.lookupMaybe(PDFName.of('MarkInfo'), PDFDict);
  const viewer = catalog.lookupMaybe(PDFName.of('ViewerPreferences'), PDFDict);
  const infoRef = context.trailerInfo.Info;
  const info = infoRef ? context.lookup(infoRef) : undefined;
  const metadata = catalog.lookup(PDFName.of('Metadata'));
  const root = catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict);
  const roleMap: Record<string, string> = {};
  const roleDict = root?.lookupMaybe(PDFName.of('RoleMap'), PDFDict);
  for (const [key, value] of roleDict?.entries() ?? []) if (value instanceof PDFName) roleMap[key.decodeText()] = value.decodeText();

  const result: TaggedPdf = {
    pageCount: pages.length,
    marked: bool(markInfo?.lookup(PDFName.of('Marked'))),
    suspects: bool(markInfo?.lookup(PDFName.of('Suspects'))),
    lang: text(catalog.lookup(PDFName.of('Lang'))),
    displayDocTitle: bool(viewer?.lookup(PDFName.of('DisplayDocTitle'))),
    title: info instanceof PDFDict ? text(info.lookup(PDFName.of('Title'))) : undefined,
    xmp: metadata instanceof PDFStream ? Buffer.from(streamBytes(metadata)).toString('utf8') : undefined,
    roleMap,
    pages: [],
  };

  if (root) {
    const seen = new Set<PDFObject>();
    // A name's text, once per name: PDFName.decodeText goes byte by byte every time.
    const names = new Map<PDFName, string>();
    const nameText = (name: PDFName | undefined): string | undefined => {
      if (!name) return undefined;
      let found = names.get(name);
      if (found === undefined) names.set(name, (found = name.decodeText()));
      return found;
    };
    /** An entry of a dictionary, looked up when it is a reference (`PDFDict.lookup` without its array of types). */
    const entry = (dict: PDFDict, key: PDFName): PDFObject | undefined => {
      const value = dict.get(key);
      return value instanceof PDFRef ? context.lookup(value) : value;
    };
    const kidsOf = (holder: PDFDict, inheritedPage: number): StructKid[] => {
      const k = holder.get(NAMES.K);
      const kids: StructKid[] = [];
      // The array read in place (asArray copies it).
      const array = k instanceof PDFArray ? k : undefined;
      const count = k === undefined ? 0 : array ? array.size() : 1;
      for (let index = 0; index < count; index++) {
        const item = array ? array.get(index) : (k as PDFObject);
        if (item instanceof PDFNumber) {
          kids.push({ kind: 'content', page: inheritedPage, mcid: item.asNumber() });
          continue;
        }
        const object = item instanceof PDFRef ? context.lookup(item) : item;
        if (!(object instanceof PDFDict) || seen.has(object)) continue;
        seen.add(object);
        // PDFName.of gives one object per name: compared as objects.
        const type = entry(object, NAMES.Type);
        const pg = object.get(NAMES.Pg);
        const page = pg instanceof PDFRef ? (pageIndex.get(pg) ?? 0) : inheritedPage;
        if (type === NAMES.MCR) {
          const mcid = entry(object, NAMES.MCID);
          if (mcid instanceof PDFNumber) kids.push({ kind: 'content', page, mcid: mcid.asNumber() });
        } else if (type === NAMES.OBJR) {
          const obj = object.get(NAMES.Obj);
          if (obj instanceof PDFRef) kids.push({ kind: 'annotation', page, annotation: obj });
        } else {
          kids.push({ kind: 'element', element: element(object, page) });
        }
      }
      return kids;
    };
    const element = (dict: PDFDict, page: number): StructElement => {
      const s = entry(dict, NAMES.S);
      const type = nameText(s instanceof PDFName ? s : undefined) ?? '';
      const found: StructElement = { type, role: standardRole(type, roleMap), kids: [] };
      const alt = text(entry(dict, NAMES.Alt));
      const actualText = text(entry(dict, NAMES.ActualText));
      const id = text(entry(dict, NAMES.ID));
      const lang = text(entry(dict, NAMES.Lang));
      if (alt !== undefined) found.alt = alt;
      if (actualText !== undefined) found.actualText = actualText;
      if (id !== undefined) found.id = id;
      if (lang !== undefined) found.lang = lang;
      const attributes = entry(dict, NAMES.A);
      const readAttributes = (list: PDFObject | undefined): void => {
        if (!(list instanceof PDFDict)) return;
        const scope = list.lookupMaybe(PDFName.of('Scope'), PDFName);
        if (scope) found.scope = scope.decodeText();
        const headers = list.lookup(PDFName.of('Headers'));
        if (headers instanceof PDFArray) found.headers = headers.asArray().map((h) => text(context.lookup(h)) ?? '');
      };
      // Most elements have none: no array made for them.
      if (attributes instanceof PDFArray) for (let a = 0; a < attributes.size(); a++) readAttributes(context.lookup(attributes.get(a)));
      else if (attributes !== undefined) readAttributes(attributes);
      found.kids = kidsOf(dict, page);
      return found;
    };
    result.structure = kidsOf(root, 0).flatMap((kid) => (kid.kind === 'element' ? [kid.element] : []));
  }

  const fonts = new Map<PDFObject, FontUnicode>();
  pages.forEach((page, index) => {
    const facts: PageFacts = { page: index + 1, annotations: [], mcids: [], unmarked: {}, artifactInTagged: 0, taggedInArtifact: 0, unmapped: {} };
    const tabs = page.node.lookup(NAMES.Tabs);
    if (tabs instanceof PDFName) facts.tabs = tabs.decodeText();
    const annots = page.node.lookup(NAMES.Annots);
    if (annots instanceof PDFArray) {
      for (const item of annots.asArray()) {
        const annot = context.lookup(item);
        if (!(annot instanceof PDFDict)) continue;
        const structParent = annot.lookup(NAMES.StructParent);
        const contents = text(annot.lookup(NAMES.Contents));
        facts.annotations.push({
          ...(item instanceof PDFRef ? { ref: item } : {}),
          subtype: annot.lookupMaybe(NAMES.Subtype, PDFName)?.decodeText() ?? '',
          ...(structParent instanceof PDFNumber ? { structParent: structParent.asNumber() } : {}),
          ...(contents !== undefined ? { contents } : {}),
        });
      }
    }
    if (!content) {
      result.pages.push(facts);
      return;
    }
    try {
      const contents = page.node.get(PDFName.of('Contents'));
      const refs = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
      // A page's streams are one content stream cut at token boundaries (7.8.2): read them joined.
      const source = refs
        .map((ref) => context.lookup(ref))
        .filter((s): s is PDFStream => s instanceof PDFStream)
        .map((s) => Buffer.from(streamBytes(s)).toString('latin1'))
        .join('\n');
      readMarking(source, page.node.Resources(), { tagged: false, artifact: false }, facts, pdf, fonts, new Set());
    } catch (error) {
      facts.unreadable = (error as Error).message;
    }
    result.pages.push(facts);
  });
  if (!content && result.structure) {
    const walk = (kids: StructKid[]): void => {
      for (let k = 0; k < kids.length; k++) {
        const kid = kids[k] as StructKid;
        if (kid.kind === 'element') walk(kid.element.kids);
        else if (kid.kind === 'content') result.pages[kid.page - 1]?.mcids.push(kid.mcid);
      }
    };
    for (const element of result.structure) walk(element.kids);
  }
  return result;
}

interface MarkState {
  tagged: boolean;
  artifact: boolean;
}

function readMarking(
  source: string,
  resources: PDFDict | undefined,
  outer: MarkState,
  facts: PageFacts,
  pdf: PDFDocument,
  fonts: Map<PDFObject, FontUnicode>,
  forms: Set<PDFObject>,
): void {
  const stack: MarkState[] = [outer];
  let font: FontUnicode | undefined;
  const fontDict = resources?.lookupMaybe(PDFName.of('Font'), PDFDict);
  const xobjects = resources?.lookupMaybe(PDFName.of('XObject'), PDFDict);
  scanContent(source, (op) => {
    const state = stack[stack.length - 1] as MarkState;
    const { operator } = op;
    if (operator === 'BDC' || operator === 'BMC') {
      const tag = nameOf(op.operands[0]);
      const properties = op.operands[1];
      const mcid = typeof properties === 'object' && properties.type === 'dict' ? properties.entries.MCID : undefined;
      const isArtifact = tag === 'Artifact';
      if (isArtifact && state.tagged) facts.artifactInTagged++;
      if (typeof mcid === 'number') {
        if (state.artifact) facts.taggedInArtifact++;
        if (!state.tagged) facts.mcids.push(mcid);
      }
      stack.push({ tagged: state.tagged || typeof mcid === 'number', artifact: state.artifact || isArtifact });
      return;
    }
    if (operator === 'EMC') {
      if (stack.length > 1) stack.pop();
      return;
    }
    if (operator === 'Tf') {
      const name = nameOf(op.operands[0]);
      const dict = name ? fontDict?.lookup(PDFName.of(name)) : undefined;
      font = dict instanceof PDFDict ? fontUnicode(dict, pdf, fonts) : undefined;
      return;
    }
    if (!PAINTING_OPERATORS.has(operator)) return;
    if (operator === 'Do') {
      const name = nameOf(op.operands[0]);
      const ref = name ? xobjects?.get(PDFName.of(name)) : undefined;
      const xobject = ref ? pdf.context.lookup(ref) : undefined;
      if (xobject instanceof PDFStream && xobject.dict.lookupMaybe(PDFName.of('Subtype'), PDFName)?.decodeText() === 'Form' && !forms.has(xobject)) {
        // A form's content counts where it is drawn: read it with the marking around the Do.
        forms.add(xobject);
        const own = xobject.dict.lookupMaybe(PDFName.of('Resources'), PDFDict) ?? resources;
        readMarking(Buffer.from(streamBytes(xobject)).toString('latin1'), own, state, facts, pdf, fonts, forms);
        forms.delete(xobject);
        return;
      }
    }
    if (!state.tagged && !state.artifact) facts.unmarked[operator] = (facts.unmarked[operator] ?? 0) + 1;
    if (font && !state.artifact) {
      for (const bytes of shownStrings(op)) {
        for (const code of font.codes(bytes)) {
          if (font.map && !font.map.has(code)) {
            const list = (facts.unmapped[font.name] ??= []);
            const hex = code.toString(16).padStart(font.bytes * 2, '0');
            if (!list.includes(hex)) list.push(hex);
          }
        }
      }
    }
  });
}

interface FontUnicode {
  name: string;
  bytes: number;
  /** Code -> Unicode text; undefined when the font maps through a standard encoding instead. */
  map?: Map<number, string>;
  codes(bytes: string): number[];
}

/** How a font's character codes map to Unicode (ISO 32000-1, 9.10.2): its ToUnicode CMap, else a simple
 * font's named encoding. A code the map leaves out has no Unicode value. */
function fontUnicode(dict: PDFDict, pdf: PDFDocument, cache: Map<PDFObject, FontUnicode>): FontUnicode {
  const cached = cache.get(dict);
  if (cached) return cached;
  const subtype = dict.lookupMaybe(PDFName.of('Subtype'), PDFName)?.decodeText();
  const name = dict.lookupMaybe(PDFName.of('BaseFont'), PDFName)?.decodeText() ?? dict.lookupMaybe(PDFName.of('Name'), PDFName)?.decodeText() ?? subtype ?? 'font';
  const bytes = subtype === 'Type0' ? 2 : 1;
  const codes = (s: string): number[] => {
    const out: number[] = [];
    for (let i = 0; i + bytes <= s.length; i += bytes) out.push(bytes === 2 ? (s.charCodeAt(i) << 8) | s.charCodeAt(i + 1) : s.charCodeAt(i));
    return out;
  };
  const toUnicode = dict.lookup(PDFName.of('ToUnicode'));
  let map: Map<number, string> | undefined;
  if (toUnicode instanceof PDFStream) map = parseToUnicode(Buffer.from(streamBytes(toUnicode)).toString('latin1'));
  else {
    // Without ToUnicode, a simple font with a standard encoding (or Differences naming glyphs) still maps;
    // a Type0 font or a symbolic simple font does not.
    const encoding = dict.lookup(PDFName.of('Encoding'));
    const standard = encoding instanceof PDFName || encoding instanceof PDFDict;
    if (subtype === 'Type0' || !standard) map = new Map();
  }
  const font: FontUnicode = { name: name.replace(/^[A-Z]{6}\+/, ''), bytes, map, codes };
  cache.set(dict, font);
  return font;
}

/** The code -> text pairs of a ToUnicode CMap (bfchar and bfrange, ISO 32000-1 9.10.3). */
export function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const utf16 = (hex: string): string => Buffer.from(hex.length % 4 === 0 ? hex : hex.padStart(hex.length + (4 - (hex.length % 4)), '0'), 'hex').swap16().toString('utf16le');
  for (const [, body] of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, code, text] of (body as string).matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>/g)) map.set(parseInt(code as string, 16), utf16(text as string));
  }
  for (const [, body] of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, target] of (body as string).matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[[^\]]*\])/g)) {
      const from = parseInt(lo as string, 16);
      const to = parseInt(hi as string, 16);
      if ((target as string).startsWith('[')) {
        const items = [...(target as string).matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => m[1] as string);
        for (let c = from; c <= to && c - from < items.length; c++) map.set(c, utf16(items[c - from] as string));
      } else {
        const base = (target as string).slice(1, -1);
        const start = Buffer.from(base.padStart(Math.ceil(base.length / 4) * 4, '0'), 'hex');
        for (let c = from; c <= to; c++) {
          const text = Buffer.from(start);
          text.writeUInt16BE((text.readUInt16BE(text.length - 2) + (c - from)) & 0xffff, text.length - 2);
          map.set(c, text.swap16().toString('utf16le'));
        }
      }
    }
  }
  return map;
}

function standardRole(type: string, roleMap: Record<string, string>): string {
  if (STANDARD_TYPES.has(type) || !roleMap[type]) return type;
  let role = type;
  const seen = new Set<string>();
  while (!STANDARD_TYPES.has(role) && roleMap[role] && !seen.has(role)) {
    seen.add(role);
    role = roleMap[role] as string;
  }
  return role;
}

function nameOf(operand: Operand | undefined): string | undefined {
  return typeof operand === 'object' && operand.type === 'name' ? operand.value : undefined;
}

function bool(object: PDFObject | undefined): boolean {
  return object instanceof PDFBool && object.asBoolean();
}

function text(object: PDFObject | undefined): string | undefined {
  if (object instanceof PDFHexString) return hexText(object.asString()) ?? object.decodeText();
  return object instanceof PDFString ? object.decodeText() : undefined;
}

/** A hex string's text when it is UTF-16BE after its byte order mark, whole code units, no surrogate alone
 * (what the build writes, hexText in tag-pdf.ts), decoded by Buffer at once; otherwise undefined, for pdf-lib's
 * `decodeText` (which turns a lone surrogate into U+FFFD, and reads PDFDocEncoding). One per hyphenated
 * word's ActualText and per link's Contents. */
function hexText(hex: string): string | undefined {
  if (hex.length % 4 !== 0 || !/^feff/i.test(hex) || !/^[0-9a-f]*$/i.test(hex)) return undefined;
  const decoded = Buffer.from(hex.slice(4), 'hex').swap16().toString('utf16le');
  return /[\ud800-\udfff]/.test(decoded) && !/^(?:[^\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/.test(decoded) ? undefined : decoded;
}

/** A stream's decoded bytes (Flate, or none). */
export function streamBytes(stream: PDFStream): Uint8Array {
  if (stream instanceof PDFRawStream) {
    const filter = stream.dict.lookup(PDFName.of('Filter'));
    if (filter === PDFName.of('FlateDecode') && !stream.dict.has(PDFName.of('DecodeParms'))) return inflateSync(stream.contents);
    return decodePDFRawStream(stream).decode();
  }
  return stream.getContents();
}
