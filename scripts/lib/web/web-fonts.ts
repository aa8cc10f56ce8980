import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PrintConfig } from '../config/schema.ts';
import { packageDir } from '../paths.ts';
import { fontStylesheets } from '../print/page-setup.ts';

export interface WebFonts {
  /** @font-face rules pointing at `fonts/<file>.woff2`, relative to the stylesheet. */
  css: string;
  /** woff2 files to copy into the edition's fonts/ folder. */
  files: { from: string; name: string }[];
}

const FACE = /@font-face\s*{[^}]*}/g;
const WOFF2 = /url\(\.\/files\/([^)]+\.woff2)\)\s*format\('woff2'\)/;

/**
 * The same faces as print (book.yaml's font package, weights and italics), as woff2 only: every browser
 * that can lay out this page reads woff2, so the woff fallbacks would only double the download.
 */
export async function webFonts(print: PrintConfig): Promise<WebFonts> {
  const pkg = print.fonts.body.package;
  const dir = packageDir(pkg);
  const faces: string[] = [];
  const files = new Map<string, string>();
  for (const href of fontStylesheets(print)) {
    const cssFile = path.join(dir, href.slice(`/pkg/${pkg}/`.length));
    const css = await readFile(cssFile, 'utf8');
    for (const face of css.match(FACE) ?? []) {
      const woff2 = WOFF2.exec(face);
      if (!woff2?.[1]) continue;
      const name = woff2[1];
      files.set(name, path.resolve(path.dirname(cssFile), 'files', name));
      faces.push(face.replace(/src:[^;]*;/, `src: url(fonts/${name}) format('woff2');`));
    }
  }
  return { css: `${faces.join('\n')}\n`, files: [...files].map(([name, from]) => ({ name, from })) };
}
