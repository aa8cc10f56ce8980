import type { LayoutProbes, LineBreakStats, ProbedPage, ProbeFinding } from '../../layout/probes.ts';
import type { RuleId } from '../../rules.ts';
import type { PageLayout } from './contract.ts';
import type { DocumentFinisher, PageFinisher } from './finishers.ts';
import { reusableRange } from './ranges.ts';

const EPS = 0.75;

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Where an element is written: its chapter's file (a note set at the page's foot, outside its chapter's
 * section, carries its own) and its block's line. */
function placeOf(el: Element): { file: string; line: number } {
  const block = el.closest<HTMLElement>('[data-line]');
  const file = el.closest<HTMLElement>('[data-file]');
  return { file: file ? (file.dataset.file as string) : '', line: block ? Number(block.dataset.line) : 0 };
}

function pageOf(el: Element): number {
  const page = el.closest<HTMLElement>('.pagedjs_page');
  return page ? Number(page.dataset.pageNumber) : 0;
}

const blockRange = reusableRange();

/** The line boxes of a block fragment: one rect per line, from its text. */
function lineRects(el: Element): Box[] {
  const range = blockRange();
  range.selectNodeContents(el);
  const lines: Box[] = [];
  for (const r of range.getClientRects()) {
    if (r.width < 0.5 || r.height < 0.5) continue;
    const line = lines.find((l) => Math.abs(l.bottom - r.bottom) < r.height / 2 || (r.top >= l.top - 1 && r.bottom <= l.bottom + 1));
    if (line) {
      line.left = Math.min(line.left, r.left);
      line.right = Math.max(line.right, r.right);
      line.top = Math.min(line.top, r.top);
      line.bottom = Math.max(line.bottom, r.bottom);
    } else lines.push({ left: r.left, right: r.right, top: r.top, bottom: r.bottom });
  }
  return lines.sort((a, b) => a.top - b.top);
}

/** The page after `page` in the book, whether still in the document or not. */
function nextPage(page: Element): Element | null {
  const next = page.nextElementSibling;
  return next && next.classList.contains('pagedjs_page') ? next : null;
}

/**
 * Measures the typeset pages the way a proofreader reads them (scripts/lib/layout/): each page as it is
 * finished, while it is laid out in a small document; what spans pages (a note away from its call, a block
 * Paged.js could not place) once all are done.
 */
export class LayoutProbing {
  private readonly findings: ProbeFinding[] = [];
  private readonly pageBoxes: ProbedPage[] = [];
  private readonly unplaceable: { node: Element; page: number }[] = [];

  constructor(private readonly lineBreakStats: () => LineBreakStats | null) {}

  /** A block Paged.js could not place on any page (pagedjs-fixes.ts reportUnplaceableBlocks). */
  unplaceableBlock(node: Element, page: number): void {
    this.unplaceable.push({ node, page });
  }

  /** Probes each finished page. */
  readonly page: PageFinisher = { name: 'probe the page', finish: (page) => this.probePage(page, !nextPage(page)) };

  /** Once all pages are laid out: what spans pages, and everything found, into the layout. */
  readonly document: DocumentFinisher = {
    name: 'layout probes',
    finish: (layout) => {
      if (!layout.pageCount) return;
      try {
        layout.probes = this.probe();
      } catch (error) {
        layout.errors.push(`layout probes: ${String((error as Error)?.stack ?? error)}`);
      }
    },
  };

  private add(rule: RuleId, el: Element | null, page: number, detail: string, extra?: { y: number }): void {
    const place = el ? placeOf(el) : { file: '', line: 0 };
    this.findings.push(Object.assign({ rule, page, file: place.file, line: place.line, detail }, extra ?? {}));
  }

  /** Probes one finished page. `isLast`: no page follows it in this document. */
  private probePage(page: HTMLElement, isLast: boolean): void {
    const number = Number(page.dataset.pageNumber);
    const sheet = page.getBoundingClientRect();
    const area = page.querySelector('.pagedjs_page_content') as HTMLElement;
    const areaBox = area.getBoundingClientRect();
    const rel = (r: Box) => ({ x: r.left - sheet.left, y: r.top - sheet.top, width: r.right - r.left, height: r.bottom - r.top });
    const blocks = Array.from(area.querySelectorAll<HTMLElement>('[data-line]')).filter((el) => !el.closest('.pagedjs_footnote_area'));
    const boxes = blocks.map((el) => Object.assign({ line: Number(el.dataset.line), file: placeOf(el).file }, rel(el.getBoundingClientRect())));
    this.pageBoxes.push({ page: number, area: rel(areaBox), blocks: boxes });
    const isBlank = page.classList.contains('pagedjs_blank_page');
    const front = area.querySelector('[data-front]');

    // Overflow: a line wider than the measure, a box outside the page area.
    for (const el of blocks) {
      const box = el.getBoundingClientRect();
      for (const line of lineRects(el)) {
        if (line.right > areaBox.right + EPS || line.left < areaBox.left - EPS) {
          this.add('layout/overflow', el, number, `a line runs ${(Math.max(line.right - areaBox.right, areaBox.left - line.left) * 0.75).toFixed(1)} pt outside the measure`, { y: line.top - sheet.top });
          break;
        }
      }
      if (box.bottom > areaBox.bottom + EPS && !el.dataset.splitTo) {
        this.add('layout/overflow', el, number, `the block runs ${((box.bottom - areaBox.bottom) * 0.75).toFixed(1)} pt below the page area`, { y: box.top - sheet.top });
      }
    }
    for (const el of area.querySelectorAll('img, svg, table, pre, figure')) {
      const box = el.getBoundingClientRect();
      if (box.right > areaBox.right + EPS || box.bottom > areaBox.bottom + EPS || box.left < areaBox.left - EPS || box.top < areaBox.top - EPS) {
        this.add('layout/overflow', el, number, `${el.tagName.toLowerCase()} reaches outside the page area`, { y: box.top - sheet.top });
      }
    }

    // Notes: clipped note area.
    const noteArea = page.querySelector('.pagedjs_footnote_inner_content');
    if (noteArea) {
      const noteBox = (page.querySelector('.pagedjs_footnote_area') as Element).getBoundingClientRect();
      // The note area grows with what it holds, even past the foot of the page (a plate too tall for it):
      // the page's own area, text and notes, is the limit too.
      const pageArea = (page.querySelector('.pagedjs_area') ?? area).getBoundingClientRect();
      const limit = Math.min(Math.max(noteBox.bottom, areaBox.bottom), Math.max(pageArea.bottom, areaBox.bottom));
      let rank = 0;
      for (const note of noteArea.querySelectorAll<HTMLElement>('[data-note="footnote"]')) {
        const r = note.getBoundingClientRect();
        if (r.height > 0 && r.bottom > limit + EPS) {
          this.add('notes/clipped', note, number, `note ${note.dataset.ref || ''} is cut off at the foot of the page`, { y: r.top - sheet.top });
        }
        // Every series at the foot in its place: the author's notes first, then each further series.
        const own = Number(note.dataset.noteRank || 0);
        if (own < rank) this.add('notes/series-order', note, number, `a note of series ${own === 0 ? 'of the author' : `"${note.dataset.noteSeries || own}"`} stands under a note of a later series`, { y: r.top - sheet.top });
        rank = Math.max(rank, own);
      }
    }

    // Widows and orphans: one line of a paragraph alone at the foot or the head of a page.
    for (const el of blocks) {
      // A list item or definition holding blocks (a nested list, paragraphs) is not a paragraph: its blocks are.
      if (!/^(P|LI|DD)$/.test(el.tagName) || el.querySelector('p, ul, ol, dl, div, blockquote, pre, table')) continue;
      const lines = lineRects(el);
      if (el.dataset.splitTo && lines.length === 1) this.add('layout/orphan', el, number, 'the first line of a paragraph stands alone at the foot of the page', { y: (lines[0] as Box).top - sheet.top });
      if (el.dataset.splitFrom && lines.length === 1) this.add('layout/widow', el, number, 'the last line of a paragraph stands alone at the head of the page', { y: (lines[0] as Box).top - sheet.top });
    }

    // Stranded heading: the last thing on a page. Read from the boxes, not the DOM order: what Paged.js could
    // not place (an image taller than the page) can stay in the page's DOM without being set below the heading.
    const last = blocks[blocks.length - 1];
    for (const heading of blocks.filter((el) => /^H[1-6]$/.test(el.tagName))) {
      if (isLast) break;
      // A part's title page holds its title alone, by design.
      if (heading.closest('.part')) continue;
      const h = heading.getBoundingClientRect();
      const below = blocks.some((el) => {
        const r = el.getBoundingClientRect();
        return el !== heading && r.height > 0 && r.top >= h.bottom - 1 && r.top < areaBox.bottom - 1;
      });
      if (!below) this.add('layout/stranded-heading', heading, number, `heading “${(heading.textContent ?? '').trim().slice(0, 60)}” is the last thing on the page`, { y: h.top - sheet.top });
    }

    // Blank or nearly empty pages (blank pages Paged.js inserts before a recto are meant).
    if (!isBlank && !front) {
      // A page that carries only the rest of a long note is not blank.
      const text = ((page.querySelector('.pagedjs_area') ?? area).textContent ?? '').replace(/\s+/g, '');
      // Nor is a page that carries only an image (or the rest of one too tall for a page).
      const image = area.querySelector('img, svg');
      if (text.length === 0 && !image) this.add('layout/blank-page', null, number, 'the page is empty but was not meant to be blank');
      else if (blocks.length > 0) {
        const bottom = Math.max(...blocks.map((el) => el.getBoundingClientRect().bottom));
        const filled = (bottom - areaBox.top) / areaBox.height;
        const next = isLast ? null : nextPage(page);
        const chapterEnds = !next || next.classList.contains('pagedjs_blank_page') || !!next.querySelector('.chapter h1');
        if (filled < 0.25 && !chapterEnds) this.add('layout/short-page', last as Element, number, `the page is only ${Math.round(filled * 100)} % full and the chapter goes on`);
      }
    }

    // Images below 300 ppi at their printed size: the pixels the build decoded (the width and height
    // attributes) over the width drawn (object-fit: contain may draw it narrower than its box).
    for (const img of area.querySelectorAll('img')) {
      const r = img.getBoundingClientRect();
      const pixelWidth = Number(img.getAttribute('width')) || img.naturalWidth;
      const pixelHeight = Number(img.getAttribute('height')) || img.naturalHeight;
      if (!pixelWidth || !pixelHeight || r.width === 0 || /\.svg$/i.test(img.getAttribute('src') || '')) continue;
      const drawn = Math.min(r.width, r.height * (pixelWidth / pixelHeight));
      const ppi = pixelWidth / (drawn / 96);
      if (ppi < 299.5) this.add('images/resolution', img, number, `image ${decodeURI(img.getAttribute('src') || '').replace(/^\/manuscript\//, '')} prints at ${Math.round(ppi)} ppi (${pixelWidth} px over ${((drawn / 96) * 25.4).toFixed(0)} mm); 300 ppi needed`, { y: r.top - sheet.top });
    }
  }

  private probe(): LayoutProbes {
    // A note set on another page than its call.
    const notePages = new Map<string | undefined, HTMLElement>();
    for (const note of document.querySelectorAll<HTMLElement>('.pagedjs_footnote_area [data-note="footnote"]')) {
      if (!note.dataset.splitFrom) notePages.set(note.dataset.ref, note);
    }
    for (const call of document.querySelectorAll<HTMLElement>('.pagedjs_pages [data-footnote-call]')) {
      const note = notePages.get(call.dataset.ref);
      const callPage = pageOf(call);
      const notePage = note ? pageOf(note) : 0;
      if (notePage !== callPage) {
        const sheet = (call.closest('.pagedjs_page') as Element).getBoundingClientRect();
        this.add('notes/wrong-page', call, callPage, note ? `the note is set on page ${notePage}, not on the page of its call` : 'the note was not set on any page', {
          y: call.getBoundingClientRect().top - sheet.top,
        });
      }
    }
    for (const item of this.unplaceable) {
      this.add('layout/unplaceable', item.node, item.page, 'Paged.js could not place this block on any page (is it taller than the page area?): it, and what follows it, may be missing from the book');
    }
    return { findings: this.findings, pages: this.pageBoxes, lineBreaks: this.lineBreakStats() };
  }
}
