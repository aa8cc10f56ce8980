import type { PrintConfig } from '../config/schema.ts';

/** The parts of the print CSS that come from book.yaml: page size, margins, bleed, type size. */
export function pageSetupCss(print: PrintConfig): string {
  const { trim, margins, bleed, marks } = print;
  const hasBleed = parseFloat(bleed) > 0;
  return `@page {
  size: ${trim.width} ${trim.height};
  margin: ${margins.top} ${margins.outer} ${margins.bottom} ${margins.inner};
  ${hasBleed ? `bleed: ${bleed};` : ''}
  ${marks ? 'marks: crop;' : ''}
}
@page :left { margin-left: ${margins.outer}; margin-right: ${margins.inner}; }
@page :right { margin-left: ${margins.inner}; margin-right: ${margins.outer}; }
:root {
  --body-font: "${print.fonts.body.family}";
  --body-size: ${print.fontSize};
  --body-leading: ${print.lineHeight};
  /* The measure, the same on every page: line breaking is computed for it before pagination. */
  --widows: ${print.widows};
  --orphans: ${print.orphans};
  --line-breaking: ${print.lineBreaking};
  --text-width: calc(${trim.width} - ${margins.inner} - ${margins.outer});
}
`;
}

/** Font stylesheets of an @fontsource-style package, one per weight and style. */
export function fontStylesheets(print: PrintConfig): string[] {
  const { package: pkg, weights, italic } = print.fonts.body;
  return weights.flatMap((w) => [`/pkg/${pkg}/${w}.css`, ...(italic ? [`/pkg/${pkg}/${w}-italic.css`] : [])]);
}
