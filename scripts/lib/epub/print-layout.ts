import type { Book } from '../book.ts';
import type { BrowserSession } from '../browser.ts';
import { paddedPageCount } from '../print/pad-pages.ts';
import { layOutBook } from '../print/print-book.ts';
import { defaultJobs } from '../print/print-options.ts';
import type { PageLayout } from '../print/runtime/contract.ts';
import { bookUnits } from '../print/units.ts';

/** The page list names every printed page, the blanks that complete the signature included. */
export function printedLayout(book: Book, layout: PageLayout): PageLayout {
  return { ...layout, pageCount: paddedPageCount(layout.pageCount, book.config.print) };
}

/**
 * The print edition's layout, for the page list. A full build reuses the PDF target's; an EPUB-only build
 * lays out the same units itself, as the print build would, and reads where the pages fell (nothing is
 * printed).
 */
export async function printLayout(options: {
  book: Book;
  session: BrowserSession;
  version: string;
  date: Date;
  reuse?: PageLayout;
  /** Documents laid out at once, as the print build would (1: the whole book as one document). */
  jobs?: number;
  timeoutMs?: number;
  /** Called once the documents are loaded in their tabs (LayOutOptions.loaded). */
  loaded?: () => void;
}): Promise<PageLayout> {
  const { book } = options;
  const printed = (layout: PageLayout): PageLayout => printedLayout(book, layout);
  if (options.reuse) return printed(options.reuse);
  const laidOut = await layOutBook({
    book,
    units: bookUnits(book, { version: options.version, buildDate: options.date }),
    browser: async () => options.session.browser,
    jobs: options.jobs ?? defaultJobs(),
    print: false,
    timeoutMs: options.timeoutMs,
    leastDocumentChars: options.jobs === undefined ? 75_000 : 0,
    loaded: options.loaded,
  });
  await laidOut.commit();
  return printed(laidOut.layout);
}
