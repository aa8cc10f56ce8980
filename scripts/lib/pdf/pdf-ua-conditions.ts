import type { RuleId } from '../rules.ts';
import { STANDARD_TYPES, type StructElement, type TaggedPdf } from './tagged-pdf.ts';

/** One failed condition: the rule, what failed, the page it is on; `figure` counts Figure elements without
 * alternative text in reading order (0-based), so the caller can point at the image in the manuscript. */
export interface PdfUaFinding {
  rule: RuleId;
  message: string;
  page?: number;
  figure?: number;
}

const LIST_PARENTS: Record<string, string[]> = {
  LI: ['L'],
  Lbl: ['LI', 'BibEntry', 'Note'],
  LBody: ['LI'],
  TR: ['Table', 'THead', 'TBody', 'TFoot'],
  TH: ['TR'],
  TD: ['TR'],
  THead: ['Table'],
  TBody: ['Table'],
  TFoot: ['Table'],
  TOCI: ['TOC'],
};

/** Every machine-checkable PDF/UA-1 condition this pipeline's PDFs can fail (see RULES in pdf-ua-check.ts). */
export function pdfUaFindings(pdf: TaggedPdf): PdfUaFinding[] {
  const found: PdfUaFinding[] = [];
  const add = (rule: RuleId, message: string, page?: number): void => {
    found.push({ rule, message, ...(page ? { page } : {}) });
  };

  if (!pdf.structure || !pdf.marked) {
    add('pdfua/not-tagged', pdf.structure ? 'MarkInfo does not say Marked true' : 'the PDF has no structure tree (StructTreeRoot): it is not tagged');
  }
  if (pdf.suspects) add('pdfua/suspects', 'MarkInfo says Suspects true: the tagging is not to be trusted');
  if (!pdf.lang?.trim()) add('pdfua/lang', 'the catalog has no Lang: a screen reader does not know the language');
  if (!pdf.displayDocTitle) add('pdfua/display-doc-title', 'ViewerPreferences has no DisplayDocTitle true');
  if (!pdf.xmp) add('pdfua/metadata', 'the catalog has no XMP metadata stream');
  else if (!/<dc:title>[\s\S]*?<rdf:li[^>]*>[^<]+<\/rdf:li>/.test(pdf.xmp)) add('pdfua/metadata', 'the XMP metadata has no dc:title');

  // Content: every painting operator tagged or an artifact; every MCID in the tree exactly once.
  // How often the tree refers to each page's MCIDs: page -> MCID -> references (no string per reference).
  const referenced = new Map<number, Map<number, number>>();
  const references = (page: number, mcid: number): number => referenced.get(page)?.get(mcid) ?? 0;
  const inLink = new Set<string>();
  const annotationsInTree = new Set<string>();
  for (const page of pdf.pages) {
    if (page.unreadable) add('pdfua/unreadable', `the page's content cannot be read: ${page.unreadable}`, page.page);
    const unmarked = Object.entries(page.unmarked);
    if (unmarked.length > 0) {
      const total = unmarked.reduce((sum, [, n]) => sum + n, 0);
      add('pdfua/content-not-marked', `${total} content item(s) neither tagged nor an artifact (${unmarked.map(([op, n]) => `${n}× ${op}`).join(', ')})`, page.page);
    }
    if (page.artifactInTagged > 0) add('pdfua/artifact-nesting', `${page.artifactInTagged} artifact(s) inside tagged content`, page.page);
    if (page.taggedInArtifact > 0) add('pdfua/artifact-nesting', `${page.taggedInArtifact} tagged content sequence(s) inside an artifact`, page.page);
    for (const [font, codes] of Object.entries(page.unmapped)) {
      add('pdfua/unicode', `font ${font} shows ${codes.length} character code(s) without a Unicode value (${codes.slice(0, 5).join(' ')}${codes.length > 5 ? ' …' : ''})`, page.page);
    }
  }

  const headings: { level: number; page?: number }[] = [];
  const ids = new Map<string, number>();
  let figures = 0;
  const walk = (element: StructElement, parent: string | undefined, firstPage: number | undefined): void => {
    const role = element.role;
    const page = firstPageOf(element) ?? firstPage;
    if (!STANDARD_TYPES.has(role)) add('pdfua/role-map', `structure type /${element.type} is not standard and the RoleMap does not map it to a standard type`, page);
    const parents = LIST_PARENTS[role];
    if (parents && (!parent || !parents.includes(parent))) add('pdfua/structure-nesting', `${role} inside ${parent ?? 'the structure tree root'} (belongs in ${parents.join(' or ')})`, page);
    // H1–H6, read without a regular expression per element.
    const level = role.length === 2 && role.charCodeAt(0) === 72 ? role.charCodeAt(1) - 48 : 0;
    if (level >= 1 && level <= 6) headings.push({ level, page });
    if (role === 'Figure') {
      if (!element.alt?.trim() && !element.actualText?.trim()) found.push({ rule: 'pdfua/figure-alt', message: 'a figure has no alternative text (Alt)', ...(page ? { page } : {}), figure: figures });
      figures++;
    }
    if (role === 'Table') checkTable(element, page, add);
    if (role === 'Note' && !element.id) add('pdfua/note-id', 'a Note has no ID', page);
    if (element.id !== undefined) ids.set(element.id, (ids.get(element.id) ?? 0) + 1);
    for (let k = 0; k < element.kids.length; k++) {
      const kid = element.kids[k] as StructElement['kids'][number];
      if (kid.kind === 'element') walk(kid.element, role, page);
      else if (kid.kind === 'content') {
        let onPage = referenced.get(kid.page);
        if (!onPage) referenced.set(kid.page, (onPage = new Map()));
        onPage.set(kid.mcid, (onPage.get(kid.mcid) ?? 0) + 1);
      } else {
        annotationsInTree.add(kid.annotation.toString());
        if (role === 'Link') inLink.add(kid.annotation.toString());
      }
    }
  };
  for (const element of pdf.structure ?? []) walk(element, undefined, undefined);
  for (const [id, count] of ids) if (count > 1) add('pdfua/note-id', `${count} structure elements share the ID “${id}”`);

  const first = headings[0];
  if (first && first.level !== 1) add('pdfua/heading-first', `the first heading is H${first.level}, not H1`, first.page);
  for (let i = 1; i < headings.length; i++) {
    const before = headings[i - 1] as { level: number };
    const heading = headings[i] as { level: number; page?: number };
    if (heading.level > before.level + 1) add('pdfua/heading-skipped', `H${heading.level} follows H${before.level}: H${before.level + 1} is skipped`, heading.page);
  }

  if (pdf.structure) {
    for (const page of pdf.pages) {
      const present = new Set(page.mcids);
      const missing = page.mcids.filter((mcid) => references(page.page, mcid) !== 1);
      if (missing.length > 0) {
        const twice = missing.filter((mcid) => references(page.page, mcid) > 1);
        add('pdfua/content-not-in-structure', `${missing.length - twice.length} marked-content sequence(s) in no structure element${twice.length ? `, ${twice.length} in more than one` : ''} (MCID ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ' …' : ''})`, page.page);
      }
      const absent = [...(referenced.get(page.page)?.keys() ?? [])].filter((mcid) => !present.has(mcid)).map((mcid) => `${page.page}:${mcid}`);
      if (absent.length > 0) add('pdfua/structure-content-missing', `the structure tree refers to ${absent.length} MCID(s) this page does not have (${absent.slice(0, 5).join(', ')})`, page.page);
    }
  }

  for (const page of pdf.pages) {
    const annotations = page.annotations.filter((a) => a.subtype !== 'Popup' && a.subtype !== 'PrinterMark');
    if (annotations.length > 0 && page.tabs !== 'S') add('pdfua/tab-order', `the page has ${annotations.length} annotation(s) and its tab order is ${page.tabs ? `/${page.tabs}` : 'unset'}, not /S`, page.page);
    for (const annotation of annotations) {
      const key = annotation.ref?.toString() ?? '';
      if (!annotationsInTree.has(key) || annotation.structParent === undefined) {
        add('pdfua/annotation-not-tagged', `a ${annotation.subtype} annotation is not in the structure tree${annotation.structParent === undefined ? ' (no StructParent)' : ''}`, page.page);
      } else if (annotation.subtype === 'Link' && !inLink.has(key)) {
        add('pdfua/annotation-not-tagged', 'a link annotation is not inside a Link structure element', page.page);
      }
      if (annotation.subtype === 'Link' && !annotation.contents?.trim()) add('pdfua/link-contents', 'a link annotation has no Contents describing where it goes', page.page);
    }
  }
  return found;
}

function checkTable(table: StructElement, page: number | undefined, add: (rule: RuleId, message: string, page?: number) => void): void {
  const cells: StructElement[] = [];
  const collect = (element: StructElement): void => {
    for (const kid of element.kids) {
      if (kid.kind !== 'element' || kid.element.role === 'Table') continue;
      if (kid.element.role === 'TH' || kid.element.role === 'TD') cells.push(kid.element);
      collect(kid.element);
    }
  };
  collect(table);
  const headers = cells.filter((c) => c.role === 'TH');
  if (headers.length === 0) {
    add('pdfua/table-headers', 'a table has no header cells (TH)', page);
    return;
  }
  const usesHeaders = cells.some((c) => c.headers && c.headers.length > 0);
  const unscoped = headers.filter((h) => !h.scope);
  if (!usesHeaders && unscoped.length > 0) add('pdfua/table-headers', `${unscoped.length} header cell(s) without Scope in a table that does not use Headers`, page);
}

function firstPageOf(element: StructElement): number | undefined {
  for (const kid of element.kids) {
    if (kid.kind === 'content' || kid.kind === 'annotation') {
      if (kid.page > 0) return kid.page;
    } else {
      const page = firstPageOf(kid.element);
      if (page) return page;
    }
  }
  return undefined;
}
