import type { PageFinishing } from './finishers.ts';
import { pagedHandler, type Chunker, type HandlerClass, type PagedPage } from './paged.ts';

/**
 * Every change Paged.js makes while it lays out a page (it adds and removes content many times a page)
 * costs Chromium time in proportion to the whole document: the style pass walks it, and a CSS counter
 * walks all of it again, so a page took longer the later it came. Pages before the last two are finished
 * (Paged.js looks back one page, to mark split elements), so they wait outside the document, without their
 * resize observers, and go back in order once every page is laid out. Nothing that lays out a page may
 * count on earlier pages being there: target-counter() would not find them, so the contents page is
 * filled in after pagination. Each page is finished (the page finishers run on it) just before it goes.
 */
export class FinishedPages {
  private readonly aside = document.createDocumentFragment();
  private count = 0;
  private readonly finalized = new WeakSet<PagedPage>();

  /**
   * Called once every page is laid out, before the pages set aside go back in; what it returns is waited for.
   * The preview shows the last pages of a layout early and has them painted here: once the pages are back, the
   * next paint lays all of them out, a long chapter's main thread for a while.
   */
  beforeReturn: ((laidOut: PagedPage[]) => Promise<void> | undefined) | undefined;

  constructor(private readonly finishing: PageFinishing) {}

  /**
   * Pages an earlier layout made, taken whole as the first pages of this one (the preview: resume-layout.ts),
   * finished already: they go aside at once, all but the last two (the next page is added after the last,
   * and Paged.js looks back one page), without being laid out in the document first.
   */
  adopt(pages: PagedPage[], pagesArea: Element): void {
    const inDocument = document.createDocumentFragment();
    pages.forEach((page, i) => {
      this.finalized.add(page);
      if (i < pages.length - 2) {
        this.aside.appendChild(page.element);
        this.count++;
      } else inDocument.appendChild(page.element);
    });
    pagesArea.appendChild(inDocument);
  }

  handler(): HandlerClass {
    const pages = this;
    return class SetFinishedPagesAside extends pagedHandler() {
      afterPageLayout(_pageElement: HTMLElement, _page: unknown, _breakToken: unknown, chunker: Chunker): void {
        pages.setAside(chunker);
      }

      // Paged.js sizes a page's margin boxes when it finalizes the page, from their computed style, which a page
      // out of the document does not have. Pages it adds for the rest of a long note (Chunker.clonePage) are laid
      // out before the page they follow is finalized: a page waits in the document until it is.
      finalizePage(_pageElement: HTMLElement, page: PagedPage, _breakToken: unknown, chunker: Chunker): void {
        pages.finalized.add(page);
        pages.setAside(chunker);
      }

      afterRendered(laidOut: PagedPage[]): Promise<void> | void {
        while (pages.count < laidOut.length) pages.finishing.finish((laidOut[pages.count++] as PagedPage).element);
        const putBack = (): void => {
          const area = document.querySelector('.pagedjs_pages');
          if (area) area.insertBefore(pages.aside, area.firstChild);
        };
        const waiting = pages.beforeReturn?.(laidOut);
        if (!waiting) return putBack();
        return waiting.then(putBack, putBack);
      }
    };
  }

  private setAside(chunker: Chunker): void {
    while (this.count < chunker.pages.length - 2 && this.finalized.has(chunker.pages[this.count] as PagedPage)) {
      const finished = chunker.pages[this.count++] as PagedPage;
      this.finishing.finish(finished.element);
      finished.removeListeners();
      this.aside.appendChild(finished.element);
    }
  }
}
