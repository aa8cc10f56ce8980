import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDict, PDFDocument, PDFName, ParseSpeeds } from 'pdf-lib';
import { $ } from 'zx';
import type { Book } from '../book.ts';
import { BuildError, diagnostic, type Diagnostic } from '../diagnostics.ts';
import { writeFileAtomic } from '../output.ts';
import type { Progress } from '../progress.ts';
import type { PressResult } from '../targets/outputs.ts';
import { convertToPdfx, GhostscriptError, pdfxDefinition } from './ghostscript.ts';
import { findCmykProfile, readIccProfile, type IccProfile } from './icc-profile.ts';
import { limitInkInFile } from './ink-limit.ts';
import { neutralRgbToGray } from './neutral-gray.ts';
import { PRINTERS } from './printers/index.ts';
import type { Excludable } from './printers/printer.ts';
import { makePressSheets } from './sheet.ts';

export interface PressOptions {
  book: Book;
  /** The screen PDF this build wrote (print target). */
  screenPdf: string;
  outDir: string;
  date: Date;
  progress: Progress;
}

/** `<slug>-press.pdf`, beside the screen PDF `<slug>.pdf`. */
export function pressFileName(screenPdf: string): string {
  return `${path.basename(screenPdf, '.pdf')}-press.pdf`;
}

/** Screen PDF -> press sheets (pdf-lib) -> PDF/X in CMYK (Ghostscript) -> fixed document ID (qpdf) -> output folder. */
export async function buildPressPdf(options: PressOptions): Promise<PressResult> {
  const { book, progress } = options;
  const profile = resolveProfile(book);
  const { pdfx, exclude, printer } = book.config.print.press;
  const work = await mkdtemp(path.join(tmpdir(), 'press-'));
  try {
    progress.step(`press: ${pdfx} for ${PRINTERS[printer].title} with output intent “${profile.description}”`);
    const pdf = await PDFDocument.load(await readFile(options.screenPdf), { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
    const neutral = neutralRgbToGray(pdf);
    makePressSheets(pdf, book.config.print);
    removeExcluded(pdf, exclude);
    const sheets = path.join(work, 'sheets.pdf');
    await writeFile(sheets, await pdf.save({ useObjectStreams: false, objectsPerTick: Infinity }));
    const definition = path.join(work, 'pdfx-def.ps');
    await writeFile(definition, pdfxDefinition(profile, pdfx));
    const converted = path.join(work, 'pdfx.pdf');
    await convertToPdfx(sheets, converted, definition, profile, options.date);
    // Vector colour beyond the printer's ink limit is separated down to it; images are left to the preflight.
    await limitInkInFile(converted, book.config.print.press.inkLimit);
    if (!exclude.includes('metadata')) await addPressMetadata(converted, book, options.date);
    // pdfwrite's document ID is random; qpdf derives it from the file's content instead.
    const final = path.join(work, 'press.pdf');
    const qpdf = await $({ quiet: true, nothrow: true })`qpdf --deterministic-id ${converted} ${final}`;
    if (qpdf.exitCode !== 0 && qpdf.exitCode !== 3) throw new GhostscriptError(`qpdf failed: ${qpdf.stderr.trim()}`);
    const bytes = await readFile(final);
    const file = path.join(options.outDir, pressFileName(options.screenPdf));
    await writeFileAtomic(file, bytes);
    progress.step(`press: ${pdf.getPageCount()} pages, ${neutral} black/grey colours put on K`);
    return { file, pages: pdf.getPageCount(), bytes: bytes.byteLength, profile };
  } catch (error) {
    if (error instanceof GhostscriptError) throw new BuildError(pressError(book, error.message));
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Ghostscript writes the Info dictionary but no XMP: the press PDF gets the book's packet (every creator and
 * contributor) with its PDF/X version, its producer the one Info names. Before qpdf, which fixes the ID.
 */
/**
 * What the printer's profile says the print file may not hold, taken out before Ghostscript copies it: the
 * outline, the XMP packet and the Info entries PDF/X does not need (it wants the Title), annotations (the
 * press sheets never keep links: makePressSheets).
 */
function removeExcluded(pdf: PDFDocument, exclude: readonly Excludable[]): void {
  if (exclude.includes('bookmarks')) {
    pdf.catalog.delete(PDFName.of('Outlines'));
    pdf.catalog.delete(PDFName.of('PageMode'));
  }
  if (exclude.includes('metadata')) {
    pdf.catalog.delete(PDFName.of('Metadata'));
    const info = pdf.context.lookup(pdf.context.trailerInfo.Info);
    if (info instanceof PDFDict) for (const key of INFO_METADATA) info.delete(PDFName.of(key));
  }
}

/** Info entries that describe the book rather than identify the file as PDF/X. */
export const INFO_METADATA = ['Author', 'Subject', 'Keywords', 'Creator'] as const;

async function addPressMetadata(file: string, book: Book, date: Date): Promise<void> {
  const { setMetadataStream, xmpPacket } = await import('../print/pdf-postprocess.ts');
  const pdf = await PDFDocument.load(await readFile(file), { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  const pdfx = { namespace: 'xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"', properties: `<pdfxid:GTS_PDFXVersion>${book.config.print.press.pdfx}</pdfxid:GTS_PDFXVersion>` };
  setMetadataStream(pdf, xmpPacket(book.config, date, pdf.getProducer() ?? 'Ghostscript', pdfx));
  await writeFile(file, await pdf.save({ useObjectStreams: false, objectsPerTick: Infinity }));
}

/** The CMYK profile the press PDF will embed; throws BuildError naming book.yaml when there is none or it is unfit.
 * The print target calls this before it renders, so a bad setting fails fast and writes nothing. */
export function resolveProfile(book: Book): IccProfile {
  const configured = book.config.print.press.profile;
  const file = configured ? path.resolve(book.manuscriptDir, configured) : findCmykProfile();
  if (!file) {
    throw new BuildError(
      pressError(book, 'no CMYK ICC profile found: install Ghostscript (`apt-get install ghostscript`), or name one in book.yaml print.press.profile', ['print', 'press']),
    );
  }
  try {
    return readIccProfile(file);
  } catch (error) {
    throw new BuildError(pressError(book, `print.press.profile: ${(error as Error).message}`, ['print', 'press', 'profile']));
  }
}

function pressError(book: Book, message: string, key: string[] = ['print', 'press']): Diagnostic {
  const { line, column } = book.locateConfig(key);
  return diagnostic('press/build', { file: book.configFile, line, column }, message);
}
