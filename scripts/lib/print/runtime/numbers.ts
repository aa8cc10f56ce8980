import type { FolioIncrement } from './contract.ts';

/**
 * Folios: page `page` of this document gets the page counter moved on by `increment`. Only the counter
 * changes: folios are drawn in the margin boxes, so nothing in the text area moves.
 */
export function setFolios(increments: FolioIncrement[]): void {
  const style = document.createElement('style');
  style.textContent = increments
    .map(({ page, increment }) => `.pagedjs_pages > .pagedjs_page[data-page-number="${page}"] { --pagedjs-page-counter-increment: ${increment}; }`)
    .join('\n');
  document.head.appendChild(style);
}

/** The contents page's numbers, unit id -> printed page (fixed-width boxes: nothing moves). */
export function fillContents(pages: Record<string, number>): void {
  for (const entry of document.querySelectorAll<HTMLElement>('.pagedjs_pages a.toc-entry')) {
    const id = (entry.getAttribute('href') as string).slice(1);
    if (pages[id] !== undefined) entry.dataset.page = String(pages[id]);
  }
}
