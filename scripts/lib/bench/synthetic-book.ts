import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../config/load-config.ts';
import { contentsEntries } from '../book-structure.ts';

export interface SyntheticBookOptions {
  /**
   * All copies in one chapter file, as a long manual written as one chapter: each copy's chapter heading
   * becomes a section (`#` -> `##`, every level one down), its note labels and explicit ids get the copy's
   * number so that they stay unique. One chapter is one unit of layout: no parallelism to be had.
   */
  singleChapter?: boolean;
}

/**
 * A manuscript of `times` copies of the book's own chapters: the real text, notes and hyphenation load,
 * scaled. By default each copy is a chapter with its title numbered.
 */
export async function writeSyntheticBook(sourceDir: string, targetDir: string, times: number, options: SyntheticBookOptions = {}): Promise<void> {
  const { config } = await loadConfig(sourceDir);
  const files = contentsEntries(config).map((entry) => entry.file);
  const sources = await Promise.all(files.map((file) => readFile(path.join(sourceDir, file), 'utf8')));
  await mkdir(targetDir, { recursive: true });
  // Everything else the chapters refer to (bibliography, images) comes along unchanged.
  const chapterFiles = new Set(files.map((file) => path.resolve(sourceDir, file)));
  await cp(sourceDir, targetDir, {
    recursive: true,
    filter: (file) => !chapterFiles.has(path.resolve(file)) && path.basename(file) !== 'book.yaml',
  });
  const chapters: string[] = [];
  if (options.singleChapter) {
    const title = /^# (.*)$/m.exec(sources[0] ?? '')?.[1] ?? config.title;
    const copies: string[] = [`# ${title} (${times}× in one chapter)\n`];
    for (let copy = 1; copy <= times; copy++) {
      for (const source of sources) copies.push(asSection(source, copy));
    }
    chapters.push('long-chapter.md');
    await writeFile(path.join(targetDir, 'long-chapter.md'), copies.join('\n'));
  } else {
    for (let copy = 1; copy <= times; copy++) {
      for (const [i, source] of sources.entries()) {
        const name = `${String(copy).padStart(3, '0')}-${i + 1}.md`;
        chapters.push(name);
        await writeFile(path.join(targetDir, name), source.replace(/^# (.*)$/m, `# $1 (${copy})`));
      }
    }
  }
  const shape = options.singleChapter ? ` in one chapter` : '';
  // The author's book.yaml as written, not the parsed config: parsing adds what defaults and the printer's
  // profile give, which are not all keys book.yaml may set.
  const written = parse(await readFile(path.join(sourceDir, 'book.yaml'), 'utf8')) as Record<string, unknown>;
  const { contents: _contents, chapters: _chapters, ...flat } = written;
  const synthetic = { ...flat, title: `${config.title} (${times}×${shape})`, slug: `bench-${times}x${options.singleChapter ? '-one-chapter' : ''}`, chapters };
  await writeFile(path.join(targetDir, 'book.yaml'), stringify(synthetic));
}

/**
 * A chapter's Markdown as one section of a longer chapter: ATX headings one level down (fenced code left
 * alone), the copy's number on its first heading, on note labels and on explicit ids (but `#refs`, where the list of
 * sources goes).
 */
export function asSection(source: string, copy: number): string {
  let fence: string | undefined;
  let numbered = false;
  const lines = source.split('\n').map((line) => {
    const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (opening && (fence === undefined || opening.startsWith(fence))) {
      fence = fence === undefined ? opening : undefined;
      return line;
    }
    if (fence !== undefined) return line;
    const heading = /^(#{1,5}) (.*)$/.exec(line);
    if (heading) {
      const text = numbered ? (heading[2] as string) : (heading[2] as string).replace(/(\s*\{[^}]*\})?$/, (attributes = '') => ` (${copy})${attributes}`);
      numbered = true;
      line = `#${heading[1]} ${text}`;
    }
    return line.replace(/\[\^([^\]\s]+)\]/g, `[^$1-${copy}]`).replace(/\{#(?!refs\b)([\w:.-]+)/g, `{#$1-${copy}`);
  });
  return lines.join('\n');
}
