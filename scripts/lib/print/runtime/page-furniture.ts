/**
 * Paged.js gives every page the same furniture: sixteen margin boxes, each with a box for its content, and four
 * bleed boxes holding the crop and cross marks, some 60 elements of a page's 100 in the book. The print computes
 * the style of all of them three times and lays them out as often (Chromium lays the document out before it
 * enters print mode, in print mode, and as it leaves it). Most print nothing: a margin box the `@page` rules give no
 * content is hidden (Paged.js's `.pagedjs_margin:not(.hasContent)`), and without `marks` the bleed boxes hold
 * only marks that are not displayed. Once every page is laid out and finished, and before the build reads or
 * prints anything, those are taken out of the layout (`display: none`): the content box of each margin box
 * without content (the margin box itself stays: its neighbours are placed by their order in the margin's
 * grid), and, without marks, the bleed boxes (placed by the sheet's named grid lines, sized by its tracks).
 * The pages print the same, with a third fewer boxes to lay out (docs/performance.md).
 */

/** Whether the document's `@page` rules ask for marks: Paged.js then sets a `--pagedjs-mark-*-display` to
 * `block` in the style sheets it inserted (`addRootVars`); its own default is `none`. */
function hasMarks(doc: Document): boolean {
  return Array.from(doc.querySelectorAll('style[data-pagedjs-inserted-styles]')).some((style) => /--pagedjs-mark-[a-z]+-display:\s*block/.test(style.textContent ?? ''));
}

/** The rule that leaves the furniture that prints nothing out of the layout, for a document laid out already. */
export function unprintedFurnitureRule(doc: Document = document): string {
  const selectors = ['.pagedjs_margin:not(.hasContent) > .pagedjs_margin-content', ...(hasMarks(doc) ? [] : ['.pagedjs_bleed'])];
  return `${selectors.join(',\n')} { display: none !important; }`;
}

/** Adds `unprintedFurnitureRule` to the document (printing only: the preview shows its pages as they are). */
export function leaveOutUnprintedFurniture(doc: Document = document): void {
  const style = doc.createElement('style');
  style.dataset.bookFurniture = '';
  style.textContent = unprintedFurnitureRule(doc);
  doc.head.append(style);
}
