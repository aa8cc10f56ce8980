// The preflight check's work (preflight-check.ts holds its rules), loaded only when it runs.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFArray, PDFDict, PDFDocument, ParseSpeeds, PDFHexString, PDFName, PDFNumber, PDFStream, PDFString } from 'pdf-lib';
import { $ } from 'zx';
import { diagnostic, type Diagnostic } from '../diagnostics.ts';
import { pdfFonts, pdfPageTexts } from '../pdf/poppler.ts';
import { inkCoverage, maxTotalInk } from '../press/ghostscript.ts';
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

  if (book.config.print.marks) {
    const { line, column } = book.locateConfig(['print', 'marks']);
    found.push(diagnostic('press/screen-marks', { file: book.configFile, line, column }, 'print.marks draws crop marks inside the bleed of the screen PDF, and so of the press PDF, where they would print: use print.press.marks for a proof'));
  }
  const pdf = await PDFDocument.load(await readFile(file), { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  checkIdentification(pdf, report);
  checkBoxes(pdf, book.config.print, report);
  const signature = book.config.print.press.signature;
  if (pdf.getPageCount() % signature !== 0) {
    report('press/signature', `${pdf.getPageCount()} pages is not a multiple of the signature, ${signature}`);
  }

  for (const font of await pdfFonts(file)) {
    if (!font.embedded) report('press/font-not-embedded', `font ${font.name} (${font.type}) is not embedded`);
    if (/Type 3/.test(font.type)) report('press/type3-font', `font ${font.name} is Type 3`);
  }

  const texts = await pdfPageTexts(file);
  const imagePages = await pagesWithImages(file);
  for (const ink of await inkCoverage(file)) {
    const isTextPage = (texts[ink.page - 1] ?? '').trim() !== '' && !imagePages.has(ink.page);
    if (!isTextPage || (ink.c === 0 && ink.m === 0 && ink.y === 0)) continue;
    const share = (v: number): string => `${(v * 100).toFixed(2)}%`;
    report('press/text-page-colour', `text page uses C ${share(ink.c)}, M ${share(ink.m)}, Y ${share(ink.y)} of its area (only K allowed)`, ink.page);
  }
  const limit = book.config.print.press.inkLimit;
  for (const [index, max] of (await maxTotalInk(file)).entries()) {
    if (max > limit) report('press/total-ink', `total ink reaches ${max.toFixed(0)}%, above the limit of ${limit}%`, index + 1);
  }
  return found;
}

type Report = (rule: RuleId, message: string, page?: number) => void;

function checkIdentification(pdf: PDFDocument, report: Report): void {
  const info = pdf.context.lookup(pdf.context.trailerInfo.Info);
  const version = info instanceof PDFDict ? info.lookup(PDFName.of('GTS_PDFXVersion')) : undefined;
  const text = version instanceof PDFString || version instanceof PDFHexString ? version.decodeText() : '';
  if (!text.startsWith('PDF/X-')) report('press/pdfx-version', 'the Info dictionary has no GTS_PDFXVersion');
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

function checkBoxes(pdf: PDFDocument, print: Parameters<typeof sheetGeometry>[0], report: Report): void {
  const expected = expectedBoxes(sheetGeometry(print));
  const fmt = (b: readonly number[]): string => `[${b.map((v) => v.toFixed(2)).join(' ')}]`;
  pdf.getPages().forEach((page, index) => {
    for (const name of ['MediaBox', 'BleedBox', 'TrimBox'] as const) {
      const raw = page.node.lookupMaybe(PDFName.of(name), PDFArray) ?? (name === 'MediaBox' ? page.node.MediaBox() : undefined);
      const want = expected[name];
      if (!raw) {
        report('press/page-boxes', `page has no ${name} (book.yaml wants ${fmt(want)})`, index + 1);
        continue;
      }
      const have = raw.asArray().map((v) => (v instanceof PDFNumber ? v.asNumber() : Number.NaN));
      if (have.length !== 4 || have.some((v, i) => !(Math.abs(v - (want[i] as number)) <= BOX_TOLERANCE))) {
        report('press/page-boxes', `${name} is ${fmt(have)}, book.yaml (trim, bleed, marks) wants ${fmt(want)}`, index + 1);
      }
    }
  });
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
