import type { Check, Rule } from './check.ts';

export const RULES = {
  pdfx: { id: 'press/pdfx-version', severity: 'error', description: 'the press PDF does not identify itself as PDF/X (GTS_PDFXVersion, Title, Trapped, ID)' },
  intent: { id: 'press/output-intent', severity: 'error', description: 'the press PDF has no PDF/X output intent with an embedded CMYK profile' },
  boxes: { id: 'press/page-boxes', severity: 'error', description: 'a page’s TrimBox, BleedBox or MediaBox does not match the trim, bleed and marks in book.yaml' },
  signature: { id: 'press/signature', severity: 'error', description: 'the page count is not a multiple of the signature' },
  embedded: { id: 'press/font-not-embedded', severity: 'error', description: 'a font is not embedded' },
  type3: { id: 'press/type3-font', severity: 'error', description: 'a font is Type 3 (a bitmap or outline font the printer’s RIP may not treat as text)' },
  richBlack: { id: 'press/text-page-colour', severity: 'error', description: 'a text page uses cyan, magenta or yellow ink: black text and rules must be pure K' },
  screenMarks: { id: 'press/screen-marks', severity: 'warning', description: 'print.marks puts Paged.js crop marks inside the bleed, where they print; the press PDF wants print.press.marks' },
  totalInk: { id: 'press/total-ink', severity: 'error', description: 'total ink (C+M+Y+K) exceeds print.press.inkLimit somewhere on a page' },
} as const satisfies Record<string, Rule>;

/**
 * Preflight of the press PDF, what a printer's prepress checks first: PDF/X identification and output intent,
 * page boxes against book.yaml, signature, fonts, and ink (Ghostscript's inkcov per page, total ink per pixel).
 * Builds the press PDF from the screen PDF when this build did not already.
 */
export const preflightCheck: Check = {
  name: 'preflight',
  needs: ['pdf'],
  rules: Object.values(RULES),
  // The work (pdf-lib, Ghostscript, poppler) is loaded when a check runs, not with every build's start.
  run: async (context) => (await import('./preflight-run.ts')).runPreflight(context),
};
