import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { BookConfig } from './config/schema.ts';
import { diagnostic, type Diagnostic } from './diagnostics.ts';
import { realPathOf, resolveManuscriptFile } from './manuscript-files.ts';
import type { RuleId } from './rules.ts';
import { escapeHtml } from './html.ts';
import { IMAGE_PLACEHOLDER_PATTERN, type ImageReference } from './markdown/images.ts';

/** An image of the book: what the manuscript says, the file it is, and its pixels as the decoder read them. */
export interface BookImage extends ImageReference {
  /** Chapter file it is in, as named in messages. */
  chapterFile: string;
  /** The file, symlinks resolved: always inside the manuscript folder. */
  file: string;
  /** Its path relative to the manuscript folder, with `/` (where the web edition puts it). */
  relative: string;
  pixels: { width: number; height: number };
  /** What the decoder read it as: `png`, `jpeg`, `gif`, `webp`, `svg`, ... */
  format: string;
  /** 1-based number among the book's figures, when book.yaml numbers them. */
  figureNumber?: number;
}

/** What decoding a file found: its size, or why it is not an image. */
type Decoded = { pixels: { width: number; height: number }; format: string } | { error: string };

/** Decoded files by path, size and modification time: a watching build or the preview decodes each image once. */
const decodedFiles = new Map<string, Decoded>();

/**
 * Decodes the whole image with sharp (libvips): its header gives the size, and the full decode proves the
 * file is an image a browser can draw, not a truncated or damaged one.
 */
async function decode(file: string, key: string): Promise<Decoded> {
  const known = decodedFiles.get(key);
  if (known) return known;
  let result: Decoded;
  try {
    const { default: sharp } = await import('sharp');
    const image = sharp(file, { failOn: 'warning', limitInputPixels: 268_402_689, animated: false });
    const metadata = await image.metadata();
    await image.stats();
    if (!metadata.width || !metadata.height) throw new Error('it has no size');
    result = { pixels: { width: metadata.width, height: metadata.height }, format: metadata.format ?? path.extname(file).slice(1) };
  } catch (error) {
    result = { error: (error as Error).message.split('\n')[0] ?? 'unknown error' };
  }
  if (decodedFiles.size > 2000) decodedFiles.clear();
  decodedFiles.set(key, result);
  return result;
}

export interface ResolvedImages {
  images: BookImage[];
  diagnostics: Diagnostic[];
}

/**
 * Finds each image's file and reads its pixels: a URL (the build is offline), a path that climbs out of the
 * manuscript folder (symlinks followed first: manuscript-files.ts), a missing file and one that does not
 * decode are errors at the image's place in the chapter.
 */
export async function resolveImages(references: readonly ImageReference[], chapterFile: string, manuscriptDir: string): Promise<ResolvedImages> {
  const diagnostics: Diagnostic[] = [];
  const images: BookImage[] = [];
  for (const reference of references) {
    const place = { file: chapterFile, line: reference.line, column: reference.column };
    const report = (rule: RuleId, message: string): void => void diagnostics.push(diagnostic(rule, place, message));
    const { src } = reference;
    if (src.trim() === '') {
      report('images/missing', 'the image has no file name');
      continue;
    }
    // Images are named relative to the manuscript folder, where the chapters are.
    const located = resolveManuscriptFile(manuscriptDir, src.split(/[?#]/)[0] as string);
    if (located.kind === 'url') {
      report('images/remote', located.remote
        ? `image ${src} is on the network: a build loads nothing from it; save the image in the manuscript folder and name it by its path there`
        : `image ${src} is a URL, not a file: save the image in the manuscript folder and name it by its path there`);
      continue;
    }
    if (located.kind === 'outside') {
      report('images/outside', located.through === 'link'
        ? `image ${src} is a link to ${located.real}, outside the manuscript folder: a book reads only what is inside it`
        : `image ${src} is outside the manuscript folder: a book reads only what is inside it`);
      continue;
    }
    if (located.kind === 'missing') {
      report('images/missing', `image ${src} not found (looked for ${path.relative(process.cwd(), located.absolute) || located.absolute})`);
      continue;
    }
    const file = located.real;
    const info = await stat(file);
    if (!info.isFile()) {
      report('images/unreadable', `image ${src} is not a file`);
      continue;
    }
    const decoded = await decode(file, `${file}\0${info.size}\0${info.mtimeMs}`);
    if ('error' in decoded) {
      report('images/unreadable', `image ${src} cannot be read as an image (${decoded.error}): is the file damaged, or not an image?`);
      continue;
    }
    if (!reference.alt) report('images/no-alt', `image ${src} has no alt text (![what it shows](${src})): readers who cannot see it get nothing`);
    const root = realPathOf(manuscriptDir).real;
    images.push({ ...reference, chapterFile, file, relative: path.relative(root, file).split(path.sep).join('/'), ...decoded });
  }
  return { images, diagnostics };
}

/** Each image's `<img>` (and its figure's caption label) in a target's own form; an image that did not resolve leaves its alt text. */
export function placeImages(html: string, images: readonly BookImage[], render: (image: BookImage) => string, figureLabel?: (image: BookImage) => string): string {
  const byIndex = new Map(images.map((image) => [image.index, image]));
  const withLabels = figureLabel
    ? html.replace(/<img data-image="(\d+)"><figcaption([^>]*)>/g, (whole, index: string, attributes: string) => {
        const image = byIndex.get(Number(index));
        const label = image ? figureLabel(image) : '';
        return label ? `<img data-image="${index}"><figcaption${attributes}>${label}` : whole;
      })
    : html;
  return withLabels.replace(IMAGE_PLACEHOLDER_PATTERN, (_, index: string) => {
    const image = byIndex.get(Number(index));
    return image ? render(image) : '';
  });
}

/** The attributes every target's `<img>` has: the text alternative and the title. */
export function imageTextAttributes(image: BookImage): string {
  return `alt="${escapeHtml(image.alt)}"${image.title ? ` title="${escapeHtml(image.title)}"` : ''}`;
}

/** The class attribute the author gave the image, if any. */
export function imageClassAttribute(image: BookImage): string {
  return image.classes.length ? ` class="${escapeHtml(image.classes.join(' '))}"` : '';
}

/** The book's images, each file once (several references may name the same file). */
export function imageFiles(images: readonly BookImage[]): { file: string; relative: string }[] {
  const seen = new Map<string, { file: string; relative: string }>();
  for (const image of images) if (!seen.has(image.file)) seen.set(image.file, { file: image.file, relative: image.relative });
  return [...seen.values()];
}

const FIGURE_LABELS: Record<string, string> = { nl: 'Figuur', en: 'Figure', de: 'Abbildung', fr: 'Figure', es: 'Figura', it: 'Figura', pt: 'Figura', sv: 'Figur', da: 'Figur', no: 'Figur', nb: 'Figur' };

/** The word before a figure's number: book.yaml's `figures.label`, else the book language's. */
export function figureWord(config: Pick<BookConfig, 'language' | 'figures'>): string {
  return config.figures.label ?? FIGURE_LABELS[config.language.split('-')[0] ?? ''] ?? 'Figure';
}

/** The label a numbered figure's caption opens with (`Figure 3. `); empty when figures are not numbered. */
export function figureLabelHtml(config: Pick<BookConfig, 'language' | 'figures'>, image: BookImage): string {
  if (image.figureNumber === undefined) return '';
  return `<span class="figure-label">${escapeHtml(figureWord(config))} ${image.figureNumber}.</span> `;
}
