import { existsSync } from 'node:fs';
import path from 'node:path';
import { bookLocale, CSL_DIR, stylePath } from '../citations/csl.ts';
import { diagnostic, type Diagnostic } from '../diagnostics.ts';
import type { RuleId } from '../rules.ts';
import { isUrl, locateFile, refusal, resolveManuscriptFile, type ManuscriptFile } from '../manuscript-files.ts';
import { packageDir, projectRoot } from '../paths.ts';
import type { BookConfig } from './schema.ts';
import { contentsEntries } from '../book-structure.ts';

type Locate = (keyPath: readonly (string | number)[]) => { line: number; column: number };

/** An npm package name: an optional scope, then a lower-case name (no `..`, no slashes beyond the scope's). */
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/**
 * The files book.yaml names besides the text (bibliography, CSL style and locale, press profile, font
 * package) and the chapters' list itself: each must be a path inside the manuscript folder (or, for a style
 * by name and a font, the repository's csl/ and an installed package), reached without leaving it through a
 * link, and no URL; a chapter is listed once. Each problem is an error at its line in book.yaml. A file that
 * is simply missing is left to the stage that reads it, which says so at the same place.
 */
export function configFileProblems(config: BookConfig, manuscriptDir: string, configFile: string, locate: Locate): Diagnostic[] {
  const found: Diagnostic[] = [];
  const error = (keyPath: (string | number)[], rule: RuleId, message: string): void => {
    const { line, column } = locate(keyPath);
    found.push(diagnostic(rule, { file: configFile, line, column }, message));
  };
  const refuse = (keyPath: (string | number)[], file: ManuscriptFile, reference: string, what: string, where?: string): boolean => {
    if (file.kind === 'inside' || file.kind === 'missing') return false;
    error(keyPath, file.kind === 'url' ? 'manuscript/url' : 'manuscript/outside', refusal(file, reference, what, where));
    return true;
  };

  const listed = new Map<string, (string | number)[]>();
  for (const { file: reference, keyPath } of contentsEntries(config)) {
    const file = resolveManuscriptFile(manuscriptDir, reference);
    if (refuse(keyPath, file, reference, 'chapter file')) continue;
    const key = file.kind === 'inside' ? file.real : (file as { absolute: string }).absolute;
    const first = listed.get(key);
    if (first === undefined) listed.set(key, keyPath);
    else {
      const { line } = locate(first);
      error(keyPath, 'manuscript/duplicate-chapter', `chapter file "${reference}" is listed twice (first on line ${line}): a chapter is set once`);
    }
  }

  const { citations } = config;
  if (citations) {
    const bibliographies = typeof citations.bibliography === 'string' ? [citations.bibliography] : citations.bibliography;
    for (const [index, reference] of bibliographies.entries()) {
      const keyPath = typeof citations.bibliography === 'string' ? ['citations', 'bibliography'] : ['citations', 'bibliography', index];
      refuse(keyPath, resolveManuscriptFile(manuscriptDir, reference), reference, 'bibliography');
    }
    // A style is a .csl file in the manuscript folder or a name from the repository's csl/styles/.
    const style = citations.style;
    const byName = !isUrl(style) && !style.endsWith('.csl');
    const styleFile = byName ? locateFile(stylePath(style, manuscriptDir), [path.join(CSL_DIR, 'styles')]) : resolveManuscriptFile(manuscriptDir, style);
    refuse(['citations', 'style'], styleFile, style, 'CSL style', byName ? 'csl/styles/' : undefined);
    // A locale file in the manuscript folder takes precedence over csl/locales/ (csl.ts): the book's own, and
    // citeproc's fallback, en-US.
    for (const lang of new Set([bookLocale(citations, config.language), 'en-US'])) {
      const name = `locales-${lang}.xml`;
      const file = resolveManuscriptFile(manuscriptDir, name);
      refuse(['citations', 'locale'], file, name, 'CSL locale file');
    }
  }

  const profile = config.print.press.profile;
  if (profile !== undefined) refuse(['print', 'press', 'profile'], resolveManuscriptFile(manuscriptDir, profile), profile, 'press profile');

  const { body, mono, fallback } = config.print.fonts;
  const fonts: [(string | number)[], string][] = [
    [['print', 'fonts', 'body', 'package'], body.package],
    [['print', 'fonts', 'mono', 'package'], mono.package],
    ...fallback.map((font, i): [(string | number)[], string] => [['print', 'fonts', 'fallback', i, 'package'], font.package]),
  ];
  for (const [keyPath, fontPackage] of fonts) {
    if (!PACKAGE_NAME.test(fontPackage)) {
      error(keyPath, 'config/font-package', `font package "${fontPackage}" is not an npm package name (e.g. "@fontsource/eb-garamond"): fonts come from installed packages, never from files elsewhere`);
    } else {
      let dir: string | undefined;
      try {
        dir = packageDir(fontPackage);
      } catch {
        error(keyPath, 'config/font-package', `font package "${fontPackage}" is not installed: run \`npm install ${fontPackage}\` in ${path.relative(process.cwd(), projectRoot) || '.'}`);
      }
      if (dir !== undefined) {
        const nodeModules = path.join(projectRoot, 'node_modules');
        const where = locateFile(dir, [nodeModules]);
        if (where.kind === 'outside') {
          error(keyPath, 'manuscript/outside', `font package "${fontPackage}" resolves to ${where.real}, outside the repository's node_modules/: fonts come from the packages installed here`);
        } else if (!existsSync(path.join(dir, 'package.json'))) {
          error(keyPath, 'config/font-package', `font package "${fontPackage}" has no package.json in ${dir}`);
        }
      }
    }
  }
  return found;
}
