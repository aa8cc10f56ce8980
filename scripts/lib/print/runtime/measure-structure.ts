/**
 * The logical structure of the laid-out book for the tagged PDF (see scripts/lib/print/structure.ts for the
 * shape): which element each piece of text, each image and each generated number belongs to, and where on
 * its page it was drawn, so the build can mark the PDF's content and write its structure tree. Measured page
 * by page as each page is finished, while it is laid out in a small document.
 */
import type { PageRect } from '../../pdf/mark-content.ts';
import type { DocumentStructure, StructureElement, StructureLeaf } from '../structure.ts';
import type { PageFinisher } from './finishers.ts';

const SHY = '\u00ad';

const round = (v: number): number => Math.round(v * 10) / 10;

// The tests below run on every element of every page: attribute and tag checks instead of selector
// matching, which walks the ancestors for a descendant selector.

/** A note's call (`[data-footnote-call]`). */
const isCall = (el: Element): boolean => el.hasAttribute('data-footnote-call');

/** A note in a page's note area (`.pagedjs_footnote_inner_content [data-note]`). */
const isPlacedNote = (el: Element): boolean => el.hasAttribute('data-note') && el.parentElement?.closest('.pagedjs_footnote_inner_content') != null;

/** The word that ends at `end` (inclusive): the characters back to the nearest white space (`\S*`). */
function wordEndingAt(data: string, end: number): string {
  let start = end + 1;
  while (start > 0 && !/\s/.test(data[start - 1] as string)) start--;
  return data.slice(start, end + 1);
}

/** The PDF structure type of an element, '' for one whose content belongs to its parent, null to skip it. */
function roleOf(el: Element): string | null {
  if (el.getAttribute('aria-hidden') === 'true' || (el as HTMLElement).hidden) return null;
  const tag = el.localName;
  if (tag === 'hr' || tag === 'br' || tag === 'script' || tag === 'style') return null;
  if (tag.length === 2 && tag[0] === 'h' && tag[1]! >= '1' && tag[1]! <= '6') return el.classList.contains('contents-title') ? 'H1' : `H${tag[1]}`;
  if (isCall(el)) return 'Link';
  if (isPlacedNote(el)) return 'Note';
  switch (tag) {
    case 'p':
      return 'P';
    case 'blockquote':
      return 'BlockQuote';
    case 'ul':
    case 'ol':
    case 'dl':
      return el.closest('nav.contents') ? 'TOC' : 'L';
    case 'li':
      return el.closest('nav.contents') ? 'TOCI' : 'LI';
    case 'dt':
    case 'dd':
      return 'LI';
    case 'table':
      return 'Table';
    case 'thead':
      return 'THead';
    case 'tbody':
      return 'TBody';
    case 'tfoot':
      return 'TFoot';
    case 'tr':
      return 'TR';
    case 'th':
      return 'TH';
    case 'td':
      return 'TD';
    case 'caption':
    case 'figcaption':
      return 'Caption';
    case 'img':
    case 'svg':
      return 'Figure';
    case 'a':
      return el.hasAttribute('href') ? 'Link' : '';
    case 'code':
      return 'Code';
    case 'pre':
      return 'P';
    case 'q':
      return 'Quote';
    case 'em':
    case 'i':
    case 'strong':
    case 'b':
    case 'sup':
    case 'sub':
    case 'small':
    case 'cite':
    case 'abbr':
    case 'mark':
    case 's':
    case 'u':
      return 'Span';
    case 'section':
    case 'article':
      return 'Sect';
    case 'nav':
      return 'Sect';
    case 'aside':
      return 'Note';
    default:
      return el.hasAttribute('lang') ? 'Span' : '';
  }
}

/** The unit an element belongs to, as the anchors name it: a chapter's id, or `front`. */
function unitOf(el: Element): string {
  const chapter = el.closest('section.chapter[id]');
  if (chapter) return chapter.id;
  if (el.closest('[data-front]')) return 'front';
  const ref = el.closest<HTMLElement>('section.chapter[data-ref]');
  return ref ? (ref.dataset.ref as string) : 'front';
}

function keyOf(el: HTMLElement, role: string): string {
  const ref = el.dataset.ref || '';
  return role === 'Link' && isCall(el) ? `call:${ref}` : ref;
}

/** An element as the page measures it: what the build reads, and the unit it was found in. */
type MeasuredElement = StructureElement & { unit: string };

/** The structure of the pages finished so far; `lineBreakHyphens` are the words whose line-end hyphen the
 * line breaker chose (line-breaks.ts). */
export class StructureMeasure implements PageFinisher {
  readonly name = 'measure the structure';
  private readonly elements: MeasuredElement[] = [];
  private readonly byKey = new Map<string, MeasuredElement>();
  private readonly leaves: StructureLeaf[] = [];
  private readonly roots: string[] = [];
  private readonly range = document.createRange();
  ms = 0;

  constructor(private readonly lineBreakHyphens: () => ReadonlySet<string>) {}

  finish(page: HTMLElement): void {
    const started = performance.now();
    this.measure(page);
    this.ms += performance.now() - started;
  }

  private measure(page: HTMLElement): void {
    const number = Number(page.dataset.pageNumber);
    const box = page.getBoundingClientRect();
    const content = page.querySelector('.pagedjs_page_content');
    if (content) this.walk(content, null, number, box);
    const notes = page.querySelector('.pagedjs_footnote_inner_content');
    if (notes) this.walk(notes, null, number, box);
  }

  /** Everything measured so far (pages are all finished when the build asks). */
  describe(): DocumentStructure {
    return { elements: this.elements, leaves: this.leaves, roots: this.roots };
  }

  private rectsOf(target: Element | Text, box: DOMRect): PageRect[] {
    let rects: DOMRectList;
    if (target instanceof Text) {
      this.range.selectNodeContents(target);
      rects = this.range.getClientRects();
    } else rects = target.getClientRects();
    const out: PageRect[] = [];
    for (const r of rects) if (r.width > 0 && r.height > 0) out.push([round(r.left - box.left), round(r.top - box.top), round(r.right - box.left), round(r.bottom - box.top)]);
    return out;
  }

  private addLeaf(owner: MeasuredElement | null, kind: StructureLeaf['kind'], rects: PageRect[], page: number, extra?: { hyphenated: number[] }): void {
    if (!owner || rects.length === 0) return;
    this.leaves.push(Object.assign({ owner: owner.key, kind, page, rects }, extra));
    owner.kids.push(this.leaves.length - 1);
  }

  /** Which line fragments of a text node end in a hyphen that only the line break put there: a soft hyphen
   * Chromium broke at, or one the line breaker chose. */
  private hyphenatedLines(text: Text, rects: PageRect[], box: DOMRect): number[] | undefined {
    const data = text.data;
    let found: number[] | undefined;
    const soft = this.lineBreakHyphens();
    const rectAt = (i: number): DOMRect | null => {
      this.range.setStart(text, i);
      this.range.setEnd(text, i + 1);
      const list = this.range.getClientRects();
      return list.length ? (list[list.length - 1] as DOMRect) : null;
    };
    for (const mark of [SHY, '-']) {
      for (let i = data.indexOf(mark); i >= 0; i = data.indexOf(mark, i + 1)) {
        if (i === 0) continue;
        if (mark === '-') {
          if (!soft.has(wordEndingAt(data, i))) continue;
          // A line the line breaker set in a span of its own ends with its hyphen.
          if (i === data.length - 1) {
            (found = found || []).push(rects.length - 1);
            continue;
          }
        } else if (i === data.length - 1) continue;
        const here = rectAt(i - 1);
        const next = rectAt(i + 1);
        if (!here || !next || next.top < here.bottom - 1) continue;
        const top = round(here.top - box.top);
        const line = rects.findIndex((r) => Math.abs(r[1] - top) < 2 || (top >= r[1] && top < r[3]));
        if (line >= 0) (found = found || []).push(line);
      }
    }
    return found;
  }

  private walk(node: Node, parent: MeasuredElement | null, page: number, box: DOMRect): void {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === Node.TEXT_NODE) {
        const text = child as Text;
        if (!parent || !/\S/.test(text.data)) continue;
        const rects = this.rectsOf(text, box);
        const hyphenated = this.hyphenatedLines(text, rects, box);
        this.addLeaf(parent, 'text', rects, page, hyphenated ? { hyphenated } : undefined);
        continue;
      }
      if (child.nodeType !== Node.ELEMENT_NODE) continue;
      const el = child as HTMLElement;
      if (el.classList.contains('pagedjs_footnote_area')) continue;
      const role = roleOf(el);
      if (role === null) continue;
      if (role === '') {
        this.walk(el, parent, page, box);
        continue;
      }
      const key = keyOf(el, role);
      let element = this.byKey.get(key);
      if (!element) {
        element = { key, role, parent: role === 'Note' && el.closest('.pagedjs_footnote_area') ? null : parent ? parent.key : null, kids: [], unit: unitOf(el), page };
        if (role === 'Figure') element.alt = el.getAttribute('alt') || el.getAttribute('aria-label') || '';
        if (el.hasAttribute('lang')) element.lang = el.getAttribute('lang') as string;
        if (role === 'TH') {
          const row = el.parentElement as HTMLElement;
          element.scope = el.getAttribute('scope') === 'row' || (!el.closest('thead') && row.firstElementChild === el && row.querySelector('td')) ? 'Row' : 'Column';
        }
        if (role === 'L') element.numbering = el.localName === 'ol' ? 'Decimal' : 'None';
        if (role === 'Note') {
          element.id = el.id || key;
          element.call = `call:${el.dataset.ref}`;
          element.number = el.dataset.noteNumber || '';
        }
        if (role === 'Link') {
          const href = el.getAttribute('href') || '';
          element.href = href;
          if (isCall(el)) element.number = el.dataset.noteNumber || '';
        }
        this.byKey.set(key, element);
        this.elements.push(element);
        if (element.parent === null) {
          if (role !== 'Note') this.roots.push(key);
        } else (parent as MeasuredElement).kids.push(key);
      }
      if (role === 'Link') element.rects = (element.rects || []).concat(this.rectsOf(el, box).map((r): [number, ...PageRect] => [page, ...r]));
      // Numbers CSS draws (a note's, a call's, a list item's marker, a contents entry's page) belong to
      // the element: what is drawn in its box and matches no text goes to it.
      const tag = el.localName;
      const generated = isCall(el) || tag === 'li' || tag === 'dt' || isPlacedNote(el);
      if (generated && !el.dataset.splitFrom) this.addLeaf(element, 'generated', this.markerRects(el, box), page);
      if (role === 'Figure') this.addLeaf(element, 'image', this.rectsOf(el, box), page);
      else this.walk(el, element, page, box);
      if (tag === 'a' && el.classList.contains('toc-entry')) this.addLeaf(element, 'generated', this.rectsOf(el, box), page);
    }
  }

  /** Where an element's generated number is drawn: its own box, and for a list item the margin left of it. */
  private markerRects(el: HTMLElement, box: DOMRect): PageRect[] {
    const rects = this.rectsOf(el, box);
    if ((el.localName !== 'li' && el.localName !== 'dt') || rects.length === 0) return rects;
    const first = rects[0] as PageRect;
    const em = parseFloat(getComputedStyle(el).fontSize) || 16;
    return [[round(first[0] - 3 * em), first[1], first[0], round(first[1] + 1.5 * em)]];
  }
}
