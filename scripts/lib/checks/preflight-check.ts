import type { Check } from './check.ts';

/**
 * Preflight of the press PDF, what a printer's prepress checks first: PDF/X identification and output intent,
 * page boxes against book.yaml, signature, fonts, and ink (Ghostscript's inkcov per page, total ink per pixel).
 */
export const preflightCheck: Check = {
  name: 'preflight',
  needs: ['press'],
  // The work (pdf-lib, Ghostscript, poppler) is loaded when a check runs, not with every build's start.
  run: async (context) => (await import('./preflight-run.ts')).runPreflight(context),
};
