import type { Page } from 'puppeteer';
import type { Book } from '../book.ts';
import { BOOK_ORIGIN, serveHermetically, type SiteMap } from '../browser.ts';
import { packageDir, stylesDir } from '../paths.ts';

/**
 * Loads a page of the cover design (cover-html.ts) into `page`, served hermetically: styles/ and the body
 * font's package, nothing else; resolves once its fonts are ready, with the addresses it asked for that the
 * build does not serve. The full-wrap cover PDF and the EPUB's cover image both load theirs through here.
 */
export async function loadCoverPage(book: Pick<Book, 'config'>, page: Page, html: string, timeoutMs: number): Promise<string[]> {
  const pkg = book.config.print.fonts.body.package;
  const site: SiteMap = {
    origin: BOOK_ORIGIN,
    documents: { '/cover.html': { body: html, contentType: 'text/html; charset=utf-8' } },
    folders: { '/styles/': stylesDir, [`/pkg/${pkg}/`]: packageDir(pkg) },
  };
  const blocked: string[] = [];
  await serveHermetically(page, site, blocked);
  page.setDefaultTimeout(timeoutMs);
  await page.goto(`${BOOK_ORIGIN}/cover.html`, { waitUntil: 'load', timeout: timeoutMs });
  await page.evaluate('document.fonts.ready.then(() => true)');
  return blocked;
}
