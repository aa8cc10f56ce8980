import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import MarkdownIt from 'markdown-it';
import { PDFDocument, ParseSpeeds } from 'pdf-lib';
import sharp from 'sharp';
import { $ } from 'zx';
import type { Book } from '../book.ts';
import type { BrowserSession } from '../browser.ts';
import { BuildError, diagnostic, type Diagnostic } from '../diagnostics.ts';
import { refusal, resolveManuscriptFile } from '../manuscript-files.ts';
import { outputBaseName, writeFileAtomic } from '../output.ts';
import { convertToPdfx, GhostscriptError, pdfxDefinition } from '../press/ghostscript.ts';
import { limitInkInFile } from '../press/ink-limit.ts';
import { neutralRgbToGray } from '../press/neutral-gray.ts';
import { resolveProfile } from '../press/press-pdf.ts';
import { expectedBoxes, placeOnSheet, sheetGeometry, type SheetGeometry } from '../press/sheet.ts';
import type { Progress } from '../progress.ts';
import { loadCoverPage } from './cover-page.ts';
import type { CoverResult } from '../targets/outputs.ts';
import { decodeUtf8 } from '../text-encoding.ts';
import { isbnBarcodeSvg } from './barcode.ts';
import { wrapHtml } from './cover-html.ts';
import { escapeHtml } from '../html.ts';
import { coverGeometry, spineHasText, type CoverGeometry } from './spine.ts';

const execFileAsync = promisify(execFile);

/** The back cover's text: cover.md in the manuscript folder when there is one, else book.yaml's description.
 * Here, not in cover-html.ts with the front, which the EPUB's cover thread loads without markdown-it. */
export function backText(book: Book, coverMarkdown: string | undefined): string {
  if (coverMarkdown !== undefined) return new MarkdownIt({ html: false, typographer: false }).render(coverMarkdown);
  return book.config.description ? `<p>${escapeHtml(book.config.description)}</p>` : '';
}

export interface CoverOptions {
  book: Book;
  /** The pages the printer binds: the press PDF's count, padded to its signature. */
  pages: number;
  session: BrowserSession;
  writeDir: string;
  date: Date;
  progress: Progress;
}

/** The back cover's text file, in the manuscript folder. */
export const COVER_TEXT = 'cover.md';

/**
 * The full-wrap cover: laid out by Chromium from the cover design (styles/cover.css), one page of back, spine
 * and front with bleed; black put on K, boxes set (and crop and fold marks when the printer wants them), made
 * PDF/X in CMYK by Ghostscript as the press PDF is, with a document ID from its content. Beside it a proof PNG
 * with the trim and the folds drawn on.
 */
export async function buildCover(options: CoverOptions): Promise<CoverResult> {
  const { book, pages } = options;
  const print = book.config.print;
  const g = coverGeometry(print, pages);
  const spineText = spineHasText(print.press, pages);
  const profile = resolveProfile(book);
  const isbn = book.config.identifiers.isbn;
  const html = wrapHtml(book, g, { back: backText(book, await readCoverText(book)), barcode: isbn ? isbnBarcodeSvg(isbn) : undefined, spineText });
  const work = await mkdtemp(path.join(tmpdir(), 'cover-'));
  try {
    const pdf = await PDFDocument.load(await renderPdf(book, html, options.session), { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
    if (pdf.getPageCount() !== 1) throw new BuildError(coverError(book, `the cover ran onto ${pdf.getPageCount()} pages: its text does not fit the back or the front (cover.md, description)`));
    neutralRgbToGray(pdf);
    const sheet: SheetGeometry = { trimWidth: g.width - 2 * g.bleed, trimHeight: g.trimHeight, bleed: g.bleed, slug: sheetGeometry(print).slug };
    placeOnSheet(pdf.getPage(0), sheet, expectedBoxes(sheet), g.folds);
    const raw = path.join(work, 'cover.pdf');
    await writeFile(raw, await pdf.save({ useObjectStreams: false, objectsPerTick: Infinity }));
    const definition = path.join(work, 'pdfx-def.ps');
    await writeFile(definition, pdfxDefinition(profile, print.press.pdfx));
    const converted = path.join(work, 'pdfx.pdf');
    await convertToPdfx(raw, converted, definition, profile, options.date);
    // The design's colours become CMYK through the profile; a dark one can carry more ink than the printer takes.
    await limitInkInFile(converted, print.press.inkLimit);
    const final = path.join(work, 'final.pdf');
    const qpdf = await $({ quiet: true, nothrow: true })`qpdf --deterministic-id ${converted} ${final}`;
    if (qpdf.exitCode !== 0 && qpdf.exitCode !== 3) throw new GhostscriptError(`qpdf failed: ${qpdf.stderr.trim()}`);
    const bytes = await readFile(final);
    const base = outputBaseName(book);
    const file = path.join(options.writeDir, `${base}-cover.pdf`);
    await writeFileAtomic(file, bytes);
    const proof = path.join(options.writeDir, `${base}-cover-proof.png`);
    await writeFileAtomic(proof, await proofPng(final, g, sheet.slug));
    const mm = (pt: number): string => `${((pt * 25.4) / 72).toFixed(1)} mm`;
    options.progress.step(`cover: ${pages} pages, spine ${mm(g.spine)}${spineText ? ' with its text' : ', too thin for text'}, ${mm(g.width)} × ${mm(g.height)} with bleed`);
    return { file, proof, pages, spine: g.spine, spineText, bytes: bytes.byteLength };
  } catch (error) {
    if (error instanceof GhostscriptError) throw new BuildError(coverError(book, error.message));
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function readCoverText(book: Book): Promise<string | undefined> {
  const located = resolveManuscriptFile(book.manuscriptDir, COVER_TEXT);
  if (located.kind === 'missing') return undefined;
  const shown = path.join(path.dirname(book.configFile), COVER_TEXT);
  if (located.kind !== 'inside') throw new BuildError(diagnostic('manuscript/outside', { file: shown }, refusal(located, COVER_TEXT, 'the back cover text')));
  const decoded = decodeUtf8(await readFile(path.join(book.manuscriptDir, COVER_TEXT)));
  if (!decoded.ok) throw new BuildError(diagnostic('manuscript/encoding', { file: shown, line: decoded.line, column: decoded.column }, decoded.message));
  return decoded.text;
}

/** The cover page as a PDF from the build's Chromium, served hermetically like the book's pages. */
async function renderPdf(book: Book, html: string, session: BrowserSession, timeoutMs = 60_000): Promise<Uint8Array> {
  const page = await session.browser.newPage();
  try {
    const blocked = await loadCoverPage(book, page, html, timeoutMs);
    if (blocked.length > 0) throw new BuildError(coverError(book, `the cover asked for ${blocked.join(', ')}, which the build does not serve`));
    return await page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: false, outline: false, timeout: timeoutMs });
  } catch (error) {
    if (error instanceof BuildError) throw error;
    throw new BuildError(coverError(book, `rendering the cover failed: ${(error as Error).message.split('\n')[0]}`));
  } finally {
    await page.close().catch(() => undefined);
  }
}

/** The cover at 100 dpi with the trim (cyan, dashed) and the two folds of the spine (magenta) drawn on. */
async function proofPng(file: string, g: CoverGeometry, slug: number): Promise<Buffer> {
  const dpi = 100;
  const { stdout } = await execFileAsync('pdftoppm', ['-r', String(dpi), '-png', '-singlefile', file], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
  const image = sharp(stdout);
  const { width = 0, height = 0 } = await image.metadata();
  const px = (pt: number): number => (pt * dpi) / 72;
  const [x0, y0, x1, y1] = g.trimBox.map((v) => px(v + slug)) as [number, number, number, number];
  const folds = g.folds.map((x) => px(x + slug));
  const overlay = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<rect x="${x0}" y="${height - y1}" width="${x1 - x0}" height="${y1 - y0}" fill="none" stroke="#00a0e0" stroke-width="1.5" stroke-dasharray="8 5"/>
${folds.map((x) => `<line x1="${x}" y1="0" x2="${x}" y2="${height}" stroke="#e0008a" stroke-width="1.5"/>`).join('\n')}
</svg>`;
  return image.composite([{ input: Buffer.from(overlay), top: 0, left: 0 }]).png().toBuffer();
}

function coverError(book: Book, message: string): Diagnostic {
  const { line, column } = book.locateConfig(['print', 'press']);
  return diagnostic('cover/build', { file: book.configFile, line, column }, message);
}
