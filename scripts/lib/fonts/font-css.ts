import type { FontConfig } from '../config/schema.ts';

/** Font stylesheets of an @fontsource-style package, one per weight and style, as the print site serves them. */
export function fontStylesheets(font: FontConfig): string[] {
  const { package: pkg, weights, italic } = font;
  return weights.flatMap((w) => [`/pkg/${pkg}/${w}.css`, ...(italic ? [`/pkg/${pkg}/${w}-italic.css`] : [])]);
}

/** A CSS font-family list, e.g. `"EB Garamond", "DejaVu Sans"`. */
export function fontFamilyList(fonts: FontConfig[]): string {
  return fonts.map((font) => `"${font.family}"`).join(', ');
}
