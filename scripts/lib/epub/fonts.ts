import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PrintConfig } from '../config/schema.ts';
import { packageDir } from '../paths.ts';

export interface EmbeddedFonts {
  /** @font-face rules pointing at `fonts/<file>` inside the EPUB. */
  css: string;
  /** For epub-gen-memory's `fonts` option: it copies each `url` to `fonts/<filename>`. */
  files: { filename: string; url: string }[];
}

/** Subsets a Dutch book can need; the Cyrillic, Greek and Vietnamese ones would only add weight. */
const SUBSETS = ['latin', 'latin-ext'];

/**
 * The print edition's family, from the same @fontsource package: each weight and style's woff2 files of the
 * Latin subsets, with their unicode-range, so a reader loads only what a page uses.
 */
export async function embeddedFonts(print: PrintConfig): Promise<EmbeddedFonts> {
  const { package: pkg, weights, italic } = print.fonts.body;
  const dir = packageDir(pkg);
  const sheets = weights.flatMap((w) => [`${w}.css`, ...(italic ? [`${w}-italic.css`] : [])]);
  const rules: string[] = [];
  const files: EmbeddedFonts['files'] = [];
  for (const sheet of sheets) {
    const css = await readFile(path.join(dir, sheet), 'utf8');
    for (const block of css.match(/@font-face\s*{[^}]*}/g) ?? []) {
      const woff2 = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block)?.[1];
      if (!woff2 || !SUBSETS.some((s) => woff2.includes(`-${s}-`))) continue;
      files.push({ filename: woff2, url: pathToFileURL(path.join(dir, 'files', woff2)).href });
      rules.push(block.replace(/src:[^;]*;/, `src: url(fonts/${woff2}) format('woff2');`).replace(/\s*font-display:[^;]*;/, ''));
    }
  }
  return { css: rules.join('\n'), files };
}
