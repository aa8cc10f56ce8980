import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from './config/load-config.ts';
import type { BookConfig } from './config/schema.ts';
import { BuildError, hasErrors, type Diagnostic } from './diagnostics.ts';
import type { Token } from 'markdown-it';
import { createMarkdown } from './markdown/create-markdown.ts';
import type { NoteDefinition, NotesEnv } from './markdown/notes.ts';

export interface Heading {
  level: number;
  text: string;
  id: string;
  line: number;
}

export interface Chapter {
  index: number;
  /** Path as printed in messages (relative to the working directory). */
  file: string;
  /** Anchor id of the chapter; also the prefix of its heading ids. */
  id: string;
  title: string;
  headings: Heading[];
  /** Body HTML with `<span data-note-ref>` placeholders where notes are called. */
  html: string;
  notes: NoteDefinition[];
}

/** The one model every target reads. */
export interface Book {
  config: BookConfig;
  manuscriptDir: string;
  chapters: Chapter[];
  /** Warnings and infos found while reading (errors stop `loadBook`). */
  diagnostics: Diagnostic[];
}

export interface LoadBookOptions {
  manuscriptDir: string;
}

export async function loadBook({ manuscriptDir }: LoadBookOptions): Promise<Book> {
  const dir = path.resolve(manuscriptDir);
  const display = (file: string): string => path.relative(process.cwd(), file) || file;
  const { config, file: configFile, locate } = await loadConfig(dir, display(dir));
  const diagnostics: Diagnostic[] = [];
  const chapters: Chapter[] = [];
  for (const [index, relative] of config.chapters.entries()) {
    const absolute = path.resolve(dir, relative);
    let source: string;
    try {
      source = await readFile(absolute, 'utf8');
    } catch {
      const { line, column } = locate(['chapters', index]);
      diagnostics.push({
        file: configFile,
        line,
        column,
        severity: 'error',
        rule: 'manuscript/missing-chapter',
        message: `chapter file "${relative}" not found (looked for ${display(absolute)})`,
      });
      continue;
    }
    chapters.push(renderChapter({ index, file: display(absolute), source, config, diagnostics }));
  }
  if (hasErrors(diagnostics)) throw new BuildError(diagnostics);
  return { config, manuscriptDir: dir, chapters, diagnostics };
}

export interface ChapterSource {
  index: number;
  file: string;
  source: string;
  config: BookConfig;
  /** Receives what the Markdown stage finds (undefined note references, ...). */
  diagnostics: Diagnostic[];
}

export function renderChapter({ index, file, source, config, diagnostics }: ChapterSource): Chapter {
  const id = `ch${index + 1}`;
  const { hyphenation } = config.print;
  const md = createMarkdown({
    file,
    source,
    diagnostics,
    idPrefix: `${id}-`,
    hyphenation: hyphenation.enabled ? hyphenation : false,
  });
  const env: NotesEnv = {};
  const tokens = md.parse(source, env);
  const headings: Heading[] = [];
  tokens.forEach((token: Token, i: number) => {
    if (token.type !== 'heading_open') return;
    headings.push({
      level: Number(token.tag.slice(1)),
      text: tokens[i + 1]?.content ?? '',
      id: String(token.attrGet('id') ?? ''),
      line: (token.map?.[0] ?? 0) + 1,
    });
  });
  const html = md.renderer.render(tokens, md.options, env);
  const title = headings.find((h) => h.level === 1)?.text ?? headings[0]?.text ?? config.title;
  return { index, file, id, title, headings, html, notes: env.notes ?? [] };
}
