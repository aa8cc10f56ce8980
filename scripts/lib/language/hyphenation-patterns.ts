import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageDir, projectRoot } from '../paths.ts';

/** What the `hyphen` package exports for each language: TeX's patterns behind one function. */
export interface Hyphenator {
  hyphenateSync(text: string, options?: { hyphenChar?: string; minWordLength?: number }): string;
}

/**
 * For a language whose tag names no pattern set of its own, the set its speakers use: English is set with the
 * American patterns unless the book says `en-GB`, German with the 1996 spelling, Greek monotonic, Norwegian
 * Bokmål, Serbian in Cyrillic.
 */
const DEFAULT_PATTERNS: Record<string, string> = { en: 'en-us', de: 'de-1996', el: 'el-monoton', no: 'nb', sr: 'sr-cyrl', mn: 'mn-cyrl', la: 'la' };

const require = createRequire(path.join(projectRoot, 'package.json'));
const loaded = new Map<string, Hyphenator | undefined>();

/** The pattern set of the `hyphen` package for a BCP 47 tag (`nl`, `en-GB`, `de-CH-1901`), or undefined. */
export function patternsId(language: string): string | undefined {
  const dir = packageDir('hyphen');
  const parts = language.toLowerCase().split('-');
  // The longest prefix of the tag that names a set: de-ch-1901, then de-ch, then de.
  for (let n = parts.length; n > 0; n--) {
    const id = parts.slice(0, n).join('-');
    const chosen = n === 1 ? (DEFAULT_PATTERNS[id] ?? id) : id;
    if (existsSync(path.join(dir, chosen, 'index.js'))) return chosen;
  }
  return undefined;
}

/** The hyphenator for a language, loaded once; undefined when the `hyphen` package has no patterns for it. */
export function hyphenatorFor(language: string): Hyphenator | undefined {
  if (loaded.has(language)) return loaded.get(language);
  const id = patternsId(language);
  const hyphenator = id ? (require(`hyphen/${id}/index.js`) as Hyphenator) : undefined;
  loaded.set(language, hyphenator);
  return hyphenator;
}
