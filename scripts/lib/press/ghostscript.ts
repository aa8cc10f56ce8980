import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { $ } from 'zx';
import type { IccProfile } from './icc-profile.ts';
import type { PdfxVersion } from './printers/printer.ts';

/** The PDF/X flavour the press PDF claims unless the printer's profile says otherwise: CMYK only, fonts
 * embedded, no transparency, PDF 1.3. */
export const PDFX_VERSION: PdfxVersion = 'PDF/X-1a:2003';

/** A PostScript string literal, in UTF-16BE hex when the text is not plain ASCII. */
function psString(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `(${text.replace(/[\\()]/g, '\\$&')})`;
  return `<FEFF${Buffer.from(text, 'utf16le').swap16().toString('hex').toUpperCase()}>`;
}

/** Ghostscript's PDFX_def.ps, made for this book: PDF/X keys in the Info dictionary and the output intent.
 * The profile's path goes in as hex bytes, so any file name reaches `file` unchanged. */
export function pdfxDefinition(profile: IccProfile, version: PdfxVersion = PDFX_VERSION): string {
  return `%!PS
% PDF/X definitions for Ghostscript's pdfwrite (after lib/PDFX_def.ps)
[ /GTS_PDFXVersion ${psString(version)} /GTS_PDFXConformance ${psString(version)} /Trapped /False /DOCINFO pdfmark
[/_objdef {icc_PDFX} /type /stream /OBJ pdfmark
[{icc_PDFX} << /N 4 >> /PUT pdfmark
[{icc_PDFX} <${Buffer.from(profile.file, 'utf8').toString('hex')}> (r) file /PUT pdfmark
[/_objdef {OutputIntent_PDFX} /type /dict /OBJ pdfmark
[{OutputIntent_PDFX} <<
  /Type /OutputIntent
  /S /GTS_PDFX
  /OutputCondition ${psString(profile.description)}
  /OutputConditionIdentifier (Custom)
  /Info ${psString(profile.description)}
  /RegistryName (http://www.color.org)
  /DestOutputProfile {icc_PDFX}
>> /PUT pdfmark
[{Catalog} << /OutputIntents [ {OutputIntent_PDFX} ] >> /PUT pdfmark
`;
}

export class GhostscriptError extends Error {}

/**
 * Converts a PDF to PDF/X with pdfwrite: every colour to DeviceCMYK through the profiles (DeviceGray maps to K
 * alone), fonts kept embedded as they are, pages never auto-rotated.
 */
export async function convertToPdfx(input: string, output: string, definitionFile: string, profile: IccProfile, date: Date): Promise<string[]> {
  // Ghostscript dates the file from SOURCE_DATE_EPOCH: the build's date, so the screen and press PDFs agree.
  // Its document ID is a hash of that date and the output's name as given, so gs runs in the output's folder
  // and is given bare file names: the same book then gets the same ID in any folder.
  const env = { ...process.env, SOURCE_DATE_EPOCH: String(Math.floor(date.getTime() / 1000)) };
  const cwd = path.dirname(output);
  [input, output, definitionFile] = [input, output, definitionFile].map((f) => path.relative(cwd, f)) as [string, string, string];
  const result = await $({ quiet: true, nothrow: true, timeout: '180s', env, cwd })`gs -q -dNOPAUSE -dBATCH -dSAFER ${`--permit-file-read=${profile.file}`} -sDEVICE=pdfwrite -dPDFX=true -dCompatibilityLevel=1.4 -sColorConversionStrategy=CMYK -sProcessColorModel=DeviceCMYK -dEmbedAllFonts=true -dSubsetFonts=true -dAutoRotatePages=/None -dDetectDuplicateImages=true ${`-sOutputFile=${output}`} ${definitionFile} ${input}`;
  const messages = `${result.stdout}\n${result.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean);
  // 127: the shell found no `gs`; no exit code and no signal: no shell or no process at all.
  if (result.exitCode === 127 || (result.exitCode === null && !result.signal)) throw new GhostscriptError('Ghostscript (gs) could not be run: install it (`apt-get install ghostscript`)');
  if (result.exitCode !== 0) throw new GhostscriptError(`Ghostscript failed (exit ${result.exitCode}): ${messages.slice(-5).join(' ')}`);
  // pdfwrite drops the PDF/X claim, with a message, rather than failing when the input breaks a rule.
  const reverted = messages.filter((m) => /reverting to normal PDF|not permitted in PDF\/X/i.test(m));
  if (reverted.length > 0) throw new GhostscriptError(`Ghostscript could not make PDF/X: ${reverted.join(' ')}`);
  return messages;
}

export interface InkCoverage {
  page: number;
  /** Share of the page's area each ink touches, 0..1 (Ghostscript's inkcov device). */
  c: number;
  m: number;
  y: number;
  k: number;
}

/** Per page, which part of the area each ink touches (`gs -sDEVICE=inkcov`). */
export async function inkCoverage(file: string): Promise<InkCoverage[]> {
  const { stdout } = await $({ quiet: true, timeout: '180s' })`gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=inkcov -o - ${file}`;
  return stdout
    .split('\n')
    .map((line) => /^\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+CMYK OK/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m, i) => ({ page: i + 1, c: Number(m[1]), m: Number(m[2]), y: Number(m[3]), k: Number(m[4]) }));
}

/** A rectangle in points, [x0, y0, x1, y1], origin at the page's lower left. */
export type Rect = readonly [number, number, number, number];

export interface PageInk {
  page: number;
  /** Highest total ink (C+M+Y+K, percent) of any pixel. */
  maxTotal: number;
  /** Pixels carrying ink outside `inside` (crop marks lie there, nothing else may). */
  outside: number;
}

/**
 * Per page, the highest total ink of any pixel and how many pixels carry ink outside a rectangle (the
 * BleedBox), from an 8-bit CMYK rendering (PAM, no anti-aliasing, so a pixel carries the exact colour painted
 * there; a hairline still covers a pixel).
 */
export async function pageInk(file: string, inside: (page: number) => Rect | undefined = () => undefined, dpi = 72): Promise<PageInk[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'press-ink-'));
  try {
    await $({ quiet: true, timeout: '180s' })`gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pamcmyk32 -r${dpi} ${`-sOutputFile=${path.join(dir, 'p%05d.pam')}`} ${file}`;
    const result: PageInk[] = [];
    for (const name of (await readdir(dir)).sort()) {
      const data = await readFile(path.join(dir, name));
      const header = data.toString('latin1', 0, Math.min(200, data.length));
      const width = Number(/WIDTH (\d+)/.exec(header)?.[1]);
      const height = Number(/HEIGHT (\d+)/.exec(header)?.[1]);
      const headerEnd = data.indexOf('ENDHDR\n') + 'ENDHDR\n'.length;
      const page = result.length + 1;
      const scale = dpi / 72;
      const box = inside(page);
      // The rectangle in pixel rows and columns (rows run down from the top).
      const [left, right, top, bottom] = box ? [box[0] * scale, box[2] * scale, height - box[3] * scale, height - box[1] * scale] : [0, width, 0, height];
      let max = 0;
      let outside = 0;
      for (let i = headerEnd, p = 0; i + 3 < data.length; i += 4, p++) {
        const sum = (data[i] as number) + (data[i + 1] as number) + (data[i + 2] as number) + (data[i + 3] as number);
        if (sum > max) max = sum;
        if (sum === 0 || !box) continue;
        const x = (p % width) + 0.5;
        const y = Math.floor(p / width) + 0.5;
        if (x < left - 1 || x > right + 1 || y < top - 1 || y > bottom + 1) outside++;
      }
      result.push({ page, maxTotal: Math.round((max / 255) * 1000) / 10, outside });
    }
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
