import type { Page } from 'puppeteer';
import type { Book } from '../book.ts';
import { BOOK_ORIGIN, serveHermetically, type SiteMap } from '../browser.ts';
import { packageDir, stylesDir } from '../paths.ts';

/**
 * Loads a page of the cover design (cover-html.ts) into `page`, served hermetically: styles/ and the body
 * font's package, nothing else; resolves once its fonts are ready, with the addresses it asked for that the
 * build does not serve. The full-wrap cover PDF and the EPUB's cover image both load theirs through here.
 *
 * The page is written into the tab's blank document, not navigated to: a navigation is work for Chromium's
 * browser process and the tab's renderer, taken from the print edition's layout beside it. A base address
 * keeps the page's links where they were; its origin is then the blank document's, so what it loads is
 * served to any origin (fonts are fetched with CORS).
 */
export async function loadCoverPage(book: Pick<Book, 'config'>, page: Page, html: string, timeoutMs: number): Promise<string[]> {
  const pkg = book.config.print.fonts.body.package;
  const site: SiteMap = {
    origin: BOOK_ORIGIN,
    documents: {},
    folders: { '/styles/': stylesDir, [`/pkg/${pkg}/`]: packageDir(pkg) },
    anyOrigin: true,
  };
  if (!html.includes('<head>')) throw new Error('a cover page without <head>');
  const blocked: string[] = [];
  await serveHermetically(page, site, blocked);
  page.setDefaultTimeout(timeoutMs);
  await page.setContent(html.replace('<head>', `<head><base href="${BOOK_ORIGIN}/">`), { waitUntil: 'load', timeout: timeoutMs });
  await page.evaluate('document.fonts.ready.then(() => true)');
  return blocked;
}
