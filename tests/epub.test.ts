import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { strFromU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { launchBrowser } from '../scripts/lib/browser.ts';
import { accessibilityDiagnostics, auditEpub, contentDocumentPaths } from '../scripts/lib/epub/accessibility.ts';
import { epubcheckDiagnostics, runEpubcheck } from '../scripts/lib/epub/epubcheck.ts';
import { chapterBody } from '../scripts/lib/epub/content-documents.ts';
import { planPageBreaks } from '../scripts/lib/epub/page-breaks.ts';
import { pdfPageTexts } from '../scripts/lib/pdf/poppler.ts';
import { renderChapter } from '../scripts/lib/book.ts';
import { bookConfigSchema } from '../scripts/lib/config/schema.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { chapterWithNotes, minimalConfig } from './fixtures.ts';
import { listFiles, makeManuscript, removeDir, runScript, type RunResult } from './helpers.ts';
import { bookRelease, type BookRelease } from './shared-build.ts';

const EPOCH = '1700000000';
const BOOK_EPUB = 'lenins-strijd-tegen-het-stalinisme.epub';

/** Text of an XHTML fragment: tags dropped, character references decoded, soft hyphens removed. */
function textOf(xhtml: string): string {
  return xhtml
    .replace(/<[^>]*>/g, '')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
    .replace(/\u00ad/g, '');
}

function unzip(bytes: Uint8Array): { files: Record<string, Uint8Array>; text(name: string): string } {
  const files = unzipSync(bytes);
  return {
    files,
    text(name) {
      const data = files[name];
      assert.ok(data, `${name} is in the EPUB`);
      return strFromU8(data);
    },
  };
}

/** Entry names in the order the zip's central directory lists them, with their compression method. */
function zipEntries(bytes: Uint8Array): { name: string; method: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: { name: string; method: number }[] = [];
  for (let at = 0; at + 30 < bytes.length && view.getUint32(at, true) === 0x04034b50; ) {
    const method = view.getUint16(at + 8, true);
    const size = view.getUint32(at + 18, true);
    const nameLength = view.getUint16(at + 26, true);
    const extra = view.getUint16(at + 28, true);
    entries.push({ name: strFromU8(bytes.subarray(at + 30, at + 30 + nameLength)), method });
    at += 30 + nameLength + extra + size;
  }
  return entries;
}

describe('page breaks and notes in a content document', () => {
  const layout = {
    pageCount: 7,
    blocks: [
      { file: 'a.md', line: 1, page: 3 },
      { file: 'a.md', line: 3, page: 3 },
      { file: 'a.md', line: 5, page: 5 },
      { file: 'a.md', line: 5, page: 5 },
      { file: 'b.md', line: 1, page: 6 },
    ],
  };

  test('every page gets one marker: front pages, pages without a block start, pages after the last block', () => {
    const plan = planPageBreaks(layout);
    assert.deepEqual(plan.frontPages, [1, 2]);
    assert.deepEqual([...(plan.byBlock.get('a.md') ?? [])], [[1, [3]], [5, [4, 5]]]);
    assert.deepEqual([...(plan.byBlock.get('b.md') ?? [])], [[1, [6]]]);
    assert.deepEqual(plan.trailingPages, [7]);
    assert.deepEqual(plan.pages, [1, 2, 3, 4, 5, 6, 7]);
  });

  test('the pages of the printed endnotes (blocks in no chapter\'s file) are marked after the last chapter, with the pages after them', () => {
    const plan = planPageBreaks({ pageCount: 9, blocks: [...layout.blocks, { file: '', line: 8, page: 7 }, { file: '', line: 9, page: 8 }] });
    assert.deepEqual([...(plan.byBlock.get('b.md') ?? [])], [[1, [6]]]);
    assert.deepEqual(plan.byBlock.get(''), undefined);
    assert.deepEqual(plan.trailingPages, [7, 8, 9]);
    assert.deepEqual(plan.pages, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('markers go before blocks and inside list items; note calls become noterefs, notes footnotes with back-links', () => {
    const config = bookConfigSchema.parse({ title: 'T', author: 'A', language: 'nl', chapters: ['a.md'], print: { hyphenation: { enabled: false } } });
    const source = '# Titel\n\nEen zin.[^a] Nog een.[^a]\n\n- een punt\n- nog een\n\n[^a]: De noot.\n';
    const chapter = renderChapter({ index: 0, file: 'a.md', source, config, diagnostics: [] });
    const body = chapterBody(chapter, new Map([[1, [3]], [3, [4]], [6, [5]]]), [6]);
    assert.match(body, /<span epub:type="pagebreak" role="doc-pagebreak" id="pagina-3" title="3"><\/span><h1 id="ch1-titel">/);
    assert.match(body, /<span [^>]*title="4"><\/span><p>Een zin\./);
    assert.match(body, /<li><span [^>]*title="5"><\/span>nog een<\/li>/);
    assert.match(body, /<\/ul>\n?<span [^>]*title="6"><\/span>\n?<section class="notes"/);
    assert.doesNotMatch(body, /data-line/);
    assert.match(body, /<a epub:type="noteref" role="doc-noteref" id="ch1-ref-1" href="#ch1-noot-1">1<\/a>/);
    assert.match(body, /<a epub:type="noteref" role="doc-noteref" id="ch1-ref-1-2" href="#ch1-noot-1">1<\/a>/);
    assert.match(body, /<aside epub:type="footnote" role="doc-footnote" id="ch1-noot-1" class="note">\n<p><a role="doc-backlink" href="#ch1-ref-1"[^>]*>1\.<\/a> <span class="note-para">De noot\.<\/span><\/p>/);
  });
});

describe('the book as EPUB 3', () => {
  let out1: string;
  let release: BookRelease;
  let run1: RunResult;
  let bytes: Uint8Array;
  let epub: ReturnType<typeof unzip>;
  let opf: string;
  let nav: string;
  let chapter: string;

  before(async () => {
    out1 = await makeManuscript({});
    run1 = await runScript('build.ts', ['--format', 'epub', '--out', out1], { SOURCE_DATE_EPOCH: EPOCH });
    assert.equal(run1.code, 0, run1.stderr);
    // The book's shared release, dated the same: every format built together and every check run on them.
    release = await bookRelease();
    bytes = await readFile(path.join(out1, BOOK_EPUB));
    epub = unzip(bytes);
    opf = epub.text('OEBPS/content.opf');
    nav = epub.text('OEBPS/toc.xhtml');
    chapter = epub.text('OEBPS/ch1.xhtml');
  });
  after(() => removeDir(out1));

  test('`--format epub` writes the EPUB alone, and says so', async () => {
    assert.deepEqual(await listFiles(out1), [BOOK_EPUB]);
    assert.match(run1.stdout, /EPUB\s+.*\.epub\s+.*page list of \d+ pages\s+\d+ KB/);
    assert.match(run1.stderr, /paginating the print edition for the page list/);
  });

  test('same input and SOURCE_DATE_EPOCH give the same bytes, built alone or with the PDF its page list then reads', async () => {
    assert.equal(release.run.code, 0, release.run.stderr + release.run.stdout);
    const again = await readFile(path.join(release.out, BOOK_EPUB));
    assert.ok(Buffer.from(bytes).equals(again), 'two builds differ');
  });

  test('the container: mimetype first and stored, then container.xml; entries dated from SOURCE_DATE_EPOCH', () => {
    const entries = zipEntries(bytes);
    assert.deepEqual(entries[0], { name: 'mimetype', method: 0 });
    assert.equal(entries[1]?.name, 'META-INF/container.xml');
    assert.equal(epub.text('mimetype'), 'application/epub+zip');
    // DOS date of the first local header: 2023-11-14 22:13:20 UTC.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const dosDate = view.getUint16(12, true);
    assert.deepEqual([(dosDate >> 9) + 1980, (dosDate >> 5) & 15, dosDate & 31], [2023, 11, 14]);
  });

  test('package document: language, title, author with role, identifier, rights, modified date', () => {
    assert.match(opf, /<package [^>]*version="3.0"[^>]*unique-identifier="pub-id"[^>]*xml:lang="nl"/);
    assert.match(opf, /<dc:identifier id="pub-id">urn:uuid:6f1c2a4e-8b3d-4e6f-9a17-2c5d8e0b4f31<\/dc:identifier>/);
    assert.match(opf, /<dc:language>nl<\/dc:language>/);
    assert.match(opf, /<dc:title id="title">Lenins strijd tegen het stalinisme<\/dc:title>/);
    assert.match(opf, /<dc:creator id="creator">Per-Åke Westerlund<\/dc:creator>/);
    assert.match(opf, /<meta refines="#creator" property="role" scheme="marc:relators">aut<\/meta>/);
    assert.match(opf, /<dc:rights>Tekst © Per-Åke Westerlund\. Alle rechten voorbehouden\.<\/dc:rights>/);
    assert.match(opf, /<meta property="dcterms:modified">2023-11-14T22:13:20Z<\/meta>/);
    assert.doesNotMatch(opf, /<dc:publisher>/, 'book.yaml names no publisher');
    assert.match(textOf(epub.text('OEBPS/titelpagina.xhtml')), /Proefuitgave, versie \d+\.\d+\.\d+, 2023-11-14; e-boek/);
  });

  test('package document: accessibility metadata and the print edition as dc:source of the pagination', () => {
    for (const mode of ['textual', 'visual']) assert.match(opf, new RegExp(`<meta property="schema:accessMode">${mode}</meta>`));
    assert.match(opf, /<meta property="schema:accessModeSufficient">textual<\/meta>/);
    for (const feature of ['tableOfContents', 'structuralNavigation', 'pageBreakMarkers', 'pageNavigation', 'alternativeText', 'readingOrder']) {
      assert.match(opf, new RegExp(`<meta property="schema:accessibilityFeature">${feature}</meta>`));
    }
    assert.match(opf, /<meta property="schema:accessibilityHazard">none<\/meta>/);
    assert.match(opf, /<meta property="schema:accessibilitySummary">[^<]{80,}<\/meta>/);
    assert.match(opf, /<meta property="dcterms:conformsTo">EPUB Accessibility 1\.1 - WCAG 2\.\d Level AA<\/meta>/);
    assert.match(opf, /<dc:source id="print-source">[^<]*lenins-strijd-tegen-het-stalinisme\.pdf[^<]*<\/dc:source>/);
    assert.match(opf, /<meta refines="#print-source" property="source-of">pagination<\/meta>/);
    assert.match(opf, /<item id="cover-image" href="cover\.png" media-type="image\/png" properties="cover-image"\/>/);
  });

  test('fonts: the print family embedded as woff2 and declared in the style sheet', () => {
    const fonts = Object.keys(epub.files).filter((f) => f.startsWith('OEBPS/fonts/'));
    assert.ok(fonts.length >= 6, fonts.join(', '));
    for (const font of fonts) {
      assert.match(font, /eb-garamond-latin(-ext)?-\d00-(normal|italic)\.woff2$/);
      assert.ok(opf.includes(`href="${font.slice('OEBPS/'.length)}" media-type="font/woff2"`), `${font} in the manifest`);
    }
    const css = epub.text('OEBPS/style.css');
    assert.match(css, /font-family: 'EB Garamond';[\s\S]*src: url\(fonts\/eb-garamond-latin-400-normal\.woff2\) format\('woff2'\)/);
    const design = css.replace(/@font-face\s*{[^}]*}/g, '');
    assert.doesNotMatch(design, /(font-size|line-height|margin[a-z-]*|padding[a-z-]*):[^;]*\d(px|pt)\b/, 'type sizes, leading and margins are relative');
    assert.doesNotMatch(design, /(^|[\s;{])(color|background(-color)?):/, 'the reader chooses the colours');
  });

  test('nav: table of contents with the chapter and its sections, landmarks in Dutch', () => {
    const toc = /<nav epub:type="toc"[\s\S]*?<\/nav>/.exec(nav)?.[0] ?? '';
    assert.match(toc, /<h1 id="toc-title">Inhoud<\/h1>/);
    assert.match(toc, /<a href="ch1\.xhtml">Lenins strijd tegen het stalinisme<\/a>/);
    for (const section of ['Het begin van een internationale revolutie', 'De burgeroorlog', 'NEP en bureaucratisering', 'De laatste strijd van Lenin']) {
      const link = new RegExp(`<a href="ch1\\.xhtml#([^"]+)">${section}</a>`).exec(toc);
      assert.ok(link, `${section} in the TOC`);
      assert.ok(chapter.includes(`id="${link[1]}"`), `${section}'s anchor exists`);
    }
    const landmarks = /<nav epub:type="landmarks"[\s\S]*?<\/nav>/.exec(nav)?.[0] ?? '';
    assert.match(landmarks, /<a epub:type="cover" href="omslag\.xhtml">Omslag<\/a>/);
    assert.match(landmarks, /<a epub:type="toc" href="toc\.xhtml#toc">Inhoud<\/a>/);
    assert.match(landmarks, /<a epub:type="bodymatter" href="ch1\.xhtml">Begin van de tekst<\/a>/);
  });

  test('page list: every printed page in order, each pointing at a page-break marker', () => {
    const list = /<nav epub:type="page-list"[\s\S]*?<\/nav>/.exec(nav)?.[0] ?? '';
    const links = [...list.matchAll(/<a href="([^"#]+)#([^"]+)">(\d+)<\/a>/g)];
    assert.ok(links.length >= 15, `${links.length} pages`);
    assert.deepEqual(links.map((l) => Number(l[3])), links.map((_, i) => i + 1));
    for (const [, file, id, page] of links) {
      const doc = epub.text(`OEBPS/${file}`);
      assert.match(doc, new RegExp(`<span epub:type="pagebreak" role="doc-pagebreak" id="${id}" title="${page}"/>`));
    }
  });

  test('notes: each call a noteref to an EPUB footnote that links back to the call', () => {
    const refs = [...chapter.matchAll(/<a epub:type="noteref" role="doc-noteref" id="([^"]+)" href="#([^"]+)">(\d+)<\/a>/g)];
    const notes = [...chapter.matchAll(/<aside epub:type="footnote" role="doc-footnote" id="([^"]+)" class="note">\s*<p><a role="doc-backlink" href="#([^"]+)"[^>]*>(\d+)\.<\/a>([\s\S]*?)<\/p>/g)];
    assert.equal(notes.length, 17);
    assert.ok(refs.length >= 17);
    const refIds = new Set(refs.map((r) => r[1]));
    const noteIds = new Set(notes.map((n) => n[1]));
    for (const ref of refs) assert.ok(noteIds.has(ref[2] ?? ''), `${ref[1]} points at a note`);
    for (const note of notes) assert.ok(refIds.has(note[2] ?? ''), `note ${note[3]} links back to a call`);
    assert.match(textOf(notes[0]?.[4] ?? ''), /Political Report of the Central Committee/);
  });

  test('the same text as the manuscript, in Dutch in every content document', async () => {
    for (const doc of contentDocumentPaths(epub.files)) {
      assert.match(epub.text(doc), /<html [^>]*lang="nl" xml:lang="nl"/, doc);
    }
    const source = await readFile(path.join(projectRoot, 'manuscript', '01-lenins-strijd-tegen-het-stalinisme.md'), 'utf8');
    const text = textOf(chapter);
    const paragraphs = source.split('\n').filter((l) => /^[A-Z]/.test(l) && !l.includes('[^') && !l.includes('[@') && !l.includes('*') && l.length > 80);
    assert.ok(paragraphs.length > 10);
    for (const p of paragraphs) assert.ok(text.includes(p.replace(/ \{[^}]*\}$/, '')), `missing: ${p.slice(0, 60)}`);
  });

  test('EPUBCheck: no fatal, error or warning (the release’s check, on the same bytes)', async () => {
    const report = await release.report();
    const serious = report.diagnostics.filter((d) => d.source === 'epubcheck' || d.rule.startsWith('epub/epubcheck'));
    assert.deepEqual(serious.map((d) => `${d.rule} ${d.message}`), []);
  });

  test('the release’s checks: EPUBCheck, Ace and axe-core report nothing on the book', async () => {
    const report = await release.report();
    assert.equal(release.run.code, 0, release.run.stdout + release.run.stderr);
    // Other checks (citations' open references, layout) report on the book too; this test owns the EPUB's.
    assert.deepEqual(report.diagnostics.filter((d) => d.rule.startsWith('epub/')), []);
    assert.equal(report.summary.errors, 0);
  });

  test('the checks find a broken EPUB: a missing content document and an image without text alternative', async () => {
    const broken: Zippable = {};
    for (const [name, data] of Object.entries(epub.files)) {
      if (name === 'OEBPS/titelpagina.xhtml') continue;
      broken[name] = name === 'OEBPS/omslag.xhtml' ? new TextEncoder().encode(strFromU8(data).replace(/ alt="[^"]*"/, '')) : [data, { level: name === 'mimetype' ? 0 : 6 }];
    }
    const file = path.join(out1, 'broken.epub');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, zipSync(broken));
    const found = epubcheckDiagnostics(await runEpubcheck(file), 'broken.epub');
    assert.ok(found.some((d) => d.rule === 'epub/epubcheck-error' && d.file.startsWith('broken.epub!/OEBPS/') && d.line > 0), JSON.stringify(found, null, 1));
    const session = await launchBrowser();
    try {
      const a11y = accessibilityDiagnostics(await auditEpub(session.browser, await readFile(file)), 'broken.epub');
      assert.ok(a11y.some((d) => d.rule === 'epub/a11y-violation' && d.file === 'broken.epub!/OEBPS/omslag.xhtml' && d.message.startsWith('image-alt')), JSON.stringify(a11y));
    } finally {
      await session.close();
    }
  });
});

describe('a full build: the EPUB page list follows the PDF it was built with', () => {
  let dir: string;
  let out: string;
  let run: RunResult;

  before(async () => {
    dir = await makeManuscript({
      'book.yaml': minimalConfig('slug: proefboek\npublisher: Uitgeverij Proef\nrights: Alle rechten voorbehouden.\n').replace(
        '  - 01-hoofdstuk.md\n',
        '  - 01-hoofdstuk.md\n  - 02-tweede.md\n',
      ),
      '01-hoofdstuk.md': chapterWithNotes('Het eerste hoofdstuk', 3, 6),
      '02-tweede.md': chapterWithNotes('Het tweede hoofdstuk', 2, 5),
    });
    out = path.join(dir, 'out');
    run = await runScript('build.ts', ['--manuscript', dir, '--out', out, '--format', 'pdf,epub'], { SOURCE_DATE_EPOCH: EPOCH });
  });
  after(() => removeDir(dir));

  test('both formats are built, the EPUB from the PDF target\'s layout (no second pagination)', async () => {
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await listFiles(out), ['proefboek.epub', 'proefboek.pdf']);
    assert.doesNotMatch(run.stderr, /paginating the print edition for the page list/);
  });

  test('the block after each page-break marker is printed on that page of the PDF', async () => {
    const epub = unzip(await readFile(path.join(out, 'proefboek.epub')));
    const pages = (await pdfPageTexts(path.join(out, 'proefboek.pdf'))).map((t) => t.replace(/-\n/g, '').replace(/\s+/g, ' '));
    let checked = 0;
    for (const doc of ['OEBPS/ch1.xhtml', 'OEBPS/ch2.xhtml']) {
      const xhtml = epub.text(doc);
      // A run of markers before a block: the last names the page the block begins on; the others name pages
      // on which no block begins.
      for (const match of xhtml.matchAll(/((?:<span epub:type="pagebreak"[^>]*\/>)+)\s*(<(p|h1|h2)\b[^>]*>[\s\S]*?<\/\3>)/g)) {
        const last = Number([...(match[1] ?? '').matchAll(/title="(\d+)"/g)].at(-1)?.[1]);
        const words = textOf(match[2] ?? '').trim().split(/\s+/).slice(0, 3).join(' ');
        assert.ok(pages[last - 1]?.includes(words), `page ${last} should begin a block with "${words}": ${pages[last - 1]?.slice(0, 200)}`);
        checked++;
      }
    }
    assert.ok(checked >= 5, `${checked} markers checked`);
    const listed = [...epub.text('OEBPS/toc.xhtml').matchAll(/<li><a href="[a-z0-9]+\.xhtml#pagina-(\d+)">/g)].map((m) => Number(m[1]));
    assert.deepEqual(listed, pages.map((_, i) => i + 1), 'the page list names every page of the PDF');
  });

  test('publisher and rights from book.yaml; a stable identifier without identifiers.uuid', async () => {
    const opf = unzip(await readFile(path.join(out, 'proefboek.epub'))).text('OEBPS/content.opf');
    assert.match(opf, /<dc:publisher>Uitgeverij Proef<\/dc:publisher>/);
    assert.match(opf, /<dc:rights>Alle rechten voorbehouden\.<\/dc:rights>/);
    assert.match(opf, /<dc:identifier id="pub-id">urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}<\/dc:identifier>/);
    assert.match(opf, /<dc:source id="print-source">[^<]*proefboek\.pdf/);
  });
});
