import type { FolioIncrement } from './contract.ts';

/**
 * Folios: page `page` of this document gets the page counter moved on by `increment`. Only the counter
 * changes: folios are drawn in the margin boxes, so nothing in the text area moves.
 */
export function setFolios(increments: FolioIncrement[]): void {
  const style = document.createElement('style');
  const page = (n: number): string => `.pagedjs_pages > .pagedjs_page[data-page-number="${n}"]`;
  // The style runs from its page to the next change: the margin boxes print `counter(page, var(--folio-style))`
  // (styles/print.css). :where() leaves every rule without specificity, so the later change wins.
  style.textContent = increments
    .map(({ page: n, increment, style: folios }) => {
      const counter = `${page(n)} { --pagedjs-page-counter-increment: ${increment}; }`;
      if (!folios) return counter;
      return `${counter}\n:where(${page(n)}, ${page(n)} ~ .pagedjs_page) { --folio-style: ${folios === 'roman' ? 'lower-roman' : 'decimal'}; }`;
    })
    .join('\n');
  document.head.appendChild(style);
}

/** The contents page's numbers, unit id -> printed folio (fixed-width boxes: nothing moves). */
export function fillContents(pages: Record<string, string>): void {
  for (const entry of document.querySelectorAll<HTMLElement>('.pagedjs_pages a.toc-entry')) {
    const id = (entry.getAttribute('href') as string).slice(1);
    if (pages[id] !== undefined) entry.dataset.page = pages[id];
  }
}
