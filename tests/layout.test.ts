import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { $ } from 'zx';
import { dutchParagraphs, minimalConfig } from './fixtures.ts';
import { makeManuscript, removeDir, runScript } from './helpers.ts';
import { bookRelease } from './shared-build.ts';
import { readPdfLines, type PdfPageLines } from '../scripts/lib/layout/pdf-lines.ts';
import { pdfPageTexts } from '../scripts/lib/pdf/poppler.ts';
import { projectRoot } from '../scripts/lib/paths.ts';

/**
 * The layout and typesetting checks read the print PDF alone: `--format pdf` builds and checks only that, not
 * the press PDF (the preflight runs on the book's release in press.test.ts, on each printer's PDF in
 * printers.test.ts), the EPUB and the web edition (EPUBCheck, Ace, the Nu checker and axe run on the book in
 * release.test.ts and on the kitchen sink in kitchen-sink.test.ts).
 */
const PDF_CHECKS = ['--format', 'pdf'];

interface Finding {
  file: string;
  line: number;
  rule: string;
  severity: string;
  page?: number;
  message: string;
}

/** One manuscript with a known fault per rule, each on a known line. */
function chapter(): { text: string; lines: Record<string, number> } {
  const [a, b, c] = dutchParagraphs(3);
  const rows = [
    '# Proef van de opmaak', // 1
    '',
    a, // 3
    '',
    // Code breaks where it must, so the unbreakable word is text: no hyphenation pattern splits it.
    `Een regel met een onbreekbaar woord ${'x'.repeat(90)} midden in de tekst. ${b}`, // 5
    '',
    'Een afbeelding van honderd bij honderd beeldpunten, op verzoek over de volle breedte:', // 7
    '',
    '![Grijs vlak](grijs.png){width=100%}', // 9
    '',
    // A snowman: not in EB Garamond, drawn by the system's DejaVu (which has no CJK to test with).
    `Een teken dat de letter niet heeft: ☃. ${c}`, // 11
    '',
    // Eighty columns: too wide for the measure in small type, and for the page's height turned.
    `| ${Array.from({ length: 80 }, (_, i) => String(i % 10)).join(' | ')} |`, // 13
    `|${'---|'.repeat(80)}`,
    `| ${Array.from({ length: 80 }, () => 'x').join(' | ')} |`,
    '',
  ];
  return { text: rows.join('\n'), lines: { overflow: 5, image: 9, fallback: 11, table: 13 } };
}

describe('layout checks on a manuscript with one fault per rule', () => {
  let dir: string;
  let out: string;
  let findings: Finding[];
  let code: number | null;
  const { text, lines } = chapter();

  before(async () => {
    // The uncovered ☃ is let through (a warning) so that the layout check sees it drawn by a fallback font.
    dir = await makeManuscript({ 'book.yaml': minimalConfig('print:\n  padToSignature: false\nrules:\n  fonts/uncovered-character: warning\n'), '01-hoofdstuk.md': text });
    await $({ quiet: true })`convert -size 100x100 xc:gray70 ${path.join(dir, 'grijs.png')}`;
    out = path.join(dir, 'out');
    const run = await runScript('check.ts', [...PDF_CHECKS, '--manuscript', dir, '--out', out, '--report', 'json']);
    code = run.code;
    findings = (JSON.parse(run.stdout || '{"diagnostics":[]}') as { diagnostics: Finding[] }).diagnostics;
    if (findings.length === 0) console.error(run.stderr);
  });
  after(() => removeDir(dir));

  const find = (rule: string): Finding | undefined => findings.find((f) => f.rule === rule);

  test('check fails on the errors', () => assert.equal(code, 1));

  test('a line wider than the measure: overflow on its page and source line', () => {
    const f = find('layout/overflow');
    assert.ok(f, JSON.stringify(findings));
    assert.match(f.file, /01-hoofdstuk\.md$/);
    assert.equal(f.line, lines.overflow);
    assert.equal(f.page, 5);
  });

  test('a table too wide for the measure even in small type and turned: overflow on its line', () => {
    const f = findings.find((x) => x.rule === 'layout/overflow' && x.line === lines.table);
    assert.ok(f, JSON.stringify(findings));
    assert.match(f.message, /table reaches outside the page area/);
  });

  test('an image below 300 ppi at its printed size', () => {
    const f = find('images/resolution');
    assert.ok(f, JSON.stringify(findings));
    assert.equal(f.line, lines.image);
    // Set at the full measure, as asked, it no longer fits under the long line on page 5.
    assert.equal(f.page, 6);
    assert.match(f.message, /grijs\.png prints at \d+ ppi/);
  });

  test('a character drawn by a fallback font', () => {
    const f = find('fonts/fallback');
    assert.ok(f, JSON.stringify(findings));
    assert.match(f.file, /book\.yaml$/);
  });

  test('a page count that is not a multiple of the signature', () => {
    const f = find('print/signature');
    assert.ok(f, JSON.stringify(findings));
    assert.match(f.message, /not a multiple of the signature \(4\)/);
  });

  test('check --format pdf makes no press PDF and runs no preflight', () => {
    assert.ok(existsSync(path.join(out, 'proefboek.pdf')));
    assert.ok(!existsSync(path.join(out, 'proefboek-press.pdf')));
    assert.deepEqual(findings.filter((f) => f.rule.startsWith('press/')), []);
    // The layout check's finding alone: the preflight would report the signature of the press PDF too.
    assert.equal(findings.filter((f) => f.rule === 'print/signature').length, 1);
  });

  test('the proof report shows the pages and the findings', async () => {
    const report = path.join(out, 'proefboek-proof.html');
    assert.ok(existsSync(report));
    const html = await readFile(report, 'utf8');
    assert.match(html, /<img src="data:image\/png;base64,/);
    assert.match(html, /layout\/overflow/);
    assert.match(html, /class="mark error"/);
  });
});

describe('the book itself', () => {
  let findings: Finding[];
  before(async () => {
    // The book's shared release ran every check, the layout's among them, on its print PDF.
    findings = (await (await bookRelease()).report()).diagnostics as Finding[];
  });

  test('has no layout errors', () => {
    const errors = findings.filter((f) => f.severity === 'error');
    assert.deepEqual(errors, []);
  });
});

/** Sixty paragraphs of one to six sentences under a few headings: page breaks fall everywhere. */
function varied(): string {
  const rows = ['# Weduwen en wezen', ''];
  dutchParagraphs(60).forEach((p, i) => {
    if (i % 6 === 5) rows.push(`## Deel ${i}`, '');
    const sentences = p.split('. ');
    rows.push(sentences.slice(0, 1 + ((i * 7) % sentences.length)).join('. '), '');
  });
  return rows.join('\n');
}

/** A page's text lines without the running head and folio. */
const bodyLines = (page = ''): string[] => page.split('\n').filter((l) => l.trim() && !/^\d+$/.test(l.trim())).slice(1);

const flat = (text: string): string => text.replace(/\s+/g, ' ').replace(/\u00ad/g, '').trim();

/** A chapter of `count` short paragraphs, each with a note that fills its line. */
function manyNotes(count: number): string {
  const paragraphs = dutchParagraphs(count);
  return [
    '# Veel noten',
    '',
    ...paragraphs.flatMap((p, i) => [`${p.split('. ')[0]}.[^n${i + 1}]`, '']),
    ...paragraphs.map((_, i) => `[^n${i + 1}]: Bron ${i + 1}, met een verwijzing die de regel vult tot het einde.`),
    '',
  ].join('\n');
}

const NOTES = 120;

/**
 * Three fixtures that need no setting of their own, as the chapters of one book, so that one check serves them
 * all: the notes past a hundred (first, so that they are numbered from 1), the pages a proofreader marks, and a
 * chapter laid out with widows and orphans kept away (the default). A chapter opens on a page of its own, so each
 * is paginated as it would be alone; each describe below reads its own chapter's findings and pages.
 */
const CHAPTERS = { notes: '01-noten.md', images: '02-lege-plekken.md', kept: '03-weduwen.md' } as const;

interface CheckedBook {
  dir: string;
  findings: Finding[];
  pages: string[];
}

let defaultBook: Promise<CheckedBook> | undefined;

function checkDefaultBook(): Promise<CheckedBook> {
  defaultBook ??= (async () => {
    const chapters = Object.values(CHAPTERS).map((file) => `  - ${file}\n`).join('');
    const dir = await makeManuscript({
      'book.yaml': minimalConfig().replace('  - 01-hoofdstuk.md\n', chapters),
      [CHAPTERS.notes]: manyNotes(NOTES),
      [CHAPTERS.images]: images().text,
      [CHAPTERS.kept]: varied(),
    });
    // A plate of 80 % of the page area's height (at 300 ppi) moves to the next page with its heading and
    // leaves the page before it short; the second image has pixels for a page three times as tall: it is
    // scaled to the page's height, and Paged.js sets its heading alone.
    await $({ quiet: true })`convert -size 940x1560 xc:gray70 ${path.join(dir, 'plaat.png')}`;
    await $({ quiet: true })`convert -size 1200x3600 xc:gray70 ${path.join(dir, 'hoog.png')}`;
    const run = await runScript('check.ts', [...PDF_CHECKS, '--manuscript', dir, '--out', path.join(dir, 'out'), '--report', 'json', '--jobs', '1']);
    const findings = (JSON.parse(run.stdout || '{"diagnostics":[]}') as { diagnostics: Finding[] }).diagnostics;
    if (findings.length === 0) console.error(run.stderr);
    return { dir, findings, pages: await pdfPageTexts(path.join(dir, 'out', 'proefboek.pdf')) };
  })();
  return defaultBook;
}
after(async () => {
  if (defaultBook) await removeDir((await defaultBook).dir);
});

/** The findings on one chapter of the book of default settings, with those on none of its chapters (book.yaml's). */
const inChapter = (findings: Finding[], file: string): Finding[] =>
  findings.filter((f) => path.basename(f.file) === file || !(Object.values(CHAPTERS) as string[]).includes(path.basename(f.file)));

describe('widows and orphans', () => {
  const source = varied();
  const sourceLines = source.split('\n');
  let dir: string;
  let allowed: Finding[];
  let kept: Finding[];
  let pages: string[];

  before(async () => {
    dir = await makeManuscript({ 'book.yaml': minimalConfig('print:\n  widows: 1\n  orphans: 1\n'), '01-hoofdstuk.md': source });
    const run = await runScript('check.ts', [...PDF_CHECKS, '--manuscript', dir, '--out', path.join(dir, 'out'), '--report', 'json']);
    allowed = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics;
    pages = await pdfPageTexts(path.join(dir, 'out', 'proefboek.pdf'));
    // The same chapter with the default settings: in the book of default settings.
    kept = inChapter((await checkDefaultBook()).findings, CHAPTERS.kept);
  });
  after(() => removeDir(dir));

  test('with widows and orphans allowed, each is reported on its page and paragraph', () => {
    const widows = allowed.filter((f) => f.rule === 'layout/widow');
    const orphans = allowed.filter((f) => f.rule === 'layout/orphan');
    assert.ok(widows.length > 0 && orphans.length > 0, JSON.stringify(allowed));
    for (const f of widows) {
      // The page's first line after the running head ends the paragraph on the reported source line.
      const first = bodyLines(pages[(f.page ?? 0) - 1])[0] ?? '';
      assert.ok(flat(sourceLines[f.line - 1] ?? '').endsWith(flat(first)), `p. ${f.page}: “${first}” does not end line ${f.line}`);
    }
    for (const f of orphans) {
      const lines = bodyLines(pages[(f.page ?? 0) - 1]);
      const last = flat(lines[lines.length - 1] ?? '').replace(/-$/, '');
      assert.ok(flat(sourceLines[f.line - 1] ?? '').startsWith(last), `p. ${f.page}: “${last}” does not begin line ${f.line}`);
    }
  });

  test('by default the pagination keeps two lines together at the foot and the head of a page', () => {
    assert.deepEqual(kept.filter((f) => /widow|orphan|stranded/.test(f.rule)), []);
    assert.deepEqual(kept.filter((f) => f.severity === 'error'), []);
  });
});

/** A chapter whose images leave pages short, and whose last image is taller than a page. */
function images(): { text: string; lines: { strandedHeading: number; tallImage: number; afterImage: number[] } } {
  const rows = ['# Lege plekken', '', dutchParagraphs(1)[0] as string, ''];
  const afterImage: number[] = [];
  for (let k = 0; k < 3; k++) {
    rows.push(`## Plaat ${k + 1}`, '', '![Grijs vlak](plaat.png)', '');
    afterImage.push(rows.length + 1);
    rows.push(dutchParagraphs(1, k)[0] as string, '');
  }
  const strandedHeading = rows.length + 1;
  rows.push('## Te groot', '', '![Grijs vlak](hoog.png)', '', 'Een alinea na de afbeelding.', '');
  return { text: rows.join('\n'), lines: { strandedHeading, tallImage: strandedHeading + 2, afterImage } };
}

describe('pages a proofreader marks: short pages, a stranded heading, no false blank page', () => {
  const { text, lines } = images();
  const sourceLines = text.split('\n');
  let findings: Finding[];
  let pages: string[];

  before(async () => {
    // Its chapter of the book of default settings (the images made there).
    const book = await checkDefaultBook();
    findings = inChapter(book.findings, CHAPTERS.images);
    pages = book.pages;
  });

  test('a page left short by a plate that did not fit is reported on its page and paragraph', () => {
    const short = findings.filter((f) => f.rule === 'layout/short-page');
    assert.ok(short.length > 0, JSON.stringify(findings));
    for (const f of short) {
      assert.equal(f.severity, 'warning');
      assert.ok(lines.afterImage.includes(f.line), `line ${f.line} is not a paragraph after a plate`);
      // The short page holds the end of that paragraph and nothing after it.
      const body = bodyLines(pages[(f.page ?? 0) - 1]);
      assert.ok(body.length > 0 && body.length <= 5, `p. ${f.page} has ${body.length} lines`);
      const last = flat(body[body.length - 1] ?? '');
      assert.ok(flat(sourceLines[f.line - 1] ?? '').endsWith(last), `p. ${f.page}: “${last}” does not end line ${f.line}`);
      // The next page opens with the heading that went over with its image.
      const next = flat(bodyLines(pages[f.page ?? 0])[0] ?? '');
      assert.ok(sourceLines.includes(`## ${next}`), `p. ${(f.page ?? 0) + 1} opens with “${next}”, not a heading`);
    }
  });

  test('a heading whose image fills a page stands alone: stranded, on its page and line', () => {
    const stranded = findings.filter((f) => f.rule === 'layout/stranded-heading');
    assert.equal(stranded.length, 1, JSON.stringify(findings));
    const f = stranded[0] as Finding;
    assert.equal(f.line, lines.strandedHeading);
    assert.equal(f.severity, 'error');
    // The page holds the heading and nothing else.
    assert.deepEqual(bodyLines(pages[(f.page ?? 0) - 1]).map(flat), ['Te groot']);
  });

  test('the page that carries the tall image is not reported blank, and the image on it stays inside the page area', () => {
    // The page after the stranded heading's carries the tall image, its caption first in the text layer (the
    // image scaled to leave the caption room; the short paragraph after it may follow on the same page).
    const headingPage = pages.findIndex((p) => bodyLines(p).map(flat).join('|') === 'Te groot');
    assert.ok(headingPage >= 0, `no page with the heading alone: ${JSON.stringify(pages.map(bodyLines))}`);
    const imageOnly = headingPage + 1;
    assert.equal(flat(bodyLines(pages[imageOnly])[0] ?? ''), 'Grijs vlak', JSON.stringify(bodyLines(pages[imageOnly])));
    assert.match(pages[imageOnly] ?? '', /\d/, 'the image page has its folio');
    assert.deepEqual(findings.filter((f) => f.rule === 'layout/blank-page'), []);
    // Scaled to the page's height, the figure is set whole on its own page. (Paged.js tries it under its
    // heading first and reports that try, on the heading's page.)
    assert.deepEqual(findings.filter((f) => f.page === imageOnly + 1 && /^layout\//.test(f.rule)), []);
  });
});

describe('typesetting findings on a narrow measure', () => {
  const source = ['# Smalle kolom', '', ...dutchParagraphs(12).flatMap((p) => [p, ''])].join('\n');
  const sourceLines = source.split('\n');
  let dir: string;
  let findings: Finding[];
  let pages: string[];
  let greedy: Finding[];
  let greedyLines: PdfPageLines[];

  before(async () => {
    const narrow = 'print:\n  trim: { width: 70mm, height: 120mm }\n  margins: { top: 12mm, bottom: 14mm, inner: 10mm, outer: 10mm }\n';
    dir = await makeManuscript({
      'book.yaml': minimalConfig(narrow),
      '01-hoofdstuk.md': source,
      'greedy/book.yaml': minimalConfig(`${narrow}  lineBreaking: greedy\n`),
      'greedy/01-hoofdstuk.md': source,
    });
    const run = await runScript('check.ts', [...PDF_CHECKS, '--manuscript', dir, '--out', path.join(dir, 'out'), '--report', 'json']);
    findings = (JSON.parse(run.stdout || '{"diagnostics":[]}') as { diagnostics: Finding[] }).diagnostics;
    if (findings.length === 0) console.error(run.stderr);
    pages = await pdfPageTexts(path.join(dir, 'out', 'proefboek.pdf'));
    const greedyRun = await runScript('check.ts', [...PDF_CHECKS, '--manuscript', path.join(dir, 'greedy'), '--out', path.join(dir, 'greedy-out'), '--report', 'json']);
    greedy = (JSON.parse(greedyRun.stdout || '{"diagnostics":[]}') as { diagnostics: Finding[] }).diagnostics;
    greedyLines = await readPdfLines(path.join(dir, 'greedy-out', 'proefboek.pdf'));
  });
  after(() => removeDir(dir));

  /** A paragraph's text as set: hyphens at line ends joined, spaces single. */
  const setText = (page = ''): string => flat(page.replace(/-\n/g, '').replace(/\n/g, ' '));

  test('loose lines: each on its page and in its paragraph', () => {
    const loose = findings.filter((f) => f.rule === 'typography/loose-line');
    assert.ok(loose.length > 0, JSON.stringify(findings));
    for (const f of loose) {
      assert.equal(f.severity, 'warning');
      const ratio = Number(/stretched to ([\d.]+)×/.exec(f.message)?.[1]);
      assert.ok(ratio > 2, f.message);
      const quoted = /“(.*)…”/.exec(f.message)?.[1]?.replace(/-$/, '') ?? '';
      assert.ok(quoted.length > 10, f.message);
      assert.ok(setText(pages[(f.page ?? 0) - 1]).includes(flat(quoted)), `p. ${f.page} does not hold “${quoted}”`);
      const words = flat(quoted).split(' ').slice(1, -1).join(' ');
      assert.ok(flat(sourceLines[f.line - 1] ?? '').includes(words), `line ${f.line} does not hold “${words}”`);
    }
  });

  test('a word hyphenated across a page turn: on the page it starts, in its paragraph', () => {
    const turns = findings.filter((f) => f.rule === 'hyphenation/page-turn');
    assert.ok(turns.length > 0, JSON.stringify(findings));
    for (const f of turns) {
      const start = /“(.+)-”/.exec(f.message)?.[1] ?? '';
      const page = bodyLines(pages[(f.page ?? 0) - 1]);
      assert.ok(flat(page[page.length - 1] ?? '').endsWith(`${start}-`), `p. ${f.page} does not end in “${start}-”`);
      const rest = flat(bodyLines(pages[f.page ?? 0])[0] ?? '').split(' ')[0] ?? '';
      const paragraph = flat(sourceLines[f.line - 1] ?? '');
      // A soft hyphen joins the word; a compound's own hyphen stays.
      assert.ok(paragraph.includes(`${start}${rest}`) || paragraph.includes(`${start}-${rest}`), `line ${f.line} does not hold “${start}${rest}”`);
    }
  });

  test('total-fit line breaking never sets more than three hyphenated line ends in a row', () => {
    assert.deepEqual(findings.filter((f) => f.rule === 'hyphenation/ladder'), []);
  });

  test('greedy line breaking (print.lineBreaking: greedy) sets hyphen ladders: each on its page and paragraph', () => {
    const ladders = greedy.filter((f) => f.rule === 'hyphenation/ladder');
    assert.ok(ladders.length > 0, JSON.stringify(greedy));
    for (const f of ladders) {
      assert.equal(f.severity, 'error');
      const count = Number(/^(\d+) hyphenated line ends in a row/.exec(f.message)?.[1]);
      assert.ok(count > 3, f.message);
      const from = /from “(.*)”/.exec(f.message)?.[1] ?? '';
      // The ladder's lines, from the one the message quotes, all end in a hyphen (the run may go on overleaf).
      // (Read with word boxes: pdftotext's plain text joins widely spaced lines.)
      const lines = greedyLines
        .filter((p) => p.page >= (f.page ?? 0))
        .flatMap((p) => [...p.lines].sort((a, b) => a.yMin - b.yMin).map((l) => ({ page: p.page, text: l.words.map((w) => w.text).join(' ') })));
      // (The text repeats, so the quoted line may end more than one line of the page: one of them starts it.)
      const body = lines.filter((l) => !/^\d+$|^SMALLE KOLOM$/.test(l.text));
      const starts = body.flatMap((l, i) => (l.page === f.page && flat(l.text).endsWith(flat(from)) ? [i] : []));
      assert.ok(starts.length > 0, `p. ${f.page} has no line ending “${from}”`);
      const ladder = starts.some((i) => body.slice(i, i + count).length === count && body.slice(i, i + count).every((l) => /\p{L}-$/u.test(l.text)));
      assert.ok(ladder, `p. ${f.page}: no ${count} hyphenated line ends in a row from “${from}”`);
      const words = flat(from).split(' ').slice(1, -1).join(' ');
      assert.ok(flat(sourceLines[f.line - 1] ?? '').includes(words), `line ${f.line} does not hold “${words}”`);
    }
  });
});

describe('a note with a plate too tall for a page', () => {
  const [a, b, c, d, e, f, g, h] = dutchParagraphs(8) as string[];
  const rows = ['# Noten met platen', '', a, '', `${b} Een plaat in een noot.[^a] ${c}`, '', d, '', `${e} Een plaat die geen pagina past.[^b] ${f}`, '', g, '', h, ''];
  rows.push('[^a]: Zie de plaat: ![Plaat](klein.png)', '');
  rows.push('[^b]: Zie de plaat: ![Plaat](lang.png)', '');
  let dir: string;
  let code: number | null;
  let findings: Finding[];
  let pages: string[];
  let images: { page: number; width: number; height: number }[];

  before(async () => {
    dir = await makeManuscript({ 'book.yaml': minimalConfig(), '01-hoofdstuk.md': rows.join('\n') });
    await $({ quiet: true })`convert -size 200x150 xc:gray60 ${path.join(dir, 'klein.png')}`;
    // Pixels for an image three pages tall. It once ran off the foot of its page (the note area grew past it)
    // and Paged.js stopped there: the rest of the chapter was missing.
    await $({ quiet: true })`convert -size 600x2400 xc:gray60 ${path.join(dir, 'lang.png')}`;
    const run = await runScript('check.ts', [...PDF_CHECKS, '--manuscript', dir, '--out', path.join(dir, 'out'), '--report', 'json']);
    code = run.code;
    findings = (JSON.parse(run.stdout || '{"diagnostics":[]}') as { diagnostics: Finding[] }).diagnostics;
    if (code !== 0) console.error(run.stderr);
    const pdf = path.join(dir, 'out', 'proefboek.pdf');
    pages = await pdfPageTexts(pdf);
    const { stdout } = await $({ quiet: true })`pdfimages -list ${pdf}`;
    images = stdout
      .split('\n')
      .slice(2)
      .filter((line) => line.trim())
      .map((line) => line.trim().split(/\s+/))
      .map(([page, , , width, height]) => ({ page: Number(page), width: Number(width), height: Number(height) }));
  });
  after(() => removeDir(dir));

  test('is scaled to fit the foot of its page: the book has every word, both plates, and no clipped note', () => {
    assert.equal(code, 0);
    assert.deepEqual(findings.filter((x) => x.severity === 'error'), []);
    assert.deepEqual(findings.filter((x) => x.rule === 'notes/clipped'), []);
    // The chapter's letters in their order, the last paragraph's too: the running heads (in capitals) and the
    // notes (at the pages' feet, between the lines of the text) left out.
    const letters = (text: string): string => text.replace(/[^\p{L}]/gu, '');
    const first = pages.findIndex((p) => p.includes('Noten met platen'));
    const printed = letters(pages.slice(first).join('\n')).replace(/NOTENMETPLATEN|Ziedeplaat/g, '');
    const written = letters(['Noten met platen', a, b, 'Een plaat in een noot.', c, d, e, 'Een plaat die geen pagina past.', f, g, h].join(' '));
    assert.equal(printed, written);
    const callPage = pages.findIndex((p) => flat(p.replace(/-\n/g, '')).includes('geen pagina past')) + 1;
    assert.ok(callPage > 0);
    const tall = images.find((i) => i.width === 600 && i.height === 2400);
    assert.ok(tall, JSON.stringify(images));
    // On the page of its call or the next (the call's line goes with its note when the note does not fit).
    assert.ok(tall.page === callPage || tall.page === callPage + 1, `plate on p. ${tall.page}, call on p. ${callPage}`);
    assert.ok(images.some((i) => i.width === 200 && i.height === 150));
  });
});

describe('a paragraph moved whole to keep its lines together takes its heading along', () => {
  let dir: string;
  let findings: Finding[];
  before(async () => {
    // At leading 1.34 the book's first section heading fell at the foot of page 6 with one line of its
    // paragraph under it; the runtime's KeepLines moved the paragraph and, before this was fixed, left the heading.
    dir = await makeManuscript({});
    await cp(path.join(projectRoot, 'manuscript'), path.join(dir, 'book'), { recursive: true });
    const config = path.join(dir, 'book', 'book.yaml');
    await writeFile(config, (await readFile(config, 'utf8')).replace(/lineHeight: [\d.]+/, 'lineHeight: 1.34'));
    const run = await runScript('check.ts', [...PDF_CHECKS, '--manuscript', path.join(dir, 'book'), '--out', path.join(dir, 'out'), '--report', 'json']);
    findings = (JSON.parse(run.stdout || '{"diagnostics":[]}') as { diagnostics: Finding[] }).diagnostics;
  });
  after(() => removeDir(dir));

  test('no heading is stranded and the book has no layout errors', () => {
    assert.deepEqual(findings.filter((f) => f.severity === 'error'), []);
  });
});

describe('a book of more than a hundred notes', () => {
  // Every page is laid out with the pages before it set aside (runtime/finished-pages.ts), so nothing may count on
  // them: a CSS counter numbering the notes would restart on every page while it is laid out, and the notes
  // past 99, narrower then than when printed, would run over. The numbers are printed from the manuscript.
  let findings: Finding[];
  let pages: string[];
  before(async () => {
    // The first chapter of the book of default settings: its notes are numbered from 1.
    const book = await checkDefaultBook();
    findings = inChapter(book.findings, CHAPTERS.notes);
    pages = book.pages;
  });

  test('each note prints its number whole, on the page of its call, and no note runs over', () => {
    assert.deepEqual(findings.filter((f) => f.severity === 'error'), []);
    for (const n of [9, 10, 99, 100, NOTES]) {
      const page = pages.findIndex((p) => new RegExp(`^\\s*${n} Bron ${n},`, 'm').test(p));
      assert.ok(page >= 0, `note ${n} is not printed as "${n} Bron ${n}," (a number broken over two lines?)`);
    }
    assert.ok(!pages.some((p) => /^\s*10\n\s*0 Bron 100/m.test(p)));
  });
});
