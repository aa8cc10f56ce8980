import type { Check } from './check.ts';

/** What reading the manuscript found: missing chapters, broken note references. */
export const manuscriptCheck: Check = {
  name: 'manuscript',
  needs: [],
  rules: [
    { id: 'manuscript/missing-chapter', severity: 'error', description: 'a chapter listed in book.yaml does not exist' },
    { id: 'notes/undefined-reference', severity: 'error', description: 'a footnote reference has no definition' },
    { id: 'notes/unused-definition', severity: 'error', description: 'a footnote definition is never referenced' },
    { id: 'notes/duplicate-label', severity: 'error', description: 'a footnote label is defined twice' },
  ],
  async run({ book }) {
    return book.diagnostics;
  },
};
