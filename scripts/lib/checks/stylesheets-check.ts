import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { diagnostic, positionOf, type Diagnostic } from '../diagnostics.ts';
import { isRemoteUrl, isUrl } from '../manuscript-files.ts';
import { packageDir, stylesDir } from '../paths.ts';
import { fontStylesheets } from '../fonts/font-css.ts';
import type { Check } from './check.ts';

/** A URL a stylesheet loads, and where it is written. */
export interface StylesheetUrl {
  url: string;
  offset: number;
}

/**
 * Every URL a stylesheet would load that is not one of its own files: `url(http://…)`, `url(//host/…)`,
 * `@import "https://…"`, a `file:` URL. (`data:` is inline and loads nothing.) Comments are skipped.
 */
export function foreignUrlsInCss(css: string): StylesheetUrl[] {
  // Comments blanked out with their length kept, so offsets stay those of the file.
  const text = css.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '));
  const found: StylesheetUrl[] = [];
  const patterns = [/\burl\(\s*(['"]?)([^'")\s]+)\1\s*\)/gi, /@import\s+(['"])([^'"]+)\1/gi];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const url = match[2] as string;
      if (!isUrl(url) || /^data:/i.test(url)) continue;
      found.push({ url, offset: (match.index ?? 0) + match[0].indexOf(url) });
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
}

/** Reports a stylesheet's foreign URLs at their line and column. */
export function stylesheetDiagnostics(css: string, file: string): Diagnostic[] {
  return foreignUrlsInCss(css).map(({ url, offset }) => {
    const { line, column } = positionOf(css, offset);
    const why = isRemoteUrl(url) ? 'a build loads nothing from the network' : 'a build loads only the files of the repository and the manuscript';
    return diagnostic('styles/url', { file, line, column }, `the stylesheet loads ${url}: ${why}; put the file beside the stylesheet and name it by its path`);
  });
}

/**
 * The stylesheets a build uses, styles/ and the font packages', load nothing by URL: the print page would
 * have the request refused late, with no place to show for it, and the web edition would publish it.
 */
export const stylesheetsCheck: Check = {
  name: 'stylesheets',
  needs: [],
  async run({ book }) {
    const display = (file: string): string => path.relative(process.cwd(), file) || file;
    const files = readdirSync(stylesDir)
      .filter((name) => name.endsWith('.css'))
      .sort()
      .map((name) => path.join(stylesDir, name));
    const { body, mono, fallback } = book.config.print.fonts;
    for (const font of [body, mono, ...fallback]) {
      let fontDir: string;
      try {
        fontDir = packageDir(font.package);
      } catch {
        continue;
      }
      for (const href of fontStylesheets(font)) {
        const file = path.join(fontDir, href.slice(`/pkg/${font.package}/`.length));
        if (existsSync(file) && !files.includes(file)) files.push(file);
      }
    }
    return files.flatMap((file) => stylesheetDiagnostics(readFileSync(file, 'utf8'), display(file)));
  },
};
