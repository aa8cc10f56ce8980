// The preflight check's work (preflight-check.ts holds its rules), loaded only when it runs.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFArray, PDFDict, PDFDocument, ParseSpeeds, PDFHexString, PDFName, PDFNumber, PDFStream, PDFString } from 'pdf-lib';
import { $ } from 'zx';
import { diagnostic, type Diagnostic } from '../diagnostics.ts';
import { pdfFonts, pdfPageTexts } from '../pdf/poppler.ts';
import { inkCoverage, pageInk, type Rect } from '../press/ghostscript.ts';
import { thinnestLines } from '../press/line-weights.ts';
import { INFO_METADATA } from '../press/press-pdf.ts';
import { coverGeometry } from '../cover/spine.ts';
import { PRINTERS } from '../press/printers/index.ts';
import { toPoints } from '../print/lengths.ts';
import { expectedBoxes, sheetGeometry } from '../press/sheet.ts';
import type { RuleId } from '../rules.ts';
import type { CheckContext } from './check.ts';

/** Points: boxes may differ by rounding (Ghostscript writes two decimals). */
const BOX_TOLERANCE = 0.1;

/** Preflight of the press PDF the build made (see preflightCheck). */
export async function runPreflight({ book, outputs }: CheckContext): Promise<Diagnostic[]> {
  const press = outputs.press;
  if (!press) return [];
  const file = press.file;
  const shown = path.relative(process.cwd(), file) || file;
  const found: Diagnostic[] = [];
  const report = (rule: RuleId, message: string, page?: number): void => {
    found.push(diagnostic(rule, { file: shown, page }, message));
  };

  const pdf = await PDFDocument.load(await readFile(file), { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  const settings = book.config.print.press;
  const printer = PRINTERS[settings.printer].title;
  checkIdentification(pdf, settings.pdfx, report);
  checkOutputCondition(pdf, settings.outputCondition, printer, report);
  checkBoxes(pdf, expectedBoxes(sheetGeometry(book.config.print)), 'book.yaml (trim, bleed, marks)', report);
  checkExcluded(pdf, settings.exclude, printer, report);
  const signature = book.config.print.signature;
  if (pdf.getPageCount() % signature !== 0) {
    report('print/signature', `${pdf.getPageCount()} pages is not a multiple of the signature (${signature})`);
  }

  for (const font of await pdfFonts(file)) {
    if (!font.embedded) report('fonts/not-embedded', `font ${font.name} (${font.type}) is not embedded`);
    if (/Type 3/.test(font.type)) report('fonts/type3', `font ${font.name} is a Type 3 font`);
  }

  const texts = await pdfPageTexts(file);
  const imagePages = await pagesWithImages(file);
  for (const ink of await inkCoverage(file)) {
    const isTextPage = (texts[ink.page - 1] ?? '').trim() !== '' && !imagePages.has(ink.page);
    if (!isTextPage || (ink.c === 0 && ink.m === 0 && ink.y === 0)) continue;
    const share = (v: number): string => `${(v * 100).toFixed(2)}%`;
    report('press/text-page-colour', `text page uses C ${share(ink.c)}, M ${share(ink.m)}, Y ${share(ink.y)} of its area (only K allowed)`, ink.page);
  }
  await checkInk(file, pdf, settings.inkLimit, book.config.print.marks, printer, report);

  const minLine = toPoints(settings.minLineWeight);
  for (const [page, width] of thinnestLines(pdf)) {
    if (width < minLine - 0.005) report('press/line-weight', `a line of ${width.toFixed(2)} pt, thinner than the ${settings.minLineWeight} ${printer} holds (print.press.minLineWeight)`, page);
  }
  for (const image of await imageResolutions(file)) {
    if (image.ppi < settings.minImagePpi) report('press/image-resolution', `an image of ${image.ppi} ppi as printed, under the ${settings.minImagePpi} ppi ${printer} asks for (print.press.minImagePpi)`, image.page);
  }
  return found;
}

type Report = (rule: RuleId, message: string, page?: number) => void;

function checkIdentification(pdf: PDFDocument, wanted: string, report: Report): void {
  const info = pdf.context.lookup(pdf.context.trailerInfo.Info);
  const version = info instanceof PDFDict ? info.lookup(PDFName.of('GTS_PDFXVersion')) : undefined;
  const text = version instanceof PDFString || version instanceof PDFHexString ? version.decodeText() : '';
  if (!text.startsWith('PDF/X-')) report('press/pdfx-version', 'the Info dictionary has no GTS_PDFXVersion');
  else if (text !== wanted) report('press/pdfx-version', `the file claims ${text}; the printer wants ${wanted} (print.press.pdfx)`);
  // PDF/X also wants a title, a definite Trapped and a document ID.
  const title = info instanceof PDFDict ? info.lookup(PDFName.of('Title')) : undefined;
  if (!(title instanceof PDFString || title instanceof PDFHexString) || title.decodeText().trim() === '') {
    report('press/pdfx-version', 'the Info dictionary has no Title');
  }
  const trapped = info instanceof PDFDict ? info.lookup(PDFName.of('Trapped')) : undefined;
  if (trapped !== PDFName.of('True') && trapped !== PDFName.of('False')) report('press/pdfx-version', 'Trapped is not /True or /False');
  if (!pdf.context.trailerInfo.ID) report('press/pdfx-version', 'the trailer has no document ID');

  const intents = pdf.catalog.lookupMaybe(PDFName.of('OutputIntents'), PDFArray);
  const pdfx = intents
    ?.asArray()
    .map((ref) => pdf.context.lookup(ref))
    .find((intent): intent is PDFDict => intent instanceof PDFDict && intent.get(PDFName.of('S')) === PDFName.of('GTS_PDFX'));
  if (!pdfx) {
    report('press/output-intent', 'the catalog has no OutputIntent of subtype GTS_PDFX');
    return;
  }
  const profile = pdfx.lookup(PDFName.of('DestOutputProfile'));
  const components = profile instanceof PDFStream ? profile.dict.lookup(PDFName.of('N')) : undefined;
  if (!(components instanceof PDFNumber) || components.asNumber() !== 4) {
    report('press/output-intent', 'the output intent has no embedded CMYK profile (DestOutputProfile with N 4)');
  }
}

/** The output intent the file names against the printing condition the printer prints to. */
function checkOutputCondition(pdf: PDFDocument, condition: string | undefined, printer: string, report: Report): void {
  if (!condition) return;
  const names = (pdf.catalog.lookupMaybe(PDFName.of('OutputIntents'), PDFArray)?.asArray() ?? [])
    .map((ref) => pdf.context.lookup(ref))
    .filter((intent): intent is PDFDict => intent instanceof PDFDict)
    .flatMap((intent) => ['OutputCondition', 'OutputConditionIdentifier', 'Info'].map((key) => intent.lookup(PDFName.of(key))))
    .map((value) => (value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : ''))
    .filter(Boolean);
  const described = names.join(' ');
  // FOGRA39 is printed to with ISO Coated v2 (ECI) or PSO Coated v3, whose descriptions name it or not.
  const aliases: Record<string, RegExp> = { FOGRA39: /FOGRA ?39|ISO ?Coated ?v2|PSO ?Coated ?v3|FOGRA ?51/i };
  if (!(aliases[condition] ?? new RegExp(condition, 'i')).test(described)) {
    report('press/output-condition', `${printer} prints to ${condition}; the output intent is “${names[0] ?? 'none'}”: name the printer's ICC profile in print.press.profile`);
  }
}

/** What the printer refuses in its file: an outline, metadata, annotations. */
function checkExcluded(pdf: PDFDocument, exclude: readonly string[], printer: string, report: Report): void {
  if (exclude.includes('bookmarks') && pdf.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict)?.has(PDFName.of('First'))) {
    report('press/bookmarks', `the file has bookmarks (an outline), which ${printer} refuses`);
  }
  if (exclude.includes('metadata')) {
    if (pdf.catalog.has(PDFName.of('Metadata'))) report('press/metadata', `the file has an XMP metadata stream, which ${printer} refuses`);
    const info = pdf.context.lookup(pdf.context.trailerInfo.Info);
    const keys = info instanceof PDFDict ? INFO_METADATA.filter((key) => info.has(PDFName.of(key))) : [];
    if (keys.length > 0) report('press/metadata', `the Info dictionary has ${keys.join(', ')}, metadata ${printer} refuses`);
  }
  if (exclude.includes('annotations')) {
    pdf.getPages().forEach((page, index) => {
      const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
      if (annots && annots.size() > 0) report('press/annotations', `${annots.size()} annotations (links, comments) on the page, which ${printer} refuses`, index + 1);
    });
  }
}

/** Preflight of the cover the build made: PDF/X, its boxes from the page count, fonts, ink and marks. */
export async function runCoverPreflight({ book, outputs }: CheckContext): Promise<Diagnostic[]> {
  const cover = outputs.cover;
  if (!cover) return [];
  const shown = path.relative(process.cwd(), cover.file) || cover.file;
  const found: Diagnostic[] = [];
  const report: Report = (rule, message, page) => void found.push(diagnostic(rule, { file: shown, page }, message));
  const pdf = await PDFDocument.load(await readFile(cover.file), { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  const { print } = book.config;
  const printer = PRINTERS[print.press.printer].title;
  checkIdentification(pdf, print.press.pdfx, report);
  const g = coverGeometry(print, cover.pages);
  const sheet = { trimWidth: g.width - 2 * g.bleed, trimHeight: g.trimHeight, bleed: g.bleed, slug: sheetGeometry(print).slug };
  checkBoxes(pdf, expectedBoxes(sheet), `the cover (2 × trim + spine of ${cover.pages} pages, bleed, marks)`, report);
  if (pdf.getPageCount() !== 1) report('press/page-boxes', `the cover has ${pdf.getPageCount()} pages; a full-wrap cover is one`);
  for (const font of await pdfFonts(cover.file)) {
    if (!font.embedded) report('fonts/not-embedded', `font ${font.name} (${font.type}) is not embedded`);
    if (/Type 3/.test(font.type)) report('fonts/type3', `font ${font.name} is a Type 3 font`);
  }
  await checkInk(cover.file, pdf, print.press.inkLimit, print.marks, printer, report);
  return found;
}

/** Total ink per page against the limit, and crop marks (ink outside the BleedBox) against the setting. */
async function checkInk(file: string, pdf: PDFDocument, limit: number, marks: boolean, printer: string, report: Report): Promise<void> {
  const bleedBoxes = pdf.getPages().map((page) => {
    const b = page.getBleedBox();
    return [b.x, b.y, b.x + b.width, b.y + b.height] as Rect;
  });
  for (const ink of await pageInk(file, (page) => bleedBoxes[page - 1])) {
    if (ink.maxTotal > limit) report('press/total-ink', `total ink reaches ${ink.maxTotal.toFixed(0)}%, above the limit of ${limit}% (${printer})`, ink.page);
    if (marks && ink.outside === 0) report('press/crop-marks', `no crop marks outside the bleed: ${printer} wants them (print.marks)`, ink.page);
    if (!marks && ink.outside > 0) report('press/crop-marks', `ink outside the bleed (crop marks?): ${printer} wants none (print.marks)`, ink.page);
  }
}

function checkBoxes(pdf: PDFDocument, expected: ReturnType<typeof expectedBoxes>, source: string, report: Report): void {
  const fmt = (b: readonly number[]): string => `[${b.map((v) => v.toFixed(2)).join(' ')}]`;
  pdf.getPages().forEach((page, index) => {
    for (const name of ['MediaBox', 'BleedBox', 'TrimBox'] as const) {
      const raw = page.node.lookupMaybe(PDFName.of(name), PDFArray) ?? (name === 'MediaBox' ? page.node.MediaBox() : undefined);
      const want = expected[name];
      if (!raw) {
        report('press/page-boxes', `page has no ${name} (${source} wants ${fmt(want)})`, index + 1);
        continue;
      }
      const have = raw.asArray().map((v) => (v instanceof PDFNumber ? v.asNumber() : Number.NaN));
      if (have.length !== 4 || have.some((v, i) => !(Math.abs(v - (want[i] as number)) <= BOX_TOLERANCE))) {
        report('press/page-boxes', `${name} is ${fmt(have)}, ${source} wants ${fmt(want)}`, index + 1);
      }
    }
  });
}

/** Each image's resolution as placed on its page, the lower of its two (`pdfimages -list`: x-ppi, y-ppi). */
async function imageResolutions(file: string): Promise<{ page: number; ppi: number }[]> {
  const { stdout } = await $({ quiet: true })`pdfimages -list ${file}`;
  return stdout
    .split('\n')
    .slice(2)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => Number(cols[0]) > 0 && cols[2] === 'image')
    .map((cols) => ({ page: Number(cols[0]), ppi: Math.min(Number(cols[12]), Number(cols[13])) }))
    .filter((image) => Number.isFinite(image.ppi));
}

/** Pages that show an image (`pdfimages -list`): their colours are the picture's, not text's. */
async function pagesWithImages(file: string): Promise<Set<number>> {
  const { stdout } = await $({ quiet: true })`pdfimages -list ${file}`;
  return new Set(
    stdout
      .split('\n')
      .slice(2)
      .map((line) => Number(line.trim().split(/\s+/)[0]))
      .filter((n) => n > 0),
  );
}
