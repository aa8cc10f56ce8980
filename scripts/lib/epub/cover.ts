import type { Book } from '../book.ts';
import { BOOK_ORIGIN, serveHermetically, type SiteMap } from '../browser.ts';
import type { BrowserSession } from '../browser.ts';
import { BuildError, diagnostic } from '../diagnostics.ts';
import { escapeHtml } from '../html.ts';
import { fill, labelsFor } from '../language/labels.ts';
import { packageDir, stylesDir } from '../paths.ts';
import { fontStylesheets } from '../fonts/font-css.ts';
import { authorNames, contributorsOf } from '../contributors.ts';

export const COVER_SIZE = { width: 1600, height: 2400 };

/** The cover page as HTML: the book's own title, subtitle and author on styles/epub-cover.css. */
export function coverHtml(book: Book): string {
  const c = book.config;
  const links = fontStylesheets(c.print.fonts.body).map((href) => `<link rel="stylesheet" href="${href}">`).join('\n');
  return `<!doctype html>
<html lang="${escapeHtml(c.language)}">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escapeHtml(c.title)}</title>
${links}
<link rel="stylesheet" href="/styles/epub-cover.css">
</head>
<body>
<div><div class="rule"></div><p class="author">${escapeHtml(coverNames(c))}</p></div>
<div><h1 class="title">${escapeHtml(c.title)}</h1>${c.subtitle ? `<p class="subtitle">${escapeHtml(c.subtitle)}</p>` : ''}</div>
<div>${c.publisher ? `<p class="publisher">${escapeHtml(c.publisher)}</p>` : '<div class="rule"></div>'}</div>
</body>
</html>`;
}

/** What a reader's shelf shows, spoken: the cover's text alternative. */
export function coverAlt(book: Book): string {
  const c = book.config;
  return fill(labelsFor(c.language, c.labels).coverAlt, { title: c.title, subtitle: c.subtitle ? `. ${c.subtitle}` : '', author: coverNames(c) });
}

/** The cover names the authors; a book without one (a collection) names its editors or whoever book.yaml has. */
function coverNames(c: Book['config']): string {
  return authorNames(c) || contributorsOf(c).map((person) => person.name).join(', ');
}

/** Renders the cover in the build's Chromium, served hermetically, and returns PNG bytes. */
export async function renderCover(book: Book, session: BrowserSession, timeoutMs = 60_000): Promise<Uint8Array> {
  const pkg = book.config.print.fonts.body.package;
  const site: SiteMap = {
    origin: BOOK_ORIGIN,
    documents: { '/cover.html': { body: coverHtml(book), contentType: 'text/html; charset=utf-8' } },
    folders: { '/styles/': stylesDir, [`/pkg/${pkg}/`]: packageDir(pkg) },
  };
  const page = await session.browser.newPage();
  const blocked: string[] = [];
  try {
    await serveHermetically(page, site, blocked);
    page.setDefaultTimeout(timeoutMs);
    await page.setViewport({ ...COVER_SIZE, deviceScaleFactor: 1 });
    await page.goto(`${BOOK_ORIGIN}/cover.html`, { waitUntil: 'load', timeout: timeoutMs });
    await page.evaluate('document.fonts.ready.then(() => true)');
    if (blocked.length > 0) throw coverError(`the cover asked for ${blocked.join(', ')}, which the build does not serve`);
    return await page.screenshot({ type: 'png', clip: { x: 0, y: 0, ...COVER_SIZE }, timeout: timeoutMs } as Parameters<typeof page.screenshot>[0]);
  } catch (error) {
    if (error instanceof BuildError) throw error;
    throw coverError(`rendering the cover failed: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    await page.close().catch(() => undefined);
  }
}

function coverError(message: string): BuildError {
  return new BuildError(diagnostic('epub/cover', { source: 'chromium' }, message));
}
