import type { Check } from './check.ts';

/** What reading the manuscript found: missing chapters, files outside the folder, broken note references. */
export const manuscriptCheck: Check = {
  name: 'manuscript',
  needs: [],
  rules: [
    { id: 'manuscript/missing-chapter', severity: 'error', description: 'a chapter listed in book.yaml does not exist' },
    { id: 'manuscript/outside', severity: 'error', description: 'a file book.yaml names is outside the manuscript folder (a path climbing out, or a link leading out)' },
    { id: 'manuscript/url', severity: 'error', description: 'book.yaml names a URL where a file of the manuscript belongs: a build reads nothing from the network' },
    { id: 'manuscript/duplicate-chapter', severity: 'error', description: 'a chapter is listed twice in book.yaml' },
    { id: 'config/font-package', severity: 'error', description: 'the font package is not an npm package name, or is not installed' },
    { id: 'notes/undefined-reference', severity: 'error', description: 'a footnote reference has no definition' },
    { id: 'notes/unused-definition', severity: 'error', description: 'a footnote definition is never referenced' },
    { id: 'notes/duplicate-label', severity: 'error', description: 'a footnote label is defined twice' },
  ],
  async run({ book }) {
    return book.diagnostics;
  },
};
