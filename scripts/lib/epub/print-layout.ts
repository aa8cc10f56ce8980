import type { Book } from '../book.ts';
import type { BrowserSession } from '../browser.ts';
import { openPaginated, type PageLayout } from '../print/paginate.ts';
import { printHtml } from '../print/print-html.ts';
import { paddedPageCount } from '../layout/pad-pages.ts';
import { bookFontPackages } from '../fonts/book-fonts.ts';

/**
 * The print edition's layout, for the page list. A full build reuses the PDF target's; an EPUB-only build
 * lays out the same print document itself and reads where the pages fell (nothing is printed).
 */
export async function printLayout(options: {
  book: Book;
  session: BrowserSession;
  version: string;
  date: Date;
  reuse?: PageLayout;
  timeoutMs?: number;
}): Promise<PageLayout> {
  const { book } = options;
  // The page list names every printed page, the blanks that complete the signature included.
  const printed = (layout: PageLayout): PageLayout => ({ ...layout, pageCount: paddedPageCount(layout.pageCount, book.config.print) });
  if (options.reuse) return printed(options.reuse);
  const paginated = await openPaginated({
    browser: options.session.browser,
    html: printHtml(book, { version: options.version, buildDate: options.date }),
    manuscriptDir: book.manuscriptDir,
    fontPackages: bookFontPackages(book),
    timeoutMs: options.timeoutMs ?? 120_000,
  });
  await paginated.close();
  return printed(paginated.layout);
}
