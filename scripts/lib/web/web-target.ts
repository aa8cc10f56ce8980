import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Book } from '../book.ts';
import { imageFiles } from '../images.ts';
import { writeDirAtomic } from '../output-dir.ts';
import { libDir, stylesDir } from '../paths.ts';
import type { WebResult } from '../targets/outputs.ts';
import { whenIdle, type Target, type TargetContext } from '../targets/target.ts';
import { webFonts } from './web-fonts.ts';
import { webHtml } from './web-html.ts';

export interface WebEditionOptions {
  book: Book;
  /** The output folder; the edition goes into its `web/` folder. */
  outDir: string;
  version: string;
  date: Date;
}

const runtimeDir = path.join(libDir, 'web', 'runtime');

/** The folder a build writes the web edition to. */
export function webDir(outDir: string): string {
  return path.join(outDir, 'web');
}

/** The web edition's pages, styles, scripts and fonts, as they will be written. */
interface WebEditionFiles {
  html: string;
  fonts: Awaited<ReturnType<typeof webFonts>>;
  css: Buffer;
  theme: Buffer;
}

async function webEditionFiles({ book, version, date }: Omit<WebEditionOptions, 'outDir'>): Promise<WebEditionFiles> {
  const fonts = await webFonts(book);
  const html = webHtml(book, {
    version,
    buildDate: date,
    stylesheets: ['fonts.css', 'web.css'],
    scripts: ['theme.js'],
  });
  const [css, theme] = await Promise.all([readFile(path.join(stylesDir, 'web.css')), readFile(path.join(runtimeDir, 'theme.js'))]);
  return { html, fonts, css, theme };
}

/** Book model -> index.html, web.css, fonts.css, theme.js and the woff2 fonts, all relative links. */
export async function buildWebEdition(options: WebEditionOptions): Promise<WebResult> {
  return writeWebEdition(options.book, options.outDir, await webEditionFiles(options));
}

async function writeWebEdition(book: Book, outDir: string, { html, fonts, css, theme }: WebEditionFiles): Promise<WebResult> {
  const dir = webDir(outDir);
  const files: string[] = [];
  let bytes = 0;
  await writeDirAtomic(dir, async (temp) => {
    const write = async (name: string, data: string | Buffer): Promise<void> => {
      await writeFile(path.join(temp, name), data);
      files.push(name);
      bytes += Buffer.byteLength(data);
    };
    await write('index.html', html);
    await write('fonts.css', fonts.css);
    await write('web.css', css);
    await write('theme.js', theme);
    // The files reading found and decoded, inside the manuscript folder: nothing else is copied.
    for (const { file, relative } of imageFiles(book.chapters.flatMap((c) => c.images))) {
      const target = path.join(temp, 'images', ...relative.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await copyFile(file, target);
      files.push(`images/${relative}`);
      bytes += (await stat(target)).size;
    }
    await mkdir(path.join(temp, 'fonts'));
    for (const font of fonts.files) {
      const target = path.join(temp, 'fonts', font.name);
      await copyFile(font.from, target);
      files.push(`fonts/${font.name}`);
      bytes += (await stat(target)).size;
    }
  });
  return { dir, index: path.join(dir, 'index.html'), files, bytes };
}

/** The pages of each build's web edition, made while Node waits on the print edition's layout: the edition
 * reads no other format's output. */
const begun = new WeakMap<TargetContext, () => Promise<WebEditionFiles>>();

export const webTarget: Target = {
  format: 'web',
  needs: [],
  reads: [],
  begin(context) {
    begun.set(context, whenIdle(context, () => webEditionFiles({ book: context.book, version: context.version, date: context.date })));
  },
  async build(context) {
    context.progress.step('web: writing the web edition');
    const made = begun.get(context);
    begun.delete(context);
    const files = await (made?.() ?? webEditionFiles({ book: context.book, version: context.version, date: context.date }));
    const result = await writeWebEdition(context.book, context.writeDir, files);
    context.outputs.web = result;
    return { file: result.dir, detail: `${result.files.length} files`, bytes: result.bytes };
  },
};
