import type { Check } from './check.ts';

/** What reading the manuscript found: missing chapters, files outside the folder, broken note references. */
export const manuscriptCheck: Check = {
  name: 'manuscript',
  needs: [],
  async run({ book }) {
    return book.diagnostics;
  },
};
