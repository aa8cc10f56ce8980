import type { FontConfig, PrintConfig } from '../config/schema.ts';
import { fontFamilyList } from '../fonts/font-css.ts';

/** The parts of the print CSS that come from book.yaml: page size, margins, bleed, type size, and the font
 * lists of the text and of code (only the families the book's text needs: see fonts/book-fonts.ts). */
export function pageSetupCss(print: PrintConfig, fonts: { body: FontConfig[]; mono: FontConfig[] }): string {
  const { trim, margins, bleed } = print;
  const hasBleed = parseFloat(bleed) > 0;
  return `@page {
  size: ${trim.width} ${trim.height};
  margin: ${margins.top} ${margins.outer} ${margins.bottom} ${margins.inner};
  ${hasBleed ? `bleed: ${bleed};` : ''}
}
@page :left { margin-left: ${margins.outer}; margin-right: ${margins.inner}; }
@page :right { margin-left: ${margins.inner}; margin-right: ${margins.outer}; }
:root {
  --body-font: ${fontFamilyList(fonts.body)};
${fonts.mono.length > 0 ? `  --mono-font: ${fontFamilyList(fonts.mono)};\n` : ''}  --body-size: ${print.fontSize};
  --body-leading: ${print.lineHeight};
  /* The measure, the same on every page: line breaking is computed for it before pagination. */
  --widows: ${print.widows};
  --orphans: ${print.orphans};
  --line-breaking: ${print.lineBreaking};
  --text-width: calc(${trim.width} - ${margins.inner} - ${margins.outer});
  --text-height: calc(${trim.height} - ${margins.top} - ${margins.bottom});
}
`;
}
