import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FontConfig } from '../config/schema.ts';
import { packageDir } from '../paths.ts';
import { parseUnicodeRange } from '../print/font-faces.ts';
import { fontCharacters } from './font-cmap.ts';

/** One @font-face of a font package: the file and the characters it is declared for (all, without a range). */
interface Face {
  file: string;
  ranges: [number, number][] | undefined;
}

/**
 * What a font family from an @fontsource-style package can draw: a character is drawn by a face only when it
 * is in the face's unicode-range (the browser does not even load the face otherwise) and in the face's file.
 * Packages cut a family into subsets whose ranges and glyphs do not always agree (Noto Sans Math's one face
 * holds the mathematical symbols but declares the Latin range only), so both are read. The upright regular
 * face (or the first weight) stands for the family: packages cut every style into the same subsets.
 */
export class FamilyCoverage {
  readonly family: string;
  private readonly faces: Face[];
  private readonly characters = new Map<string, Set<number>>();

  constructor(font: FontConfig) {
    this.family = font.family;
    const dir = packageDir(font.package);
    const weight = font.weights.includes(400) ? 400 : font.weights[0];
    const css = readFileSync(path.join(dir, `${weight}.css`), 'utf8');
    this.faces = (css.match(/@font-face\s*{[^}]*}/g) ?? []).flatMap((rule) => {
      const file = /url\(\.\/([^)]+\.woff2)\)/.exec(rule)?.[1];
      if (!file) return [];
      const range = /unicode-range\s*:\s*([^;}]+)/.exec(rule)?.[1];
      return [{ file: path.join(dir, file), ranges: range ? parseUnicodeRange(range) : undefined }];
    });
  }

  has(codePoint: number): boolean {
    return this.faces.some((face) => {
      if (face.ranges && !face.ranges.some(([first, last]) => codePoint >= first && codePoint <= last)) return false;
      return this.charactersOf(face.file).has(codePoint);
    });
  }

  /** The faces (by file) a text of these characters loads: for embedding only what a book uses. */
  facesFor(codePoints: Iterable<number>): string[] {
    const used = new Set<string>();
    for (const c of codePoints) {
      for (const face of this.faces) {
        if (used.has(face.file) || (face.ranges && !face.ranges.some(([first, last]) => c >= first && c <= last))) continue;
        if (this.charactersOf(face.file).has(c)) used.add(face.file);
      }
    }
    return [...used];
  }

  private charactersOf(file: string): Set<number> {
    let found = this.characters.get(file);
    if (!found) this.characters.set(file, (found = fontCharacters(file)));
    return found;
  }
}

const coverages = new Map<string, FamilyCoverage>();

/** A family's coverage, read once per process (a watching build keeps it). */
export function familyCoverage(font: FontConfig): FamilyCoverage {
  const key = `${font.package}\0${font.family}\0${font.weights.join(',')}`;
  let coverage = coverages.get(key);
  if (!coverage) coverages.set(key, (coverage = new FamilyCoverage(font)));
  return coverage;
}
