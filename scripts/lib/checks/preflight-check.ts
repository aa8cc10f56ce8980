import type { Check } from './check.ts';

/**
 * Preflight of the press PDF, what a printer's prepress checks first: PDF/X identification and output intent,
 * page boxes against book.yaml, signature, fonts, and ink (Ghostscript's inkcov per page, total ink per pixel).
 * Builds the press PDF from the screen PDF when this build did not already.
 */
export const preflightCheck: Check = {
  name: 'preflight',
  needs: ['pdf'],
  // The work (pdf-lib, Ghostscript, poppler) is loaded when a check runs, not with every build's start.
  run: async (context) => (await import('./preflight-run.ts')).runPreflight(context),
};
