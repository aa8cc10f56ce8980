import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../config/load-config.ts';
import { UsageError } from '../cli-args.ts';
import { writeSyntheticBook } from './synthetic-book.ts';

/**
 * A book the bench builds: N copies of the manuscript's chapters as N× chapters (`20`), the same in one
 * chapter (`long`: a long manual written as one chapter), or an outside Markdown document as one chapter.
 */
export type Scale = { kind: 'copies'; times: number } | { kind: 'long'; times: number } | { kind: 'document'; file: string; language?: string };

/** Copies of the book in the one-chapter book: ~14 pages a copy, so ~200 pages (the manual had 204). */
export const LONG_COPIES = 14;

/** `--scales 1,5,20,long,100` as scales; `long` is `longCopies` copies in one chapter. */
export function parseScales(list: string, longCopies = LONG_COPIES): Scale[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((token): Scale => {
      if (token === 'long') return { kind: 'long', times: longCopies };
      const times = Number(token.replace(/×|x$/, ''));
      if (!Number.isInteger(times) || times < 1) throw new UsageError(`--scales: "${token}" is not a number of copies (1, 5, 20, 100) nor "long"`);
      return { kind: 'copies', times };
    });
}

export function scaleName(scale: Scale): string {
  if (scale.kind === 'copies') return `${scale.times}×`;
  if (scale.kind === 'long') return `${scale.times}× in one chapter`;
  return path.basename(scale.file);
}

/** A short name for files. */
export function scaleSlug(scale: Scale): string {
  if (scale.kind === 'copies') return `${scale.times}x`;
  if (scale.kind === 'long') return `${scale.times}x-one-chapter`;
  return `document-${path.basename(scale.file, path.extname(scale.file)).replace(/[^\w-]+/g, '-')}`;
}

/** Writes the scale's manuscript into `target`, from the book in `source`. */
export async function writeScaleManuscript(scale: Scale, source: string, target: string): Promise<void> {
  if (scale.kind === 'copies') return writeSyntheticBook(source, target, scale.times);
  if (scale.kind === 'long') return writeSyntheticBook(source, target, scale.times, { singleChapter: true });
  return writeDocumentManuscript(scale.file, scale.language, source, target);
}

/**
 * An outside Markdown document as a manuscript of one chapter, set with the book's print settings (page, type,
 * fonts; hyphenation in the document's language when `--document-language` gives it, the book's otherwise),
 * without the book's bibliography. Files beside the document (images) come along.
 */
async function writeDocumentManuscript(file: string, language: string | undefined, source: string, target: string): Promise<void> {
  // Validated as a build reads it, but written from the book's own book.yaml: the loaded configuration also
  // holds what is derived from it (a printer profile's spine values), which book.yaml may not name.
  await loadConfig(source);
  const config = parse(await readFile(path.join(source, 'book.yaml'), 'utf8')) as Record<string, unknown>;
  const { metadata, body } = splitMetadataBlock(await readFile(file, 'utf8'));
  await mkdir(target, { recursive: true });
  await cp(path.dirname(path.resolve(file)), target, { recursive: true, filter: (f) => !/\.md$/i.test(f) });
  await writeFile(path.join(target, 'document.md'), body);
  const title = text(metadata.title) ?? /^# (.+)$/m.exec(body)?.[1]?.replace(/\s*\{[^}]*\}$/, '') ?? path.basename(file);
  const { citations: _citations, colophon: _colophon, rights: _rights, edition: _edition, subtitle: _subtitle, ...rest } = config;
  const document = {
    ...rest,
    title,
    author: text(metadata.author) ?? 'Unknown',
    description: `${path.basename(file)}, set as a book by the bench`,
    keywords: ['bench'],
    ...(language ? { language } : {}),
    slug: 'bench-document',
    chapters: ['document.md'],
  };
  await writeFile(path.join(target, 'book.yaml'), stringify(document));
}

/** A Pandoc title block (`---` YAML `---` at the top) apart from the Markdown after it. */
function splitMetadataBlock(markdown: string): { metadata: Record<string, unknown>; body: string } {
  const block = /^---\n([\s\S]*?)\n(?:---|\.\.\.)\n/.exec(markdown);
  if (!block) return { metadata: {}, body: markdown };
  const metadata = parse(block[1] as string) as unknown;
  return { metadata: metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>) : {}, body: markdown.slice(block[0].length) };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value.join(', ') : undefined);
