import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { $ } from 'zx';

/** Thin wrappers over poppler-utils, for checks and tests that read a PDF the way other tools do. */

const execFileAsync = promisify(execFile);

/**
 * A command's standard output as UTF-8 text. Not zx here: zx 8 decodes each chunk of output on its own, so a
 * letter like ë whose two bytes fall in different chunks comes out as two replacement characters.
 */
export async function commandText(command: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  return stdout;
}

export interface PdfFont {
  name: string;
  type: string;
  embedded: boolean;
}

export async function pdfFonts(file: string): Promise<PdfFont[]> {
  const { stdout } = await $({ quiet: true })`pdffonts ${file}`;
  return stdout
    .split('\n')
    .slice(2)
    .filter((line) => line.trim())
    .map((line) => {
      // name, then type (may contain spaces), encoding, emb, sub, uni, object id
      const match = /^(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/.exec(line);
      if (!match) throw new Error(`cannot read pdffonts line: ${line}`);
      return { name: match[1] as string, type: match[2] as string, embedded: match[4] === 'yes' };
    });
}

/** Text of one page (1-based) or of all pages, as pdftotext extracts it. */
export async function pdfText(file: string, page?: number, mode: 'reading' | 'raw' | 'layout' = 'reading'): Promise<string> {
  const range = page ? ['-f', String(page), '-l', String(page)] : [];
  const flags = mode === 'reading' ? [] : [`-${mode}`];
  return commandText('pdftotext', ['-enc', 'UTF-8', ...flags, ...range, file, '-']);
}

export async function pdfPageTexts(file: string): Promise<string[]> {
  return (await pdfText(file)).split('\f').slice(0, -1);
}

export interface PdfInfo {
  fields: Record<string, string>;
  /** Boxes of page 1 in points: [x0, y0, x1, y1]. */
  boxes: Record<'MediaBox' | 'CropBox' | 'BleedBox' | 'TrimBox', number[]>;
}

export async function pdfInfo(file: string): Promise<PdfInfo> {
  const { stdout } = await $({ quiet: true })`pdfinfo -box ${file}`;
  const fields: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) fields[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  const box = (name: string): number[] => (fields[name] ?? '').split(/\s+/).map(Number);
  return {
    fields,
    boxes: { MediaBox: box('MediaBox'), CropBox: box('CropBox'), BleedBox: box('BleedBox'), TrimBox: box('TrimBox') },
  };
}

export type PageBoxes = Record<'MediaBox' | 'CropBox' | 'BleedBox' | 'TrimBox', number[]>;

/** Boxes of every page, as pdfinfo reports them (points, [x0, y0, x1, y1]). */
export async function pdfPageBoxes(file: string): Promise<PageBoxes[]> {
  const { stdout } = await $({ quiet: true })`pdfinfo -box -f 1 -l 100000 ${file}`;
  const pages: PageBoxes[] = [];
  for (const match of stdout.matchAll(/^Page\s+(\d+)\s+(MediaBox|CropBox|BleedBox|TrimBox):\s+(.+)$/gm)) {
    const index = Number(match[1]) - 1;
    pages[index] ??= { MediaBox: [], CropBox: [], BleedBox: [], TrimBox: [] };
    (pages[index] as PageBoxes)[match[2] as keyof PageBoxes] = (match[3] as string).trim().split(/\s+/).map(Number);
  }
  return pages;
}
