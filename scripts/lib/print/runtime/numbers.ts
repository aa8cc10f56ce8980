import type { FolioIncrement } from './contract.ts';
import { capitals } from './running-heads.ts';

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

/**
 * Cross-references' page numbers, target id -> printed folio. They were laid out as three figures ("000"): a
 * number is seldom wider, and a narrower one only shortens its line, which the line breaker pinned or which
 * has room to spare, so no line breaks otherwise and nothing moves to another page.
 */
export function fillPageReferences(pages: Record<string, string>): void {
  for (const reference of document.querySelectorAll<HTMLElement>('.pagedjs_pages a.xref[data-xref-page]')) {
    const page = pages[reference.dataset.xrefPage as string];
    const number = reference.querySelector('.xref-page');
    if (page !== undefined && number) number.textContent = page;
  }
}

/** The contents page's numbers, unit id -> printed folio (fixed-width boxes: nothing moves). */
export function fillContents(pages: Record<string, string>): void {
  for (const entry of document.querySelectorAll<HTMLElement>('.pagedjs_pages a.toc-entry')) {
    const id = (entry.getAttribute('href') as string).slice(1);
    if (pages[id] !== undefined) entry.dataset.page = pages[id];
  }
}

/**
 * The endnotes' running heads: each page of the section names the text pages its notes' calls are on
 * ("Aantekeningen bij blz. 12–19"), `pages` giving each call's printed folio. Drawn in the margin (the
 * section's string, set on the page), so nothing in the text area moves.
 */
export function fillEndnoteHeads(pages: Record<string, string>): void {
  // Looked up once, not once a page (a search of the whole document each): the preview calls this on every frame
  // at every numbering and every page shown early, and only the endnotes unit has the label.
  const label = document.querySelector<HTMLElement>('.endnotes[data-endnotes-pages]')?.dataset.endnotesPages ?? '';
  if (!label) return;
  for (const page of document.querySelectorAll<HTMLElement>('.pagedjs_pages > .pagedjs_page')) {
    if (!page.querySelector('.endnotes')) continue;
    const folios = [...new Set(Array.from(page.querySelectorAll('a.endnote-back'), (a) => pages[(a.getAttribute('href') as string).slice(1)]).filter((p): p is string => p !== undefined))];
    if (folios.length === 0) continue;
    const range = folios.length === 1 ? folios[0] : `${folios[0]}\u2013${folios[folios.length - 1]}`;
    // In capitals as every running head, the folios not (running-heads.ts).
    const text = label.split('{pages}').map(capitals).join(range as string);
    page.style.setProperty('--pagedjs-string-first-endnote-pages', `"${text.replace(/["\\]/g, '\\$&')}"`);
  }
}
