import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BuildError } from '../scripts/lib/diagnostics.ts';
import { pdfPageTexts } from '../scripts/lib/pdf/poppler.ts';
import { splitDocument } from '../scripts/lib/print/document-layout.ts';
import type { DocumentDescription, PageLayout } from '../scripts/lib/print/runtime/contract.ts';
import { emptyStructure } from '../scripts/lib/print/structure.ts';
import { dutchParagraphs, minimalConfig } from './fixtures.ts';
import { makeManuscript, removeDir, runScript } from './helpers.ts';

/**
 * A note longer than the page's text area. Paged.js 0.4.3 stopped laying out the document at it, and the
 * build made a book that silently ended there (or failed on an internal error when a chapter followed). The
 * note now goes on over the next pages' feet (runtime/pagedjs-fixes.ts splitLongNotes, shown against Paged.js
 * as it is in pagedjs-fixes.test.ts), and a layout that loses text all the same is refused at the first lost
 * block's line (runtime/lost-text.ts, whose finding on unpatched Paged.js pagedjs-fixes.test.ts shows too).
 */

interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: string;
  message: string;
}

const [a, b, c, d] = dutchParagraphs(4) as [string, string, string, string];
/** Forty paragraphs run together: about five pages of the book's note type. */
const NOTE = dutchParagraphs(40, 1).join(' ');
const CHAPTER = ['# Lange noot', '', a, '', `${b} Een lange noot.[^lang] ${c}`, '', `${d} Slotalinea van het hoofdstuk.`, '', `[^lang]: Begin van de noot. ${NOTE} Einde van de noot.`, ''].join('\n');
const SECOND = dutchParagraphs(2, 3);
const CONFIG = minimalConfig().replace('  - 01-hoofdstuk.md\n', '  - 01-hoofdstuk.md\n  - 02-hoofdstuk.md\n');

const letters = (text: string): string => text.replace(/[^\p{L}]/gu, '');

/** Whether `part`'s letters stand in `whole` in their order (other letters between them). */
function inOrder(part: string, whole: string): boolean {
  let at = 0;
  for (const letter of part) {
    at = whole.indexOf(letter, at) + 1;
    if (at === 0) return false;
  }
  return true;
}

describe('a note longer than the page goes on over the next pages, and the text after it is printed', () => {
  let dir: string;
  let code: number | null;
  let findings: Finding[];
  let pages: string[];
  before(async () => {
    dir = await makeManuscript({ 'book.yaml': CONFIG, '01-hoofdstuk.md': CHAPTER, '02-hoofdstuk.md': ['# Tweede hoofdstuk', '', ...SECOND, 'Het einde van het boek.', ''].join('\n\n') });
    const run = await runScript('check.ts', ['--manuscript', dir, '--out', path.join(dir, 'out'), '--format', 'pdf', '--report', 'json']);
    code = run.code;
    findings = (JSON.parse(run.stdout || '{"diagnostics":[]}') as { diagnostics: Finding[] }).diagnostics;
    if (code !== 0) console.error(run.stderr);
    pages = await pdfPageTexts(path.join(dir, 'out', 'proefboek.pdf'));
  });
  after(() => removeDir(dir));

  test('the book builds and its check finds no error: no note cut off, no text lost', () => {
    assert.equal(code, 0);
    assert.deepEqual(findings.filter((x) => x.severity === 'error'), []);
  });

  test('every letter of the text and of the note is printed, each in its order, nothing twice', () => {
    // From the chapter's first page (the contents page names the chapters too).
    const first = pages.findIndex((p) => letters(p).includes(letters(a).slice(0, 40)));
    assert.ok(first >= 0);
    // The running heads (in capitals) and the folios and note numbers (no letters) left out.
    const printed = letters(pages.slice(first).join('\n')).replace(/LANGENOOT|TWEEDEHOOFDSTUK/g, '');
    const text = letters(['Lange noot', a, b, 'Een lange noot.', c, d, 'Slotalinea van het hoofdstuk.', 'Tweede hoofdstuk', ...SECOND, 'Het einde van het boek.'].join(' '));
    const note = letters(`Begin van de noot. ${NOTE} Einde van de noot.`);
    assert.equal(printed.length, text.length + note.length);
    assert.ok(inOrder(text, printed), 'the text in its order');
    assert.ok(inOrder(note, printed), 'the note in its order');
    // The note runs over several pages' feet: its last words are pages after its call.
    const callPage = pages.findIndex((p) => letters(p).includes(letters('Een lange noot.')));
    const endPage = pages.findIndex((p) => letters(p).includes(letters('Einde van de noot.')));
    assert.ok(endPage > callPage + 2, `call on p. ${callPage + 1}, the note's end on p. ${endPage + 1}`);
  });
});

describe('a layout that lost text is refused at the first lost line', () => {
  const layout = { pageCount: 8, headings: [], calls: [], notes: [], blocks: [], hyphens: 0, errors: [], timings: { paginateMs: 0, settleMs: 0, collectMs: 0 } } as unknown as PageLayout;
  const description = (lost: DocumentDescription['lost'], starts: Record<string, number> = { front: 1, ch1: 5 }): DocumentDescription => ({ starts, blanks: [], anchors: {}, links: [], structure: emptyStructure(), lost });
  const refused = (run: () => unknown): BuildError => {
    try {
      run();
    } catch (error) {
      if (error instanceof BuildError) return error;
      throw error;
    }
    assert.fail('not refused');
  };

  test('at the chapter file, line and column of the first block not laid out, whole or in part', () => {
    const error = refused(() =>
      splitDocument(layout, description([{ unit: 'ch1', file: 'manuscript/01-hoofdstuk.md', line: 5, page: 6, part: true }, { unit: 'ch1', file: 'manuscript/01-hoofdstuk.md', line: 7 }, { unit: 'ch2', file: 'manuscript/02-hoofdstuk.md', line: 1 }], { front: 1, ch1: 5 }), ['front', 'ch1', 'ch2']),
    );
    assert.equal(error.diagnostics.length, 1);
    const [x] = error.diagnostics;
    assert.deepEqual([x?.file, x?.line, x?.column, x?.rule, x?.severity], ['manuscript/01-hoofdstuk.md', 5, 1, 'print/layout-stopped', 'error']);
    assert.match(x?.message ?? '', /the end of this block is on no page, and 2 more blocks after it \(in manuscript\/01-hoofdstuk\.md, manuscript\/02-hoofdstuk\.md\)/);
  });

  test('a note whose end is on no page: at the note\'s own line', () => {
    const error = refused(() => splitDocument(layout, description([{ unit: 'ch1', file: 'manuscript/01-hoofdstuk.md', line: 9, page: 7, part: true, note: true }]), ['front', 'ch1']));
    const [x] = error.diagnostics;
    assert.deepEqual([x?.file, x?.line, x?.rule], ['manuscript/01-hoofdstuk.md', 9, 'print/layout-stopped']);
    assert.match(x?.message ?? '', /the end of this note is on no page\./);
  });

  test('a unit missing with no block to point at is the same rule, not an internal error', () => {
    const error = refused(() => splitDocument(layout, description([], { front: 1 }), ['front', 'index']));
    assert.deepEqual(error.diagnostics.map((x) => x.rule), ['print/layout-stopped']);
    assert.match(error.message, /before the section "index": it is missing from the book/);
  });
});
