import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadBook, type Book } from '../scripts/lib/book.ts';
import { missingLatexTools, pandocDefaults, writeLatexFont, writePandocDefaults, type LatexFont } from '../scripts/lib/bench/latex.ts';
import { plainBookHtml } from '../scripts/lib/bench/plain-html.ts';
import { PAGEDJS_CLI_RUNNER } from '../scripts/lib/bench/reference.ts';
import { findChromium } from '../scripts/lib/browser.ts';
import { parseScales, writeScaleManuscript } from '../scripts/lib/bench/scales.ts';
import { loadConfig } from '../scripts/lib/config/load-config.ts';
import { asSection, writeSyntheticBook } from '../scripts/lib/bench/synthetic-book.ts';
import { sfntFromWoff, tableChecksum } from '../scripts/lib/bench/woff.ts';
import { median, prepareRow, runRows, type PreparedRow } from '../scripts/lib/bench/yardsticks.ts';
import { packageDir, projectRoot } from '../scripts/lib/paths.ts';
import { pdfInfo } from '../scripts/lib/pdf/poppler.ts';
import { validateHtml } from '../scripts/lib/web/validate-html.ts';
import { chapterWithNotes, minimalConfig } from './fixtures.ts';
import { makeManuscript, removeDir } from './helpers.ts';

/** The bench's yardsticks are made from the manuscript: what they are given must be the book's text and setup. */
describe('bench yardsticks', () => {
  let work: string;
  let manuscript: string;
  let book: Book;
  let html: string;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'bench-test-'));
    manuscript = path.join(work, 'book-2x');
    await writeSyntheticBook(path.join(projectRoot, 'manuscript'), manuscript, 2);
    book = await loadBook({ manuscriptDir: manuscript });
    html = plainBookHtml(book);
  });
  after(() => removeDir(work));

  test('plain HTML: every note is a float: footnote span where it is called, with its text', () => {
    const notes = book.chapters.flatMap((c) => c.notes);
    assert.ok(notes.length > 20, `the 2× book has its notes (${notes.length})`);
    const open = '<span class="footnote">';
    const starts = [...html.matchAll(/<span class="footnote">/g)].map((m) => (m.index ?? 0) + open.length);
    assert.equal(starts.length, notes.length);
    assert.doesNotMatch(html, /data-note-ref/, 'no call is left as a placeholder');
    assert.match(html, /\.footnote \{ float: footnote;/);
    // Each note's text whole, in reading order, in its span.
    starts.forEach((at, i) => assert.ok(html.startsWith(`${notes[i]?.html}</span>`, at), `note ${i + 1}`));
  });

  test('plain HTML: the same soft hyphens, page size, margins, type and fonts from their packages', () => {
    assert.equal(html.match(/\u00ad/g)?.length, book.chapters.reduce((n, c) => n + (c.html.match(/\u00ad/g)?.length ?? 0) + c.notes.reduce((m, note) => m + (note.html.match(/\u00ad/g)?.length ?? 0), 0), 0) + (book.bibliography?.html.match(/\u00ad/g)?.length ?? 0));
    assert.ok((html.match(/\u00ad/g)?.length ?? 0) > 1000);
    const { trim, margins, fontSize, lineHeight } = book.config.print;
    assert.match(html, new RegExp(`size: ${trim.width} ${trim.height};`));
    assert.match(html, new RegExp(`margin: ${margins.top} ${margins.outer} ${margins.bottom} ${margins.inner};`));
    assert.match(html, new RegExp(`font-size: ${fontSize}; line-height: ${lineHeight};`));
    assert.match(html, /font-family: "EB Garamond"/);
    const links = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => fileURLToPath(m[1] as string));
    assert.ok(links.some((l) => l.endsWith(path.join('@fontsource', 'eb-garamond', '400.css'))));
    for (const link of links) assert.ok(existsSync(link), link);
    assert.doesNotMatch(html, /<script|<(?:link|img)[^>]+(?:href|src)="https?:|url\("?https?:/, 'no script of ours, nothing loaded from the network');
  });

  test('plain HTML is a valid document (Nu Html Checker; CSS from Paged.js\'s specifications aside)', async () => {
    const file = path.join(work, 'plain.html');
    await writeFile(file, html);
    // Nu knows CSS 2.1 and 3, not Generated Content for Paged Media (floats to the page foot, running strings).
    const pagedMedia = /^CSS: .*(footnote|string-set|string\(|target-counter)/;
    const problems = (await validateHtml([file])).filter((d) => d.severity === 'error' && !pagedMedia.test(d.message));
    assert.deepEqual(problems.map((d) => `${d.line}:${d.column} ${d.message}`), []);
  });

  test('LaTeX: Pandoc is given the same files, page, margins, type size, leading, language and style', async () => {
    const font: LatexFont = { dir: '/fonts', regular: 'r.ttf', bold: 'b.ttf', italic: 'i.ttf', boldItalic: 'bi.ttf' };
    const defaults = pandocDefaults(book.config, manuscript, font, '/out/book.pdf') as {
      'input-files': string[];
      citeproc: boolean;
      bibliography: string[];
      csl: string;
      'table-of-contents': boolean;
      variables: Record<string, unknown>;
      metadata: Record<string, unknown>;
    };
    assert.deepEqual(defaults['input-files'], (book.config.chapters ?? []).map((c) => path.join(manuscript, c)));
    for (const file of [...defaults['input-files'], ...defaults.bibliography, defaults.csl]) assert.ok(existsSync(file), file);
    assert.equal(defaults.citeproc, true);
    assert.equal(defaults['table-of-contents'], true);
    const { variables } = defaults;
    assert.equal(variables.documentclass, 'scrbook');
    assert.ok((variables.classoption as string[]).includes('fontsize=10.5pt'));
    assert.deepEqual(variables.geometry, ['paperwidth=135mm', 'paperheight=210mm', 'top=17mm', 'bottom=22mm', 'inner=18mm', 'outer=15mm']);
    // KOMA's 10.5 pt has a 12.6 pt baseline: the stretch makes it the book's 1.36.
    assert.ok(Math.abs((variables.linestretch as number) * 1.2 - book.config.print.lineHeight) < 0.001);
    assert.equal(defaults.metadata.lang, 'nl-NL');
    assert.equal(defaults.metadata['reference-section-title'], 'Bronnen');
  });

  test('LaTeX: the font files are the @fontsource package\'s, unwrapped to TrueType with intact tables', async () => {
    const font = await writeLatexFont(book.config.print.fonts.body, path.join(work, 'fonts'));
    for (const name of [font.regular, font.bold, font.italic, font.boldItalic]) {
      const ttf = await readFile(path.join(font.dir, name));
      assert.equal(ttf.readUInt32BE(0), 0x00010000, `${name} is TrueType`);
      const tables = ttf.readUInt16BE(4);
      assert.ok(tables > 8);
      for (let i = 0; i < tables; i++) {
        const record = 12 + i * 16;
        const tag = ttf.toString('latin1', record, record + 4);
        const offset = ttf.readUInt32BE(record + 8);
        const length = ttf.readUInt32BE(record + 12);
        assert.ok(offset + length <= ttf.length);
        // head's checksum is taken with its checkSumAdjustment zeroed.
        if (tag !== 'head') assert.equal(tableChecksum(ttf.subarray(offset, offset + length)), ttf.readUInt32BE(record + 4), `${name}: table ${tag}`);
      }
    }
    assert.throws(() => sfntFromWoff(Buffer.from('wOF2....')), /not a WOFF 1\.0 font/);
    const woff2 = path.join(packageDir('@fontsource/eb-garamond'), 'files', 'eb-garamond-latin-400-normal.woff2');
    assert.throws(() => sfntFromWoff(readFileSync(woff2)), /not a WOFF 1\.0 font/);
  });

  test('LaTeX: Pandoc reads the defaults and writes the options into the LaTeX (when pandoc is installed)', async (t) => {
    if (missingLatexTools().includes('pandoc')) return t.skip('pandoc is not installed');
    const defaults = await writePandocDefaults(manuscript, path.join(work, 'latex'), path.join(work, 'latex.pdf'));
    assert.ok(parse(await readFile(defaults, 'utf8')));
    const latex = execFileSync('pandoc', ['--defaults', defaults, '--to', 'latex', '--standalone', '--output', '-'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.match(latex, /\\documentclass\[\s*fontsize=10\.5pt,\s*twoside,\s*open=right,\s*headings=normal,?\s*\]\{scrbook\}/);
    assert.match(latex, /\\usepackage\[paperwidth=135mm,paperheight=210mm,top=17mm,bottom=22mm,inner=18mm,outer=15mm\]\{geometry\}/);
    assert.match(latex, /\\setmainfont\[Path=[^\]]*\/fonts\/,BoldFont=eb-garamond-700-normal\.ttf,ItalicFont=eb-garamond-400-italic\.ttf,BoldItalicFont=eb-garamond-700-italic\.ttf\]\{eb-garamond-400-normal\.ttf\}/);
    assert.match(latex, /\\babelprovide\[main,import\]\{dutch\}/);
    assert.match(latex, /\\setstretch\{1\.1333\}/);
    assert.match(latex, /\\tableofcontents/);
    // Every note and every citation is a footnote (Chicago notes).
    const notes = book.chapters.flatMap((c) => c.notes).length;
    assert.equal(latex.match(/\\footnote\{/g)?.length, notes);
  });
});

describe('bench books', () => {
  test('one long chapter: every copy a section, note labels and ids made unique, code left alone', () => {
    const source = '# Title {#top}\n\nText.[^a]\n\n## Part\n\n```\n# not a heading [^a]\n```\n\n[^a]: Note.\n\n# Refs {#refs}\n';
    assert.equal(
      asSection(source, 3),
      '## Title (3) {#top-3}\n\nText.[^a-3]\n\n### Part\n\n```\n# not a heading [^a]\n```\n\n[^a-3]: Note.\n\n## Refs {#refs}\n',
    );
  });

  test('scales: numbers of copies and "long", anything else refused', () => {
    assert.deepEqual(parseScales('1,5, 20,long,100', 14), [
      { kind: 'copies', times: 1 },
      { kind: 'copies', times: 5 },
      { kind: 'copies', times: 20 },
      { kind: 'long', times: 14 },
      { kind: 'copies', times: 100 },
    ]);
    assert.throws(() => parseScales('1,huge'), /--scales: "huge"/);
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 2, 3]), 2.5);
  });

  test('--document: an outside Markdown document as a manuscript whose book.yaml a build accepts', async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'bench-test-document-'));
    try {
      const file = path.join(work, 'outside', 'README.md');
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, '# A manual\n\nSome text.\n');
      const target = path.join(work, 'document-book');
      // The book's own manuscript: its printer profile resolves to values book.yaml may not name.
      await writeScaleManuscript({ kind: 'document', file }, path.join(projectRoot, 'manuscript'), target);
      const { config } = await loadConfig(target);
      assert.equal(config.title, 'A manual');
      assert.deepEqual(config.chapters, ['document.md']);
    } finally {
      await removeDir(work);
    }
  });
});

describe('the untagged row', () => {
  test('our build of the same book with the screen PDF left untagged, paired run by run with ours', async () => {
    const manuscript = await makeManuscript({ 'book.yaml': minimalConfig(), '01-hoofdstuk.md': chapterWithNotes('Hoofdstuk', 2, 4) });
    const work = await mkdtemp(path.join(tmpdir(), 'bench-test-rows-'));
    try {
      const rows = (await Promise.all((['ours', 'untagged'] as const).map((id) => prepareRow(id, manuscript, work)))) as PreparedRow[];
      assert.deepEqual(rows.map((row) => row.label), ['ours: node scripts/run.mjs build, PDF, no cache', 'ours, untagged screen PDF']);
      const order: string[] = [];
      const [ours, untagged] = await runRows(rows, 2, false, (row) => order.push(row.id));
      assert.deepEqual(order, ['ours', 'untagged', 'untagged', 'ours'], 'alternated run by run');
      assert.ok(ours && untagged && ours.pages > 0 && untagged.pages === ours.pages);
      assert.equal(untagged.ratio, median(ours.runs.map((run, r) => run.seconds / (untagged.runs[r]?.seconds ?? NaN))));
      const tagged = async (id: string): Promise<string | undefined> => (await pdfInfo(path.join(work, id, 'proefboek.pdf'))).fields.Tagged;
      assert.equal(await tagged('ours'), 'yes');
      assert.equal(await tagged('untagged'), 'no');
    } finally {
      await removeDir(work);
      await removeDir(manuscript);
    }
  });
});

describe('pagedjs-cli as the bench runs it', () => {
  test('its puppeteer takes the protocol timeout the runner gives it: a page printed under the default, a launch cut short by 1 ms', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'book-test-pagedjs-cli-'));
    try {
      const html = path.join(dir, 'a.html');
      await writeFile(html, '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>a</title></head><body><p>Een bladzijde.</p></body></html>');
      const cli = path.join(packageDir('pagedjs-cli'), 'src', 'cli.js');
      const run = (pdf: string, env: NodeJS.ProcessEnv = {}) =>
        spawnSync(process.execPath, [PAGEDJS_CLI_RUNNER, cli, html, '-o', path.join(dir, pdf), '--blockRemote', '--browserArgs', '--no-sandbox,--disable-gpu'], {
          env: { ...process.env, PUPPETEER_EXECUTABLE_PATH: findChromium(), PUPPETEER_SKIP_DOWNLOAD: '1', ...env },
          encoding: 'utf8',
          timeout: 120_000,
        });
      const printed = run('a.pdf');
      assert.equal(printed.status, 0, printed.stderr);
      assert.equal((await pdfInfo(path.join(dir, 'a.pdf'))).fields.Pages, '1');
      // pagedjs-cli alone never sets one: the runner's reaches the puppeteer it launches with.
      const cut = run('b.pdf', { BOOK_PAGEDJS_CLI_PROTOCOL_TIMEOUT: '1' });
      assert.notEqual(cut.status, 0);
      assert.match(cut.stdout + cut.stderr, /timed out/);
      assert.equal(existsSync(path.join(dir, 'b.pdf')), false);
    } finally {
      await removeDir(dir);
    }
  });
});
