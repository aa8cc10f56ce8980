import type { PageLayout } from './contract.ts';
import type { PageFinisher } from './finishers.ts';

type Measured = Pick<PageLayout, 'pageWidth' | 'pageHeight' | 'headings' | 'calls' | 'notes' | 'blocks'>;

/** What the build reads of each page (PageLayout), gathered page by page as each page is finished. */
export class LayoutMeasure implements PageFinisher {
  readonly name = 'measure the layout';
  readonly measured: Measured = { pageWidth: 0, pageHeight: 0, headings: [], calls: [], notes: [], blocks: [] };
  ms = 0;

  finish(page: HTMLElement): void {
    const started = performance.now();
    this.measure(page);
    this.ms += performance.now() - started;
  }

  private measure(page: HTMLElement): void {
    const collected = this.measured;
    const number = Number(page.dataset.pageNumber);
    const pageBox = page.getBoundingClientRect();
    if (!collected.pageWidth) {
      const sheet = page.querySelector('.pagedjs_sheet');
      const box = sheet ? sheet.getBoundingClientRect() : pageBox;
      collected.pageWidth = box.width;
      collected.pageHeight = box.height;
    }
    for (const h of page.querySelectorAll<HTMLElement>('.chapter :is(h1, h2, h3)[id]')) {
      if (h.dataset.splitFrom) continue;
      collected.headings.push({ id: h.id, level: Number(h.tagName.slice(1)), text: (h.textContent ?? '').trim(), page: number, top: h.getBoundingClientRect().top - pageBox.top });
    }
    for (const a of page.querySelectorAll<HTMLElement>('[data-footnote-call]')) collected.calls.push({ ref: a.dataset.ref as string, page: number });
    for (const n of page.querySelectorAll<HTMLElement>('.pagedjs_footnote_area [data-note="footnote"]')) {
      if (!n.dataset.splitFrom) collected.notes.push({ ref: n.dataset.ref as string, id: n.querySelector('[id]') ? null : n.id, page: number });
    }
    // Where each manuscript block begins: the page of its first fragment (EPUB page list, layout findings).
    for (const el of page.querySelectorAll<HTMLElement>('.chapter [data-line]')) {
      if (el.dataset.splitFrom || el.closest('.pagedjs_footnote_area')) continue;
      collected.blocks.push({ file: (el.closest('.chapter') as HTMLElement).dataset.file as string, line: Number(el.dataset.line), page: number });
    }
  }
}
