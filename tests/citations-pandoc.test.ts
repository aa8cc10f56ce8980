import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readBook, type Book } from '../scripts/lib/book.ts';
import { CSL_DIR } from '../scripts/lib/citations/csl.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { makeManuscript, removeDir } from './helpers.ts';

/**
 * The pipeline against Pandoc (Debian's pandoc 2.17, `--citeproc`) on the same Markdown, bibliography and
 * CSL file: every form of Pandoc's citation syntax, in note styles (Chicago notes, MHRA) and in-text styles
 * (Chicago author-date, APA, MLA), compared block
 * by block (paragraphs, the list of sources, the notes) as plain text. What still differs for a reason is
 * named below and in the README ("Citations": differences from Pandoc), and undone on our side before
 * comparing, so that anything else that differs fails.
 */
const FIXTURES = path.join(projectRoot, 'tests', 'citations');
const SYNTAX = readFileSync(path.join(FIXTURES, 'pandoc-syntax.md'), 'utf8');

interface Difference {
  reason: string;
  /** Turns our text into Pandoc's for this difference only. */
  undo(text: string): string;
}

const CHAPTER: Difference = {
  reason: 'a chapter locator keeps the label the style gives it (chap. 3, Chapter 3): Pandoc 2.17 prints none',
  undo: (t) => t.replace(/(?:chap\.|Chapter) (\d)/g, '$1'),
};
const BRACED_LIST: Difference = {
  reason: 'a braced locator with a comma ({II, A.3}) is one place to citeproc-js (p.), several to Pandoc (pp.)',
  undo: (t) => t.replace('p. II, A.3', 'pp. II, A.3'),
};

const DIFFERENCES: Record<string, Difference[]> = {
  'chicago-notes-bibliography': [CHAPTER],
  'chicago-author-date': [
    CHAPTER,
    { reason: 'two cites of one author share the name and are joined by a comma (collapse="year"): Pandoc 2.17 joins them by a semicolon', undo: (t) => t.replace(/\((\d{4}), (\d{4}),/g, '($1; $2,') },
  ],
  'modern-language-association': [],
  'mhra-notes': [CHAPTER, BRACED_LIST],
  apa: [
    CHAPTER,
    BRACED_LIST,
    {
      reason: 'a narrative citation\'s further sources are sorted as the style sorts a citation (APA by author): Pandoc keeps the narrative source first',
      undo: (t) => t.replace('Smith (see also Roe, 2010; 2004, 2004, p. 110)', 'Smith (2004; 2004, p. 110; see also Roe, 2010)'),
    },
  ],
};

function pandoc(args: string[], input: string): string {
  return execFileSync('pandoc', args, { input, encoding: 'utf8' });
}

/** Plain-text blocks of Pandoc's output: body paragraphs, the list, then the notes (`[n] text`). */
function pandocBlocks(text: string): string[] {
  return text.split(/\n\s*\n/).map((block) => block.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

function plain(html: string): string {
  return html
    .replace(/<span data-note-ref="(\d+)"><\/span>/g, '[$1]')
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\u00ad/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The same blocks from the book model: the chapter's paragraphs, the list of sources, the notes. */
function pipelineBlocks(book: Book): string[] {
  const chapter = book.chapters[0]!;
  const [body = '', list = ''] = chapter.html.split('<div class="csl-bib-body">');
  return [
    ...body.split(/<\/(?:p|h\d|pre)>/).map(plain).filter(Boolean),
    ...list.split('</div>').map(plain).filter(Boolean),
    ...chapter.notes.map((note) => `[${note.number}] ${plain(note.html)}`),
  ];
}

for (const style of ['chicago-notes-bibliography', 'chicago-author-date', 'modern-language-association', 'mhra-notes', 'apa']) {
  describe(`citations as Pandoc renders them: ${style}`, () => {
    let dir: string;
    let book: Book;
    let expected: string[];
    const markdown = `${SYNTAX}\n# References {#refs}\n`;

    before(async () => {
      dir = await makeManuscript({
        'book.yaml': 'title: T\nauthor: A\nlanguage: en-US\nchapters: [01.md]\ncitations:\n  bibliography: refs.json\n  style: style.csl\n  nocite: "@unused"\n',
        'refs.json': readFileSync(path.join(FIXTURES, 'pandoc-refs.json'), 'utf8'),
        'style.csl': readFileSync(path.join(CSL_DIR, 'styles', `${style}.csl`), 'utf8'),
        '01.md': markdown,
      });
      book = await readBook({ manuscriptDir: dir });
      const output = pandoc(
        ['--citeproc', '--bibliography', path.join(dir, 'refs.json'), '--csl', path.join(dir, 'style.csl'), '-M', 'lang=en-US', '-t', 'plain', '--wrap=none'],
        `---\nnocite: "@unused"\n---\n${markdown}`,
      );
      expected = pandocBlocks(output);
    });
    after(() => removeDir(dir));

    test('reading finds nothing to report', () => {
      assert.deepEqual(book.diagnostics, []);
    });

    test('paragraphs, the list of sources and the notes are Pandoc\'s, block by block', () => {
      const ours = pipelineBlocks(book).map((block) => DIFFERENCES[style]!.reduce((text, d) => d.undo(text), block));
      // The indented code block: Pandoc keeps its indent in plain text.
      const theirs = expected.map((block) => block.replace(/^ {4}/, ''));
      assert.deepEqual(ours, theirs);
    });

    test('each listed difference still exists (none is stale)', () => {
      const joined = pipelineBlocks(book).join('\n');
      for (const difference of DIFFERENCES[style]!) assert.notEqual(difference.undo(joined), joined, difference.reason);
    });
  });
}
