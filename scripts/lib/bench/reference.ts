import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findChromium } from '../browser.ts';
import { loadBook } from '../book.ts';
import { libDir, packageDir, stylesDir } from '../paths.ts';
import { bookDocument } from '../print/units.ts';
import { runTimed } from './process-tree.ts';

/**
 * The book's one-document HTML as pagedjs-cli takes it: the same content, page set-up, design and fonts,
 * as local files (file:// URLs); without our Paged.js copy and runtime, since pagedjs-cli brings its own.
 */
export async function writeReferenceHtml(manuscriptDir: string, file: string): Promise<void> {
  const book = await loadBook({ manuscriptDir });
  const html = bookDocument(book, { version: 'bench', buildDate: new Date(0) })
    .replace(/<script[^>]*>[\s\S]*?<\/script>\n?/g, '')
    .replace(/href="\/styles\//g, `href="${pathToFileURL(stylesDir).href}/`)
    .replace(/href="\/pkg\/([^"]+)"/g, (_, rest: string) => {
      const name = rest.startsWith('@') ? rest.split('/').slice(0, 2).join('/') : (rest.split('/')[0] as string);
      return `href="${pathToFileURL(path.join(packageDir(name), rest.slice(name.length + 1))).href}"`;
    });
  await writeFile(file, html);
}

export interface TimedRun {
  seconds: number;
  peakBytes: number;
}

/** Runs pagedjs-cli without its puppeteer's three-minute limit on a protocol call (the file says why). */
export const PAGEDJS_CLI_RUNNER = path.join(libDir, 'bench', 'pagedjs-cli-protocol-timeout.mjs');

/** pagedjs-cli 0.4.3 on that HTML, with our build's Chromium and remote requests blocked. */
export async function runPagedjsCli(html: string, pdf: string, measureMemory = false): Promise<TimedRun> {
  const cli = path.join(packageDir('pagedjs-cli'), 'src', 'cli.js');
  // The Chromium our build uses: the peer gets the same start.
  const chromium = findChromium();
  const run = await runTimed([PAGEDJS_CLI_RUNNER, cli, html, '-o', pdf, '--blockRemote', '--browserArgs', '--no-sandbox,--disable-gpu,--font-render-hinting=none', '--timeout', '3600000'], {
    env: { PUPPETEER_EXECUTABLE_PATH: chromium, PUPPETEER_SKIP_DOWNLOAD: '1' },
    measureMemory,
  });
  if (run.code !== 0) throw new Error(`pagedjs-cli failed (${run.code}):\n${run.stderr}`);
  return { seconds: run.seconds, peakBytes: run.peakBytes };
}
