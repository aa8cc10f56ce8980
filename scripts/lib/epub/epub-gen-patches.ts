import constants from 'epub-gen-memory/dist/lib/util/constants.js';

/**
 * epub-gen-memory keeps only the attributes on its own list in a content document and drops the rest with a
 * warning (which the build turns into an error: see package-epub.ts). Its list lacks the attributes of an
 * ordered list that HTML and EPUB 3 allow: `start` (a list that starts at 3), `reversed` and an item's
 * `value`. Without them a list numbered from 3 in the manuscript would count from 1 in the EPUB. Nor has it
 * `scope` on a table's header cells (`<th scope="col">`), which tells a screen reader which cells a header
 * belongs to. Added here, once, to the list the package reads at every call (tests/epub-gen-patches.test.ts
 * shows both behaviours).
 */
export const ADDED_ATTRIBUTES = ['start', 'reversed', 'value', 'scope'] as const;

export function patchEpubGen(): void {
  const allowed = constants.allowedAttributes;
  for (const name of ADDED_ATTRIBUTES) if (!allowed.includes(name)) allowed.push(name);
}
