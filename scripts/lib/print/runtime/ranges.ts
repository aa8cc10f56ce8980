/**
 * A Range made once and set anew for each measurement. Chromium keeps every Range a document has made registered
 * with the document until the garbage collector frees it, and updates each registered Range at every change to
 * the document's nodes (a node inserted or removed, a text node split or edited): a Range made for each
 * paragraph or block measured left hundreds alive, and each node the line breaker split or Paged.js added or
 * removed then walked them all. A Range handed to Paged.js (an overflow moved) is made fresh: Paged.js keeps it.
 */
export function reusableRange(): () => Range {
  let range: Range | undefined;
  return () => (range ??= document.createRange());
}
