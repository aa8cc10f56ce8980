import type { Check } from './check.ts';

/**
 * Preflight of the full-wrap cover against the printer's profile, as the press PDF's: PDF/X identification,
 * the boxes its page count calls for, fonts, total ink and crop marks.
 */
export const coverPreflightCheck: Check = {
  name: 'cover-preflight',
  needs: ['cover'],
  run: async (context) => (await import('./preflight-run.ts')).runCoverPreflight(context),
};
