import type { DocumentDescription } from './contract.ts';
import type { PageFinisher } from './finishers.ts';

function pageOf(element: Element): HTMLElement | null {
  return element.closest<HTMLElement>('.pagedjs_page');
}

/** The unit of the book an element belongs to: a section's id (a chapter, the sources), or `front`. */
function unitOf(element: Element): string {
  const chapter = element.closest('section.chapter[id]');
  if (chapter) return chapter.id;
  return element.closest('[data-front]') ? 'front' : '';
}

/**
 * Where every id and every link landed, measured page by page as each page is finished, for a document that
 * is one of several making the book: the build cuts it into its units and links them up again.
 */
export class AnchorMeasure implements PageFinisher {
  readonly name = 'anchors and links';
  private readonly anchors: DocumentDescription['anchors'] = {};
  private readonly links: { a: Element; id: string; page: number; rects: number[][] }[] = [];

  finish(page: HTMLElement): void {
    const number = Number(page.dataset.pageNumber);
    const box = page.getBoundingClientRect();
    for (const element of [page, ...page.querySelectorAll<HTMLElement>('[id]')]) {
      if (!element.id || element.dataset.splitFrom || element.id in this.anchors) continue;
      if (element.id.startsWith('pagedjs') || element.closest('.pagedjs_margin')) continue;
      this.anchors[element.id] = { page: number, top: element.getBoundingClientRect().top - box.top };
    }
    for (const a of page.querySelectorAll('a[href^="#"]:not([data-footnote-call])')) {
      const id = decodeURIComponent((a.getAttribute('href') as string).slice(1));
      if (!id) continue;
      const rects = Array.from(a.getClientRects()).map((r) => [r.left - box.left, r.top - box.top, r.right - box.left, r.bottom - box.top]);
      this.links.push({ a, id, page: number, rects });
    }
  }

  /**
   * What the build needs to cut this document into its units: the page each unit starts on, the blank
   * pages, every id (page, top in CSS px), and each link to another unit (page, rectangles in CSS px).
   */
  describe(): Omit<DocumentDescription, 'structure' | 'lost'> {
    const starts: Record<string, number> = {};
    for (const section of document.querySelectorAll('.pagedjs_pages section.chapter[id]:not([data-split-from]), .pagedjs_pages [data-front]:not([data-split-from])')) {
      const unit = unitOf(section);
      const page = pageOf(section);
      if (unit && page && !(unit in starts)) starts[unit] = Number(page.dataset.pageNumber);
    }
    const blanks = Array.from(document.querySelectorAll<HTMLElement>('.pagedjs_page.pagedjs_blank_page'), (p) => Number(p.dataset.pageNumber));
    // A link to another unit: its target is not in this document (the pages are all back in it now), or is
    // in another of its units.
    const across = this.links
      .filter(({ a, id }) => {
        const target = document.getElementById(id);
        return !target || unitOf(target) !== unitOf(a);
      })
      .map(({ id, page, rects }) => ({ id, page, rects }));
    return { starts, blanks, anchors: this.anchors, links: across };
  }
}
