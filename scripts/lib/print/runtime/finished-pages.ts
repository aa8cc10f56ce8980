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
  /** Pages read ahead (`readAhead`), each with the writes its finishers make as it is set aside. */
  private readonly read = new Map<PagedPage, () => void>();
  /** The pages before this one were read ahead or set aside. */
  private readUpTo = 0;

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
      // A page's content is laid out from here, just after Paged.js measured its empty area (Layout's
      // constructor): nothing has changed since, so the pages to be set aside are read without a layout.
      onPageLayout(): void {
        pages.readAhead(this.chunker);
      }

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
        while (pages.count < laidOut.length) pages.finish(laidOut[pages.count++] as PagedPage);
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

  /**
   * Reads the pages the next `setAside` will take (all but the last two, finalized), as the page finishers would
   * there: they stay as they are until then (Paged.js changes the page before the one it lays out, no earlier),
   * in the same place (the pages before them are out of the document, and they are the same height).
   * Reading them where Chromium's layout is up to date spares the layout of the latest page's changes
   * (the running heads, the margin boxes) that their first measurement would force.
   */
  private readAhead(chunker: Chunker): void {
    for (let i = Math.max(this.readUpTo, this.count); i < chunker.pages.length - 2; i++) {
      const page = chunker.pages[i] as PagedPage;
      if (!this.finalized.has(page)) break;
      this.read.set(page, this.finishing.read(page.element));
      this.readUpTo = i + 1;
    }
  }

  /** Finishes a page: the writes of one read ahead, or every finisher. */
  private finish(page: PagedPage): void {
    const write = this.read.get(page);
    if (!write) return this.finishing.finish(page.element);
    this.read.delete(page);
    write();
  }

  private setAside(chunker: Chunker): void {
    while (this.count < chunker.pages.length - 2 && this.finalized.has(chunker.pages[this.count] as PagedPage)) {
      const finished = chunker.pages[this.count++] as PagedPage;
      this.finish(finished);
      finished.removeListeners();
      this.aside.appendChild(finished.element);
    }
  }
}
