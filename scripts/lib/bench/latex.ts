import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { stylePath } from '../citations/csl.ts';
import { loadConfig } from '../config/load-config.ts';
import type { BookConfig, FontConfig } from '../config/schema.ts';
import { creatorsOf } from '../contributors.ts';
import { contentsEntries } from '../book-structure.ts';
import { packageDir } from '../paths.ts';
import { sfntFromWoff } from './woff.ts';

/** The Debian packages the LaTeX yardstick needs (with their recommends, as `apt-get install` takes them). */
export const LATEX_PACKAGES = 'pandoc texlive-xetex texlive-lang-european texlive-fonts-recommended';

/** What is missing to run Pandoc + XeLaTeX here (`pandoc`, `xelatex`), or an empty list. */
export function missingLatexTools(): string[] {
  return ['pandoc', 'xelatex'].filter((tool) => {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
}

/** KOMA-Script sets a 10.5 pt text on a 12.6 pt baseline (1.2×); Pandoc's `linestretch` scales that. */
const KOMA_LEADING = 1.2;

/** The book's text font as four TrueType files made from the @fontsource package's own files. */
export interface LatexFont {
  dir: string;
  regular: string;
  bold: string;
  italic: string;
  boldItalic: string;
}

/**
 * The second yardstick, as a Pandoc defaults file: the same Markdown files, bibliography and CSL style as the
 * build, set by XeLaTeX in KOMA-Script's book class with the trim size, margins (inner and outer), type size
 * and leading of book.yaml, the book's language for hyphenation (babel's Dutch patterns) and the citation
 * locale, chapters on a recto with running heads, a contents page when there is more than one chapter, notes
 * as footnotes. The text font is the @fontsource package's: its Latin subset (what the book's own text needs:
 * a character beyond it is reported by XeLaTeX and counted, see runPandocLatex).
 */
export function pandocDefaults(config: BookConfig, manuscriptDir: string, font: LatexFont, output: string): Record<string, unknown> {
  const { print } = config;
  const { trim, margins } = print;
  const citations = config.citations;
  const defaults: Record<string, unknown> = {
    from: 'markdown',
    'input-files': contentsEntries(config).map((entry) => path.resolve(manuscriptDir, entry.file)),
    'output-file': output,
    'pdf-engine': 'xelatex',
    'top-level-division': 'chapter',
    'table-of-contents': contentsEntries(config).length > 1,
    variables: {
      documentclass: 'scrbook',
      classoption: [`fontsize=${print.fontSize}`, 'twoside', 'open=right', 'headings=normal'],
      geometry: [`paperwidth=${trim.width}`, `paperheight=${trim.height}`, `top=${margins.top}`, `bottom=${margins.bottom}`, `inner=${margins.inner}`, `outer=${margins.outer}`],
      linestretch: Number((print.lineHeight / KOMA_LEADING).toFixed(4)),
      // Paragraphs indented, not spaced, as in the book.
      indent: true,
      mainfont: font.regular,
      mainfontoptions: [`Path=${font.dir}/`, `BoldFont=${font.bold}`, `ItalicFont=${font.italic}`, `BoldItalicFont=${font.boldItalic}`],
      // KOMA sets headings in the sans-serif font; the book sets them in its text font.
      'header-includes': ['\\addtokomafont{disposition}{\\rmfamily}'],
    },
    metadata: {
      title: config.title,
      ...(config.subtitle ? { subtitle: config.subtitle } : {}),
      author: creatorsOf(config),
      lang: citations?.locale ?? config.language,
    },
  };
  if (citations) {
    defaults.citeproc = true;
    defaults.bibliography = (Array.isArray(citations.bibliography) ? citations.bibliography : [citations.bibliography]).map((file) => path.resolve(manuscriptDir, file));
    defaults.csl = stylePath(citations.style, manuscriptDir);
    if (citations.section?.enabled) (defaults.metadata as Record<string, unknown>)['reference-section-title'] = citations.section.title;
  }
  return defaults;
}

/** Writes the body font's Latin subset as TrueType files into `dir` (from the package's WOFF files). */
export async function writeLatexFont(font: FontConfig, dir: string): Promise<LatexFont> {
  await mkdir(dir, { recursive: true });
  const files = path.join(packageDir(font.package), 'files');
  const base = font.package.split('/').pop() as string;
  const bold = font.weights.includes(700) ? 700 : Math.max(...font.weights);
  const convert = async (weight: number, style: 'normal' | 'italic'): Promise<string> => {
    const source = path.join(files, `${base}-latin-${weight}-${style}.woff`);
    const name = `${base}-${weight}-${style}.ttf`;
    await writeFile(path.join(dir, name), sfntFromWoff(await readFile(source)));
    return name;
  };
  const italic = font.italic && existsSync(path.join(files, `${base}-latin-400-italic.woff`));
  const regular = await convert(400, 'normal');
  const boldFile = await convert(bold, 'normal');
  return { dir, regular, bold: boldFile, italic: italic ? await convert(400, 'italic') : regular, boldItalic: italic ? await convert(bold, 'italic') : boldFile };
}

/** Writes the fonts and the defaults file for a manuscript into `dir`; returns the defaults file. */
export async function writePandocDefaults(manuscriptDir: string, dir: string, output: string): Promise<string> {
  const { config } = await loadConfig(manuscriptDir);
  const font = await writeLatexFont(config.print.fonts.body, path.join(dir, 'fonts'));
  const file = path.join(dir, 'pandoc-defaults.yaml');
  await writeFile(file, stringify(pandocDefaults(config, path.resolve(manuscriptDir), font, output)));
  return file;
}
