import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import type { Diagnostic } from '../scripts/lib/diagnostics.ts';
import { commandText, pdfPageTexts } from '../scripts/lib/pdf/poppler.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { runScript, type RunResult } from './helpers.ts';
import { sharedBuild } from './shared-build.ts';

const EDITION = path.join(projectRoot, 'tests', 'manuscripts', 'edition');

/** The sample edition (tests/manuscripts/edition): a preface by one author, a part of numbered chapters by another. */
describe('the sample edition: contributors, a part, numbered chapters, authors under the titles', () => {
  let run: RunResult;
  let out: string;
  let pages: string[];
  let epub: Record<string, Uint8Array>;
  let web: string;
  const pdf = (): string => path.join(out, 'staat-en-revolutie.pdf');
  const epubText = (name: string): string => strFromU8(epub[`OEBPS/${name}`] ?? new Uint8Array()).replace(/&#xAD;|\u00ad/g, '');
  /** A page's lines, soft hyphens and runs of spaces out. */
  const lines = (page: string): string[] => page.replace(/\u00ad/g, '').split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean);

  before(async () => {
    ({ out, run } = await sharedBuild(EDITION, ['--report', 'json'], 'check'));
    pages = await pdfPageTexts(pdf());
    epub = unzipSync(await readFile(path.join(out, 'staat-en-revolutie.epub')));
    web = await readFile(path.join(out, 'web', 'index.html'), 'utf8');
  });

  test('npm run check: every format built, no errors, no EPUBCheck or web findings', () => {
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const report = JSON.parse(run.stdout) as { diagnostics: Diagnostic[] };
    assert.deepEqual(report.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(report.diagnostics.filter((d) => /^(epub|web)\//.test(d.rule)), []);
  });

  test('PDF metadata: the author as Author and dc:creator, the preface’s author, translator and editor as dc:contributor, in the screen and the press PDF', async () => {
    for (const file of [pdf(), path.join(out, 'staat-en-revolutie-press.pdf')]) {
      assert.match(await commandText('pdfinfo', [file]), /^Author:\s+V\.I\. Lenin$/m, file);
      const xmp = await commandText('pdfinfo', ['-meta', file]);
      assert.match(xmp, /<dc:creator>\s*<rdf:Seq>\s*<rdf:li>V\.I\. Lenin<\/rdf:li>\s*<\/rdf:Seq>\s*<\/dc:creator>/, file);
      for (const name of ['Per-Åke Westerlund', 'Anna de Vries', 'Jan Jansen']) assert.match(xmp, new RegExp(`<dc:contributor>[\\s\\S]*<rdf:li>${name}</rdf:li>[\\s\\S]*</dc:contributor>`), `${name} in ${file}`);
    }
    assert.match(await commandText('pdfinfo', ['-meta', path.join(out, 'staat-en-revolutie-press.pdf')]), /<pdfxid:GTS_PDFXVersion>PDF\/X-1a:2003<\/pdfxid:GTS_PDFXVersion>/);
  });

  test('the title page names the author above the title and the others under it; the colophon names them all', () => {
    const title = pages.findIndex((p) => /Met een voorwoord van Per-Åke Westerlund/.test(p));
    assert.ok(title >= 0);
    const titleLines = lines(pages[title]!);
    assert.equal(titleLines[0], 'V.I. LENIN');
    assert.deepEqual(titleLines.slice(-3), ['Met een voorwoord van Per-Åke Westerlund', 'Vertaald door Anna de Vries', 'Bezorgd door Jan Jansen']);
    const colophon = lines(pages[title + 1]!);
    for (const line of ['V.I. Lenin', 'Vertaald door Anna de Vries', 'Bezorgd door Jan Jansen']) assert.ok(colophon.includes(line), line);
  });

  test('the part opens on a recto of its own ("Deel I", title, author), its verso blank, its chapters numbered "Hoofdstuk I" onwards', () => {
    const part = pages.findIndex((p) => lines(p)[0] === 'DEEL I');
    assert.ok(part > 0, 'a page that starts with DEEL I');
    assert.equal((part + 1) % 2, 1, 'the part title page is a recto');
    assert.deepEqual(lines(pages[part]!), ['DEEL I', 'Staat en revolutie', 'V.I. Lenin']);
    assert.deepEqual(lines(pages[part + 1]!), [], 'its verso is blank');
    const openings = ['HOOFDSTUK I', 'HOOFDSTUK II', 'HOOFDSTUK III'].map((label) => pages.findIndex((p) => lines(p)[0] === label));
    assert.equal(openings[0], part + 2, 'chapter I opens on the recto after the part');
    assert.ok(openings.every((page, i) => page > part && (i === 0 || page > openings[i - 1]!)), String(openings));
    assert.equal(lines(pages[openings[0]!]!)[1], 'Klassenmaatschappij en staat');
    // Lenin's chapters carry the part's author on the part's page, not again under each title.
    assert.notEqual(lines(pages[openings[0]!]!)[2], 'V.I. Lenin');
  });

  test('the preface names its author under its title, and the contents name both authors under their texts', () => {
    const preface = pages.findIndex((p) => lines(p)[0] === 'Lenins strijd tegen het stalinisme');
    assert.ok(preface > 0);
    assert.equal(lines(pages[preface]!)[1], 'Per-Åke Westerlund');
    // The contents page's lines without its page numbers (pdftotext puts each on a line of its own).
    const contents = lines(pages.find((p) => lines(p)[0] === 'INHOUD') ?? '').filter((l) => !/^(\d+|[ivxlc]+)$/.test(l));
    const at = (text: string): number => contents.indexOf(text);
    assert.equal(contents[at('Lenins strijd tegen het stalinisme') + 1], 'Per-Åke Westerlund');
    assert.equal(contents[at('DEEL I Staat en revolutie') + 1], 'V.I. Lenin');
    assert.deepEqual(contents.slice(at('V.I. Lenin') + 1, at('V.I. Lenin') + 7), ['I', 'Klassenmaatschappij en staat', 'II', 'De staat en de revolutie. De ervaringen van 1848–1851', 'III', 'De ervaring van de Commune van Parijs van 1871']);
    assert.ok(at('Bronnen') > at('De ervaring van de Commune van Parijs van 1871'));
  });

  test('folios: the front matter and the preface in lower-case roman, the main text from 1 on the recto after them; contents, PDF page labels and EPUB page list agree', async () => {
    const { romanNumeral } = await import('../scripts/lib/roman.ts');
    const preface = pages.findIndex((p) => lines(p)[0] === 'Lenins strijd tegen het stalinisme');
    const main = pages.findIndex((p) => lines(p)[0] === 'DEEL I');
    assert.ok(preface > 0 && main > preface, `${preface} ${main}`);
    assert.equal(main % 2, 0, 'the main text starts on a recto');
    const label = (index: number): string => (index < main ? romanNumeral(index + 1).toLowerCase() : String(index - main + 1));
    // Each page from the preface on prints its folio: in the running head (its first or second line: verso or
    // recto; lower case there too, though the head is in capitals) or at the foot of an opening page.
    // The front matter's own pages, the part's title page and blank pages print none.
    let checked = 0;
    let inHeads = 0;
    pages.forEach((page, index) => {
      const text = lines(page);
      if (index < preface || index === main || text.length === 0) return;
      const folio = [text[0], text[1], text.at(-1)];
      assert.ok(folio.includes(label(index)), `page ${index + 1}: folio ${label(index)} in ${JSON.stringify(folio)}`);
      if (index < main && folio.slice(0, 2).includes(label(index))) inHeads++;
      checked++;
    });
    assert.ok(checked > 15, String(checked));
    assert.ok(inHeads >= 6, `${inHeads} roman folios in running heads`);
    assert.equal(label(preface), 'vii');
    // The contents print the same folios.
    const contents = lines(pages.find((p) => lines(p)[0] === 'INHOUD') ?? '');
    assert.equal(contents[contents.indexOf('Lenins strijd tegen het stalinisme') + 1], label(preface));
    assert.equal(contents[contents.indexOf('Klassenmaatschappij en staat') + 1], label(main + 2));
    // The PDF's page labels: viewers show "vii" and "1" where the book prints them.
    const labels = JSON.parse(await commandText('qpdf', ['--json', '--json-key=pagelabels', pdf()])) as { pagelabels: { index: number; label: Record<string, string | number> }[] };
    assert.deepEqual(labels.pagelabels.map((l) => [l.index, l.label['/S'], l.label['/St'] ?? 1]), [[0, '/r', 1], [main, '/D', 1]]);
    // The EPUB's page list names each printed page by its folio, and its markers say the same.
    const list = /<nav epub:type="page-list"[^]*?<\/nav>/.exec(epubText('toc.xhtml'))?.[0] ?? '';
    const listed = Array.from(list.matchAll(/<a href="[^"#]*#pagina-(\d+)">([^<]*)<\/a>/g), (m) => [m[2], label(Number(m[1]) - 1)]);
    assert.deepEqual(listed.map(([name]) => name), listed.map(([, folio]) => folio));
    assert.ok(listed.length > main + 10, `${listed.length} of ${pages.length}`);
    // Every printed page is in the list, in order, the endnotes' too: the pages of "Aantekeningen" (notes of
    // every chapter, which the EPUB keeps with each chapter) are marked after the last chapter's text, as the
    // sources' and the index's are.
    const numbers = Array.from(list.matchAll(/#pagina-(\d+)"/g), (m) => Number(m[1]));
    assert.deepEqual(numbers, Array.from({ length: pages.length }, (_, i) => i + 1));
    const endnotes = pages.findIndex((p) => lines(p)[0] === 'Aantekeningen') + 1;
    assert.match(list, new RegExp(`<a href="ch4\\.xhtml#pagina-${endnotes}">${label(endnotes - 1)}</a>`));
    assert.match(epubText('ch4.xhtml'), new RegExp(`id="pagina-${endnotes}" title="${label(endnotes - 1)}"/?>(</span>)?<span [^>]*id="pagina-${endnotes + 1}"`));
    assert.match(epubText('ch1.xhtml'), new RegExp(`role="doc-pagebreak" id="pagina-${preface + 1}" title="vii"`));
  });

  test('running heads as book.yaml says (verso: author, recto: chapter): the text\'s author on the verso, its title on the recto', () => {
    const upper = (text: string): string => text.toLocaleUpperCase('nl');
    const texts = [
      { opens: 'Lenins strijd tegen het stalinisme', author: 'Per-Åke Westerlund', title: 'Lenins strijd tegen het stalinisme' },
      { opens: 'HOOFDSTUK I', author: 'V.I. Lenin', title: 'Klassenmaatschappij en staat' },
      { opens: 'HOOFDSTUK II', author: 'V.I. Lenin', title: 'De staat en de revolutie. De ervaringen van 1848–1851' },
      { opens: 'HOOFDSTUK III', author: 'V.I. Lenin', title: 'De ervaring van de Commune van Parijs van 1871' },
    ].map((t) => ({ ...t, page: pages.findIndex((p) => lines(p)[0] === t.opens) }));
    const end = pages.findIndex((p) => lines(p)[0] === 'Aantekeningen');
    assert.ok(texts.every((t, i) => t.page > (texts[i - 1]?.page ?? 0)) && end > texts.at(-1)!.page, JSON.stringify(texts));
    let versos = 0;
    let rectos = 0;
    texts.forEach((text, i) => {
      for (let index = text.page + 1; index < (texts[i + 1]?.page ?? end); index++) {
        const [first, second] = lines(pages[index]!);
        if (first === undefined || first === 'DEEL I') continue;
        // pdftotext reads the head's folio and its words as lines of their own: verso folio first, recto last.
        if ((index + 1) % 2 === 0) {
          assert.equal(second, upper(text.author), `verso p. ${index + 1}`);
          versos++;
        } else {
          assert.equal(first, upper(text.title), `recto p. ${index + 1}`);
          rectos++;
        }
      }
    });
    assert.ok(versos >= 6 && rectos >= 6, `${versos} versos, ${rectos} rectos`);
  });

  test('cross-references: "blz. N" in print on the page that holds the target heading, "noot N" for a note; links with the heading\'s title in the EPUB and on the web', () => {
    const main = pages.findIndex((p) => lines(p)[0] === 'DEEL I');
    const text = pages.map((p) => p.replace(/\u00ad/g, '').replace(/-\n/g, '').replace(/\s+/g, ' '));
    const at = text.findIndex((p) => p.includes('Wat afsterven betekent, staat in blz.'));
    assert.ok(at > main, 'the reference is printed');
    const reference = /staat in blz\. (\d+) \(zie blz\. (\d+)\); de uitkomst van 1851 in blz\. (\d+), zie ook noot (\d+)\./.exec(text[at]!);
    assert.ok(reference, text[at]);
    const [, section, page, outcome, note] = reference.map(Number);
    const onPage = (folio: number, heading: string): boolean => lines(pages[main + folio - 1]!).includes(heading);
    assert.ok(onPage(section!, '4. Het afsterven van de staat en de gewelddadige revolutie'), `blz. ${section}`);
    assert.equal(page, section);
    assert.ok(onPage(outcome!, '2. De uitkomst van de revolutie'), `blz. ${outcome}`);
    // The note's number is the one printed at its foot.
    assert.match(text[at]!, new RegExp(`gevolgd\\. ?${note} `));
    assert.match(text[at]!, new RegExp(`${note} De waarschuwing staat in de tweede adresse`));
    assert.match(epubText('ch4.xhtml'), /<a class="xref" href="ch2\.xhtml#afsterven">4\. Het afsterven van de staat en de gewelddadige revolutie<\/a>/);
    assert.match(epubText('ch4.xhtml'), /<a class="xref" href="ch4\.xhtml#ch4-noot-1">noot 1<\/a>/);
    assert.match(epubText('ch2.xhtml'), /<h2 id="afsterven"/);
    assert.match(web, /<a class="xref" href="#uitkomst">2\. De uitkomst van de revolutie<\/a>/);
    assert.match(web, /<h[2-4] id="uitkomst"/);
  });

  test('a reference to a table prints its number, "tabel 1", and its caption "Tabel 1.", in print, the EPUB and on the web', () => {
    const page = pageWith('De bedragen staan in tabel 1.');
    assert.ok(page > 0, 'the reference is printed as "tabel 1"');
    assert.ok(pages.slice(page, page + 2).some((p) => flat(p).includes('Tabel 1. Jaarlonen volgens het decreet van 1 april 1871')), 'the caption is numbered');
    assert.match(epubText('ch4.xhtml'), /De bedragen staan in <a class="xref" href="ch4\.xhtml#lonen">tabel 1<\/a>\./);
    assert.match(epubText('ch4.xhtml'), /<table id="lonen"[^>]*>\s*<caption><span class="table-label">Tabel 1\.<\/span> /);
    assert.match(web.replace(/\u00ad/g, ''), /De bedragen staan in <a class="xref" href="#lonen">tabel 1<\/a>\./);
  });

  test('the index of persons: last, in Dutch order, two columns; every page an entry names holds one of its names; EPUB and web link each entry to its places', async () => {
    const { parseNames } = await import('../scripts/lib/book-index/names.ts');
    const { compareEntries } = await import('../scripts/lib/book-index/book-index.ts');
    const { names } = parseNames(await readFile(path.join(EDITION, 'namen.yaml'), 'utf8'), 'namen.yaml');
    const main = pages.findIndex((p) => lines(p)[0] === 'DEEL I');
    const first = pages.findIndex((p) => lines(p)[0] === 'Register');
    assert.ok(first > main, 'the index is printed');
    assert.ok(pages.slice(first + 1).every((p) => lines(p).length === 0 || !/Bronnen|Aantekeningen/.test(lines(p)[0]!)), 'nothing after it');
    const index = pages.slice(first).join(' ').replace(/\s+/g, ' ');
    const roman = (folio: string): number => [...folio].reduce((n, c, i, all) => {
      const v = { i: 1, v: 5, x: 10, l: 50, c: 100 }[c as 'i'] ?? 0;
      const next = { i: 1, v: 5, x: 10, l: 50, c: 100 }[all[i + 1] as 'i'] ?? 0;
      return n + (v < next ? -v : v);
    }, 0);
    const pageIndex = (folio: string): number => (/^\d+$/.test(folio) ? main + Number(folio) - 1 : roman(folio) - 1);
    const text = pages.map((p) => p.replace(/\u00ad/g, '').replace(/-\n/g, '').replace(/\s+/g, ' '));
    let checked = 0;
    const printed: string[] = [];
    for (const name of names) {
      const entry = new RegExp(`${name.key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ((?:[ivxlc]+|\\d+)(?:–(?:[ivxlc]+|\\d+))?(?:, (?:[ivxlc]+|\\d+)(?:–(?:[ivxlc]+|\\d+))?)*)`).exec(index);
      if (!entry) continue;
      printed.push(name.key);
      for (const run of entry[1]!.split(', ')) {
        const [from, to] = run.split('–').map(pageIndex) as [number, number | undefined];
        for (let page = from; page <= (to ?? from); page++) {
          // A name marked in the text ([Kautsky]{.person key="Kautsky, Karl"}) is there as its surname.
          assert.ok([name.key, name.key.split(',')[0]!, ...name.aliases].some((n) => text[page]!.includes(n)), `${name.key}: page ${page + 1} (${run}) holds none of its names`);
          checked++;
        }
      }
    }
    assert.ok(printed.length >= 8 && checked > 20, `${printed.length} entries, ${checked} pages`);
    // Dutch order, read from the EPUB's list (pdftotext reads the two printed columns across).
    const keys = Array.from(epubText('register.xhtml').matchAll(/<span class="index-key">([^<]*)<\/span>/g), (m) => (m[1] as string).replace(/&#x([0-9A-F]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16))));
    assert.deepEqual(keys, [...keys].sort(compareEntries), 'Dutch order');
    assert.deepEqual([...printed].sort(compareEntries), keys.filter((k) => printed.includes(k)));
    assert.match(index, /Stalin, J\.V\. [^;]*; zie ook Trotski, Leon/);
    // A sub-entry ([Marx]{.person key="Marx, Karl!over de Commune"}) under its entry, with the page it is marked on.
    // (Its place under the entry is read from the EPUB: pdftotext may read the two columns across.)
    const sub = /over de Commune (\d+)/.exec(index);
    assert.ok(sub, 'the sub-entry is printed with its page');
    assert.ok(text[pageIndex(sub[1]!)]!.includes('Zo las ook Marx haar'), `page ${sub[1]} holds the sub-entry's place`);
    assert.match(epubText('register.xhtml'), /<span class="index-key">Marx, Karl<\/span>[^\n]*\n<ul class="index-subentries"><li class="index-subentry"><span class="index-subkey">over de Commune<\/span>: <a href="ch4\.xhtml#ch4-idx-\d+">/);
    assert.match(web, /<span class="index-subkey">over de Commune<\/span>: <a href="#ch4-idx-\d+">/);
    // Two columns: entries on one line of the page side by side (pdftotext -layout keeps them apart).
    const layout = await commandText('pdftotext', ['-layout', '-f', String(first + 1), '-l', String(first + 1), pdf(), '-']);
    assert.ok(layout.split('\n').some((line) => /^Bo\S.*\S {3,}\S/.test(line)), layout);
    assert.match(epubText('register.xhtml'), /<span class="index-key">Kautsky, Karl<\/span>: <a href="ch2\.xhtml#ch2-idx-\d+">/);
    assert.match(epubText('register.xhtml'), /<section epub:type="index" role="doc-index"/);
    assert.match(web, /<span class="index-key">Bonaparte, Louis<\/span>: <a href="#ch3-idx-\d+">/);
  });

  test('the PDF outline nests the chapters under their part', async () => {
    const { PdfReader } = await import('../scripts/lib/pdf/read-pdf.ts');
    const { PDFDict, PDFName, PDFHexString, PDFString } = await import('pdf-lib');
    const reader = await PdfReader.load(await readFile(pdf()));
    const doc = (reader as unknown as { pdf: import('pdf-lib').PDFDocument }).pdf;
    const titleOf = (item: import('pdf-lib').PDFDict): string => {
      const title = item.lookup(PDFName.of('Title'));
      return title instanceof PDFHexString || title instanceof PDFString ? title.decodeText() : '';
    };
    const children = (node: import('pdf-lib').PDFDict): import('pdf-lib').PDFDict[] => {
      const found: import('pdf-lib').PDFDict[] = [];
      let item = node.lookupMaybe(PDFName.of('First'), PDFDict);
      while (item) {
        found.push(item);
        item = item.lookupMaybe(PDFName.of('Next'), PDFDict);
      }
      return found;
    };
    const outlines = doc.catalog.lookup(PDFName.of('Outlines'), PDFDict);
    const top = children(outlines);
    assert.deepEqual(top.map(titleOf), ['Lenins strijd tegen het stalinisme', 'Staat en revolutie', 'Aantekeningen', 'Bronnen', 'Register']);
    assert.deepEqual(children(top[1]!).map(titleOf), ['Klassenmaatschappij en staat', 'De staat en de revolutie. De ervaringen van 1848–1851', 'De ervaring van de Commune van Parijs van 1871']);
  });

  test('EPUB: dc:creator and dc:contributor with MARC relator roles and file-as; the nav nests the part; part, preface and chapter typed with their roles', () => {
    const opf = epubText('content.opf');
    assert.match(opf, /<dc:creator id="creator">V\.I\. Lenin<\/dc:creator>\n<meta refines="#creator" property="role" scheme="marc:relators">aut<\/meta>\n<meta refines="#creator" property="file-as">Lenin, V\.I\.<\/meta>/);
    for (const [name, role] of [['Per-Åke Westerlund', 'wpr'], ['Anna de Vries', 'trl'], ['Jan Jansen', 'edt']]) {
      const id = new RegExp(`<dc:contributor id="(contributor-\\d)">${name}</dc:contributor>`).exec(opf)?.[1];
      assert.ok(id, name);
      assert.match(opf, new RegExp(`<meta refines="#${id}" property="role" scheme="marc:relators">${role}</meta>`));
    }
    const nav = epubText('toc.xhtml');
    assert.match(nav, /<li><a href="part1\.xhtml">Deel I\. Staat en revolutie<\/a>\n<ol>\n<li><a href="ch2\.xhtml">Hoofdstuk I\. Klassenmaatschappij en staat<\/a>/);
    assert.match(epubText('part1.xhtml'), /<section epub:type="part" role="doc-part" id="part1">/);
    assert.match(epubText('ch1.xhtml'), /<section epub:type="preface" role="doc-preface" id="ch1">/);
    assert.match(epubText('ch1.xhtml'), /<p class="chapter-author">Per-(Å|&#xC5;)ke Westerlund<\/p>/);
    assert.match(epubText('ch2.xhtml'), /<section epub:type="chapter" role="doc-chapter" id="ch2">/);
    assert.match(epubText('ch2.xhtml'), /<p class="chapter-label">Hoofdstuk I<\/p>/);
  });

  test('web: the contents nest the part with its chapters, the part is a section, the authors are named', () => {
    assert.match(web, /<meta name="author" content="V\.I\. Lenin">/);
    assert.match(web, /<p class="book-contributor">Vertaald door Anna de Vries<\/p>/);
    assert.match(web, /<li class="toc-part"><a href="#part1-title"><span class="toc-number">Deel I<\/span> Staat en revolutie<\/a> <span class="toc-author">V\.I\. Lenin<\/span>\n<ol>\n<li><a href="#ch2-/);
    assert.match(web, /<section class="part" id="part1" aria-labelledby="part1-title">/);
    assert.match(web, /<h3 id="ch2-klassenmaatschappij-en-staat"[^>]*>/, "a chapter in a part is one level under the part");
  });
  /** The page (0-based) whose text holds `text`, spaces and soft hyphens out and hyphenated line ends joined. */
  const pageWith = (text: string): number => pages.findIndex((p) => flat(p).includes(text));
  const flat = (page: string): string => lines(page).join(' ').replace(/(\p{L})- (\p{L})/gu, '$1$2');
  /** Each series' notes as the manuscript has them: calling sentence, note text, marker. */
  const EDITOR = [
    { call: 'in de illegaliteit.', note: 'Lenin zat na de julidagen van 1917 ondergedoken in Finland', marker: 'a' },
    { call: 'keert terug in hoofdstuk V.', note: 'De verwijzing geldt de volledige uitgave', marker: 'b' },
    { call: 'in februari 1848 in Londen.', note: 'In het Duits, als brochure', marker: 'c' },
    { call: 'het loon van een arbeider.', note: 'Zesduizend frank per jaar', marker: 'd' },
  ];
  const TRANSLATOR = [
    { call: 'met hetzelfde woord weergegeven.', note: 'letterlijk bijzondere afdelingen van gewapende mensen', marker: 'i', chapter: 'Hoofdstuk I. Klassenmaatschappij en staat' },
    { call: 'origineel otmiranije.', note: 'het wegsterven van een levend weefsel', marker: 'ii', chapter: 'Hoofdstuk I. Klassenmaatschappij en staat' },
    { call: 'vertaalt hier slomat.', note: 'Elders ook weergegeven als vernietigen', marker: 'iii', chapter: 'Hoofdstuk II. De staat en de revolutie. De ervaringen van 1848–1851' },
    { call: 'in de Russische pers kommoenary.', note: 'communards en communeleden', marker: 'iv', chapter: 'Hoofdstuk III. De ervaring van de Commune van Parijs van 1871' },
  ];

  test('note series in print: the editor\'s notes (a, b, …, "(red.)") at the foot of their call\'s page, under Lenin\'s numbered notes', () => {
    for (const { call, note, marker } of EDITOR) {
      const page = pageWith(call);
      assert.ok(page >= 0, call);
      const foot = lines(pages[page]!);
      const at = foot.findIndex((l) => l.startsWith(`${marker} ${note}`));
      assert.ok(at > 0, `note ${marker} on p. ${page + 1}, the page of its call: ${foot.join(' | ')}`);
      assert.match(flat(pages[page]!), new RegExp(`${note}[^|]*?\\(red\\.\\)`), `note ${marker} ends with (red.)`);
      // Lenin's own notes on that page (a number, then text) stand above the editor's.
      const lenin = foot.findIndex((l) => /^\d+ [A-Z]/.test(l));
      if (lenin >= 0) assert.ok(lenin < at, `Lenin's note above note ${marker} on p. ${page + 1}`);
    }
    // The first chapter's page has both series at its foot.
    const both = pageWith('in de illegaliteit.');
    assert.ok(lines(pages[both]!).some((l) => /^18 Een noot van de auteur/.test(l)), lines(pages[both]!).join(' | '));
  });

  test('note series in print: the translator\'s notes in "Aantekeningen" under a heading per chapter, each linked to its call and back', async () => {
    const section = pages.findIndex((p) => lines(p)[0] === 'Aantekeningen');
    assert.ok(section > 0, 'a page that opens with Aantekeningen');
    assert.equal((section + 1) % 2, 1, 'the endnotes open on a recto');
    const bronnen = pages.findIndex((p, i) => i > section && lines(p)[0] === 'Bronnen');
    assert.ok(bronnen > section, 'the sources follow the endnotes');
    const endnotes = pages.slice(section, bronnen).map(flat).join(' ');
    let last = -1;
    for (const { call, note, marker, chapter } of TRANSLATOR) {
      const heading = endnotes.indexOf(chapter);
      const at = endnotes.indexOf(`${marker} `, Math.max(heading, last));
      assert.ok(heading >= 0 && at > heading, `${marker} under ${chapter}`);
      assert.ok(endnotes.indexOf(note, at) > at, `note ${marker} in the endnotes: ${note}`);
      assert.match(endnotes.slice(at), new RegExp(`^${marker} [^]*?${note}[^]*?\\(vert\\.\\)`));
      last = at;
      assert.ok(pageWith(call) > 0 && pageWith(call) < section, `the call of ${marker} is in the text`);
      assert.ok(!flat(pages[pageWith(call)]!).includes(note), `note ${marker} is not at the foot of its call's page`);
    }
    const { PdfReader } = await import('../scripts/lib/pdf/read-pdf.ts');
    const links = (await PdfReader.load(await readFile(pdf()))).internalLinks();
    const endnotePages = new Set(Array.from({ length: bronnen - section }, (_, i) => section + i + 1));
    for (const { call, marker } of TRANSLATOR) {
      const callPage = pageWith(call) + 1;
      assert.ok(links.some((l) => l.page === callPage && endnotePages.has(l.targetPage)), `a link from the call of ${marker} on p. ${callPage} to the endnotes`);
      assert.ok(links.some((l) => endnotePages.has(l.page) && l.targetPage === callPage), `a link from note ${marker} back to p. ${callPage}`);
    }
  });

  test('note series in the EPUB: each series its own markers and back-links; the translator\'s notes as the chapter\'s endnotes', () => {
    const ch2 = epubText('ch2.xhtml');
    assert.match(ch2, /<a epub:type="noteref" role="doc-noteref" id="ch2-ref-2" href="#ch2-noot-2" class="note-series-ed">a<\/a>/);
    assert.match(ch2, /<aside epub:type="footnote" role="doc-footnote" id="ch2-noot-2" class="note note-series note-series-ed">\n<p><a role="doc-backlink" href="#ch2-ref-2"[^>]*>a\.<\/a> [^]*?\(red\.\)/);
    assert.match(ch2, /<section class="endnotes" epub:type="endnotes" role="doc-endnotes" aria-label="Aantekeningen bij Klassenmaatschappij en staat">\n<ol>\n<li id="ch2-noot-\d+" class="endnote note-series-vert"><p><a role="doc-backlink" href="#ch2-ref-\d+"[^>]*>i\.<\/a> [^]*?\(vert\.\)/);
    // Lenin's notes keep their numbers, 1, 2, 3 in the chapter, before the editor's.
    assert.ok(ch2.indexOf('>1.</a>') < ch2.indexOf('>a.</a>') && ch2.indexOf('>a.</a>') < ch2.indexOf('>i.</a>'));
  });

  test('note series on the web: calls with the series\' markers; the translator\'s notes in a list after the chapter, linked both ways', () => {
    assert.match(web, /<a class="note-ref" id="ch2-ref-2" href="#ch2-fn-2" data-note-series="ed" aria-label="noot a">a<\/a><span class="note" id="ch2-fn-2"/);
    const endnotes = /<section class="endnotes" role="doc-endnotes" aria-label="Aantekeningen bij Klassenmaatschappij en staat">[^]*?<\/section>/.exec(web)?.[0] ?? '';
    assert.match(endnotes, /<li id="ch2-fn-(\d+)" data-note-series="vert"><span class="note-number">i<\/span> [^]*?\(vert\.\)<\/span><\/span> <a class="note-back" href="#ch2-ref-\1"/);
    assert.match(web, /<a class="note-ref" id="ch2-ref-\d+" href="#ch2-fn-\d+" data-note-series="vert" aria-label="aantekening i">i<\/a>/);
  });

  test('built again on the warm cache: every unit but the index comes from it (the contents and the cross-references waited for the index, which waited for them), the same pages', async () => {
    const again = await mkdtemp(path.join(tmpdir(), 'edition-cached-'));
    try {
      await cp(out, again, { recursive: true });
      const rebuilt = await runScript('build.ts', ['--manuscript', EDITION, '--out', again, '--format', 'pdf'], {}, 180_000);
      assert.equal(rebuilt.code, 0, rebuilt.stderr);
      assert.match(rebuilt.stderr, /1 unit\(s\) paginated in 1 document\(s\), \d+ from the cache/);
      assert.deepEqual(await pdfPageTexts(path.join(again, 'staat-en-revolutie.pdf')), pages);
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  });
});
