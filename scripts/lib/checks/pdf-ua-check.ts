import type { Check } from './check.ts';

/**
 * PDF/UA-1 conformance of the screen PDF, as far as software can tell (no validator is installable offline):
 * the conditions of the Matterhorn Protocol 1.1 that a program can decide and that apply to a book (rules
 * `pdfua/*` in rules.ts): every content item tagged or an artifact, the structure tree's shape, alternative
 * text, table headers, notes, annotations, language, title and Unicode. Findings carry the page; a figure
 * without alternative text also the image's place in the manuscript.
 */
export const pdfUaCheck: Check = {
  name: 'pdf-ua',
  needs: ['pdf'],
  // pdf-lib and the content-stream reader are loaded when the check runs, not with every build's start.
  run: async (context) => (await import('./pdf-ua-run.ts')).runPdfUaCheck(context),
};
