import type { Book } from '../book.ts';
import type { BrowserSession } from '../browser.ts';
import { BuildError, diagnostic } from '../diagnostics.ts';
import { fill, labelsFor } from '../language/labels.ts';
import { coverNames, coverPage, frontHtml } from '../cover/cover-html.ts';
import { loadCoverPage } from '../cover/cover-page.ts';

export const COVER_SIZE = { width: 1600, height: 2400 };

/** The cover image's page: the front of the cover design (styles/cover.css) at 1600 × 2400 px. */
export function coverHtml(book: Pick<Book, 'config'>): string {
  return coverPage(book, frontHtml(book), `:root { --u: 1px; --front-w: ${COVER_SIZE.width}px; --front-h: ${COVER_SIZE.height}px; }`);
}

/** What a reader's shelf shows, spoken: the cover's text alternative. */
export function coverAlt(book: Book): string {
  const c = book.config;
  return fill(labelsFor(c.language, c.labels).coverAlt, { title: c.title, subtitle: c.subtitle ? `. ${c.subtitle}` : '', author: coverNames(c) });
}

/** Renders the cover in the build's Chromium, served hermetically, and returns PNG bytes. */
export async function renderCover(book: Pick<Book, 'config'>, session: BrowserSession, timeoutMs = 60_000): Promise<Uint8Array> {
  // A window of its own: a tab of the print edition's minimized window would never be painted for its screenshot.
  const page = await session.browser.newPage({ type: 'window' });
  try {
    await page.setViewport({ ...COVER_SIZE, deviceScaleFactor: 1 });
    const blocked = await loadCoverPage(book, page, coverHtml(book), timeoutMs);
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
