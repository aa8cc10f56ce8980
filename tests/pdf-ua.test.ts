// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PDFDict, PDFDocument, PDFName, PDFNumber, PDFRef, PDFString, StandardFonts } from 'pdf-lib';
import type { Book } from '../scripts/lib/book.ts';
import { manuscriptImages } from '../scripts/lib/checks/pdf-ua-run.ts';
import { scanContent, type Operation } from '../scripts/lib/pdf/content-stream.ts';
import { pdfUaFindings } from '../scripts/lib/pdf/pdf-ua-conditions.ts';
import { parseToUnicode, readTaggedPdf } from '../scripts/lib/pdf/tagged-pdf.ts';

describe('content streams', () => {
  test('operations carry their operands and offsets; strings, dictionaries, arrays and inline images are read whole', () => {
    const source = '/P <</MCID 3 /ActualText (a\\)b\\(c \\101)>> BDC\nBT /F1 12 Tf [(x) -20 <0041 42>] TJ ET EMC\nq BI /W 1 /H 1 ID \x00EI\xff EI Q\n/Artifact BMC 0 0 1 1 re f EMC';
    const ops: Operation[] = [];
    scanContent(source, (op) => ops.push({ ...op, operands: [...op.operands] }));
    assert.deepEqual(
      ops.map((o) => o.operator),
      ['BDC', 'BT', 'Tf', 'TJ', 'ET', 'EMC', 'q', 'BI', 'Q', 'BMC', 're', 'f', 'EMC'],
    );
    const bdc = ops[0] as Operation;
    assert.deepEqual(bdc.operands[1], { type: 'dict', entries: { MCID: 3, ActualText: { type: 'string', bytes: 'a)b(c A', hex: false } } });
    assert.equal(source.slice(bdc.start, bdc.end), '/P <</MCID 3 /ActualText (a\\)b\\(c \\101)>> BDC');
    const tj = ops[3] as Operation;
    assert.deepEqual(tj.operands[0], { type: 'array', items: [{ type: 'string', bytes: 'x', hex: false }, -20, { type: 'string', bytes: '\x00AB', hex: true }] });
    assert.equal(source.slice((ops[7] as Operation).start, (ops[7] as Operation).end), 'BI /W 1 /H 1 ID \x00EI\xff EI');
  });

  test('a ToUnicode CMap maps codes by bfchar and bfrange, and leaves the rest unmapped', () => {
    const map = parseToUnicode('2 beginbfchar\n<0003> <0020>\n<0010> <D835DC9C>\nendbfchar\n1 beginbfrange\n<0020> <0022> <0041>\nendbfrange\n1 beginbfrange <0030> <0031> [<0066006C> <00AD>] endbfrange');
    assert.equal(map.get(3), ' ');
    assert.equal(map.get(0x10), '𝒜');
    assert.deepEqual([map.get(0x20), map.get(0x21), map.get(0x22)], ['A', 'B', 'C']);
    assert.deepEqual([map.get(0x30), map.get(0x31)], ['fl', '\u00ad']);
    assert.equal(map.get(0x23), undefined);
  });
});

/** A one-page PDF made by hand: `content` is the page's content stream, `tree` the structure elements
 * (as pdf-lib objects made by `build`), with the catalog entries PDF/UA asks for unless `omit` names them. */
async function makePdf(options: {
  content: string;
  tree?: (pdf: PDFDocument, page: PDFRef, root: PDFRef, annotations: PDFRef[]) => PDFRef[];
  omit?: ('MarkInfo' | 'Lang' | 'DisplayDocTitle' | 'Metadata' | 'Tabs')[];
  annotate?: (pdf: PDFDocument, page: PDFRef) => PDFRef[];
}): Promise<PDFDocument> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const page = pdf.addPage([200, 200]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const resources = pdf.context.obj({ Font: { F1: font.ref } });
  page.node.set(PDFName.of('Resources'), resources);
  page.node.set(PDFName.of('Contents'), pdf.context.register(pdf.context.stream(options.content)));
  const omit = new Set(options.omit ?? []);
  const annots = options.annotate?.(pdf, page.ref) ?? [];
  if (annots.length > 0) page.node.set(PDFName.of('Annots'), pdf.context.obj(annots));
  const rootRef = pdf.context.nextRef();
  const kids = options.tree?.(pdf, page.ref, rootRef, annots) ?? [];
  const parentTree = pdf.context.obj({ Nums: [] });
  pdf.context.assign(rootRef, pdf.context.obj({ Type: 'StructTreeRoot', K: kids, ParentTree: parentTree }));
  pdf.catalog.set(PDFName.of('StructTreeRoot'), rootRef);
  if (!omit.has('MarkInfo')) pdf.catalog.set(PDFName.of('MarkInfo'), pdf.context.obj({ Marked: true }));
  if (!omit.has('Lang')) pdf.catalog.set(PDFName.of('Lang'), PDFString.of('nl'));
  if (!omit.has('DisplayDocTitle')) pdf.catalog.set(PDFName.of('ViewerPreferences'), pdf.context.obj({ DisplayDocTitle: true }));
  if (!omit.has('Metadata')) {
    const xmp = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Proef</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF></x:xmpmeta>';
    pdf.catalog.set(PDFName.of('Metadata'), pdf.context.register(pdf.context.stream(xmp, { Type: 'Metadata', Subtype: 'XML' })));
  }
  if (!omit.has('Tabs')) page.node.set(PDFName.of('Tabs'), PDFName.of('S'));
  return pdf;
}

function element(pdf: PDFDocument, parent: PDFRef, type: string, kids: (number | PDFRef | PDFDict)[], page: PDFRef, extra: Record<string, unknown> = {}): PDFRef {
  const ref = pdf.context.nextRef();
  pdf.context.assign(ref, pdf.context.obj({ Type: 'StructElem', S: type, P: parent, Pg: page, K: kids.map((k) => (typeof k === 'number' ? PDFNumber.of(k) : k)), ...extra } as never));
  return ref;
}

const TEXT = (mcid: number, tag = 'P'): string => `/${tag} <</MCID ${mcid}>> BDC BT /F1 10 Tf 10 ${150 - mcid * 12} Td (Tekst ${mcid}) Tj ET EMC\n`;
const rules = (pdf: PDFDocument): string[] => pdfUaFindings(readTaggedPdf(pdf)).map((f) => f.rule);

describe('the PDF/UA check on PDFs made by hand', () => {
  test('a conforming page: headings in order, a paragraph, a note with an ID, a figure with alt text, artifacts, a tagged link', async () => {
    const pdf = await makePdf({
      content: `/Artifact BMC BT /F1 8 Tf 10 190 Td (Kopregel) Tj ET EMC\n${TEXT(0, 'H1')}${TEXT(1)}${TEXT(2, 'Note')}/Figure <</MCID 3>> BDC 0 0 5 5 re f EMC\n${TEXT(4, 'H2')}`,
      tree: (pdf, page, root) => {
        const doc = pdf.context.nextRef();
        pdf.context.assign(
          doc,
          pdf.context.obj({
            Type: 'StructElem',
            S: 'Document',
            P: root,
            K: [
              element(pdf, doc, 'H1', [0], page),
              element(pdf, doc, 'P', [1], page),
              element(pdf, doc, 'Note', [2], page, { ID: PDFString.of('fn-1') }),
              element(pdf, doc, 'Figure', [3], page, { Alt: PDFString.of('Een zwart vierkantje') }),
              element(pdf, doc, 'H2', [4], page),
            ],
          }),
        );
        return [doc];
      },
    });
    assert.deepEqual(pdfUaFindings(readTaggedPdf(pdf)), []);
  });

  test('untagged content, catalog entries left out, and an MCID no element refers to are each a finding', async () => {
    const pdf = await makePdf({
      content: `BT /F1 8 Tf 10 190 Td (Kopregel) Tj ET\n${TEXT(0, 'H1')}${TEXT(1)}`,
      tree: (pdf, page, root) => [element(pdf, root, 'H1', [0], page)],
      omit: ['Lang', 'DisplayDocTitle', 'Metadata', 'MarkInfo'],
    });
    const findings = pdfUaFindings(readTaggedPdf(pdf));
    assert.deepEqual(findings.map((f) => f.rule).sort(), ['pdfua/content-not-in-structure', 'pdfua/content-not-marked', 'pdfua/display-doc-title', 'pdfua/lang', 'pdfua/metadata', 'pdfua/not-tagged'].sort());
    const unmarked = findings.find((f) => f.rule === 'pdfua/content-not-marked');
    assert.equal(unmarked?.page, 1);
    assert.match(unmarked?.message ?? '', /1× Tj/);
  });

  test('artifacts inside tagged content and tagged content inside artifacts', async () => {
    const pdf = await makePdf({
      content: `/P <</MCID 0>> BDC /Artifact BMC 0 0 1 1 re f EMC EMC\n/Artifact BMC /P <</MCID 1>> BDC 0 0 1 1 re f EMC EMC`,
      tree: (pdf, page, root) => [element(pdf, root, 'P', [0, 1], page)],
    });
    assert.deepEqual(rules(pdf).filter((r) => r === 'pdfua/artifact-nesting').length, 2);
  });

  test('a skipped heading level, a first heading that is not H1, a figure without alt, a table without headers, a note without ID', async () => {
    const pdf = await makePdf({
      content: TEXT(0, 'H2') + TEXT(1, 'H4') + TEXT(2, 'Figure') + TEXT(3, 'TD') + TEXT(4, 'Note'),
      tree: (pdf, page, root) => {
        const table = pdf.context.nextRef();
        const row = pdf.context.nextRef();
        pdf.context.assign(row, pdf.context.obj({ Type: 'StructElem', S: 'TR', P: table, K: [element(pdf, row, 'TD', [3], page)] }));
        pdf.context.assign(table, pdf.context.obj({ Type: 'StructElem', S: 'Table', P: root, K: [row] }));
        return [element(pdf, root, 'H2', [0], page), element(pdf, root, 'H4', [1], page), element(pdf, root, 'Figure', [2], page), table, element(pdf, root, 'Note', [4], page)];
      },
    });
    const findings = pdfUaFindings(readTaggedPdf(pdf));
    assert.deepEqual(findings.map((f) => f.rule).sort(), ['pdfua/figure-alt', 'pdfua/heading-first', 'pdfua/heading-skipped', 'pdfua/note-id', 'pdfua/table-headers'].sort());
    assert.equal(findings.find((f) => f.rule === 'pdfua/figure-alt')?.figure, 0);
  });

  test('list items outside a list, non-standard types without a role map, header cells without Scope', async () => {
    const pdf = await makePdf({
      content: TEXT(0) + TEXT(1) + TEXT(2, 'TH') + TEXT(3, 'TD'),
      tree: (pdf, page, root) => {
        const table = pdf.context.nextRef();
        const row = pdf.context.nextRef();
        pdf.context.assign(row, pdf.context.obj({ Type: 'StructElem', S: 'TR', P: table, K: [element(pdf, row, 'TH', [2], page), element(pdf, row, 'TD', [3], page)] }));
        pdf.context.assign(table, pdf.context.obj({ Type: 'StructElem', S: 'Table', P: root, K: [row] }));
        return [element(pdf, root, 'LI', [0], page), element(pdf, root, 'Em', [1], page), table];
      },
    });
    assert.deepEqual(rules(pdf).sort(), ['pdfua/role-map', 'pdfua/structure-nesting', 'pdfua/table-headers'].sort());
  });

  test('a link annotation outside the structure, without Contents, on a page without structure tab order', async () => {
    const pdf = await makePdf({
      content: TEXT(0),
      tree: (pdf, page, root) => [element(pdf, root, 'P', [0], page)],
      omit: ['Tabs'],
      annotate: (pdf) => [pdf.context.register(pdf.context.obj({ Type: 'Annot', Subtype: 'Link', Rect: [0, 0, 10, 10] }))],
    });
    assert.deepEqual(rules(pdf).sort(), ['pdfua/annotation-not-tagged', 'pdfua/link-contents', 'pdfua/tab-order'].sort());
  });

  test('a link annotation in a Link element, with Contents and a StructParent, passes', async () => {
    const pdf = await makePdf({
      content: TEXT(0, 'Link'),
      annotate: (pdf) => [pdf.context.register(pdf.context.obj({ Type: 'Annot', Subtype: 'Link', Rect: [0, 0, 10, 10], Contents: PDFString.of('Naar noot 1'), StructParent: 1 }))],
      tree: (pdf, page, root, [annot]) => [element(pdf, root, 'Link', [0, pdf.context.obj({ Type: 'OBJR', Obj: annot as PDFRef, Pg: page })], page)],
    });
    assert.deepEqual(rules(pdf), []);
  });

  test('character codes without a Unicode value', async () => {
    const pdf = await makePdf({ content: TEXT(0), tree: (pdf, page, root) => [element(pdf, root, 'P', [0], page)] });
    const font = pdf.context.obj({ Type: 'Font', Subtype: 'Type0', BaseFont: 'ABCDEF+Proef', Encoding: 'Identity-H' });
    const resources = pdf.getPage(0).node.Resources() as PDFDict;
    (resources.lookup(PDFName.of('Font')) as PDFDict).set(PDFName.of('F1'), pdf.context.register(font));
    const findings = pdfUaFindings(readTaggedPdf(pdf));
    assert.deepEqual(findings.map((f) => f.rule), ['pdfua/unicode']);
    assert.match(findings[0]?.message ?? '', /font Proef shows \d+ character code/);
  });
});

test('manuscript images in reading order, with where each is written and its alt text; code is skipped', () => {
  const book = {
    chapters: [
      { file: 'a.md', source: 'Tekst ![Een kaart](kaart.png) en `![geen](x.png)`.\n\n```\n![ook geen](y.png)\n```\n\n![](leeg.png)\n' },
      { file: 'b.md', source: '<img src="foto.jpg" alt="">\n\n![Ref][kaart]\n' },
    ],
  } as unknown as Book;
  assert.deepEqual(
    manuscriptImages(book).map((i) => [i.file, i.line, i.column, i.alt, i.src]),
    [
      ['a.md', 1, 7, 'Een kaart', 'kaart.png'],
      ['a.md', 7, 1, '', 'leeg.png'],
      ['b.md', 1, 1, '', 'foto.jpg'],
      ['b.md', 3, 1, 'Ref', 'kaart'],
    ],
  );
});
