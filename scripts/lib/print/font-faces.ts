import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The code points of a unicode-range descriptor (`U+0460-052F,U+20B4,U+4??`), as [first, last] pairs. */
export function parseUnicodeRange(value: string): [number, number][] {
  return value.split(',').flatMap((part): [number, number][] => {
    const m = /^\s*U\+([0-9A-F?]+)(?:-([0-9A-F]+))?\s*$/i.exec(part);
    if (!m) return [];
    const start = m[1] as string;
    if (start.includes('?')) return [[parseInt(start.replace(/\?/g, '0'), 16), parseInt(start.replace(/\?/g, 'F'), 16)]];
    const first = parseInt(start, 16);
    return [[first, m[2] ? parseInt(m[2], 16) : first]];
  });
}

/**
 * A font package's stylesheet without the @font-face rules for scripts the document cannot show: Paged.js
 * loads every face a page declares before it lays out (@fontsource declares seven subsets per style,
 * Cyrillic, Greek, Vietnamese…), each a request the build serves. A face is kept when its range holds a
 * character of the document or of the styles (generated content), or when it has no range.
 */
export function trimFontFaces(css: string, characters: ReadonlySet<number>): string {
  return css.replace(/(?:\/\*[^*]*\*\/\s*)?@font-face\s*\{[^}]*\}\s*/g, (rule) => {
    const range = /unicode-range\s*:\s*([^;}]+)/i.exec(rule)?.[1];
    if (!range) return rule;
    for (const [first, last] of parseUnicodeRange(range)) {
      for (const c of characters) if (c >= first && c <= last) return rule;
    }
    return '';
  });
}

/** Every character of the texts, with printable ASCII always in. */
export function charactersOf(texts: string[]): Set<number> {
  const found = new Set<number>();
  for (let c = 0x20; c < 0x7f; c++) found.add(c);
  for (const text of texts) {
    for (const ch of text) found.add(ch.codePointAt(0) as number);
    // A character written as a reference (&#x151;) is on the page too.
    for (const [, hex, dec] of text.matchAll(/&#(?:x([0-9a-f]+)|([0-9]+));/gi)) found.add(hex ? parseInt(hex, 16) : Number(dec));
  }
  return found;
}

/** The text of every stylesheet in a folder (what `content:` may put on a page). */
export function stylesheetsText(dir: string): string {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.css'))
    .sort()
    .map((name) => readFileSync(path.join(dir, name), 'utf8'))
    .join('\n');
}
