import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchBrowser } from '../browser.ts';
import { loadConfig } from '../config/load-config.ts';
import { contentsEntries } from '../book-structure.ts';
import { startPreviewServer } from './preview-server.ts';

export interface LatencySample {
  /** From writing the chapter to the new text on the paged view, as the browser shows it. */
  ms: number;
  /** From writing the chapter to the whole chapter laid out again and on show. */
  wholeMs: number;
}

/** Where in the chapter the sentence goes: its first paragraph, the plain paragraph halfway through its plain
 * paragraphs, or its last. */
export type EditPlace = 'start' | 'middle' | 'end';

/**
 * Saves a chapter of a copy of the manuscript `runs` times with a new sentence in its first or last paragraph
 * and measures how long until the open preview in headless Chromium shows the paginated pages with it.
 */
export async function measurePreviewLatency(manuscriptDir: string, runs: number, place: EditPlace = 'start'): Promise<LatencySample[]> {
  const work = await mkdtemp(path.join(tmpdir(), 'book-preview-bench-'));
  const copy = path.join(work, 'manuscript');
  await cp(manuscriptDir, copy, { recursive: true });
  const { config } = await loadConfig(copy);
  const chapter = path.join(copy, contentsEntries(config)[0]?.file ?? '');
  const original = await readFile(chapter, 'utf8');
  const server = await startPreviewServer({ manuscriptDir: copy, port: 0 });
  const session = await launchBrowser();
  const samples: LatencySample[] = [];
  try {
    const page = await session.browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    await page.goto(server.url, { waitUntil: 'load' });
    await page.waitForFunction('window.preview && window.preview.pagedVersion > 0', { timeout: 300_000 });
    for (let run = 1; run <= runs; run++) {
      // Digits only: the pipeline hyphenates words but never a number, so the text shows up as written.
      const marker = `${Date.now()}${run}`;
      const edited = withSentence(original, `Meting ${marker}.`, place);
      const start = performance.now();
      await writeFile(chapter, edited);
      // The frames' text is read only when the shell has changed the pages on show (it counts the changes in the
      // same task): read every 10 ms, the whole book's text took the page's main thread from the layout it
      // measures (at 20×, ~300 pages a time).
      await page.waitForFunction(
        (text: string) => {
          const seen = window as unknown as { preview: { pageChanges: number }; latencyReadChanges?: number };
          if (seen.preview.pageChanges === seen.latencyReadChanges) return false;
          seen.latencyReadChanges = seen.preview.pageChanges;
          return Array.from(document.querySelectorAll<HTMLIFrameElement>('.frames iframe:not(.next)')).some((frame) =>
            Boolean(frame.contentDocument?.querySelector('.pagedjs_pages')?.textContent?.includes(text)),
          );
        },
        { timeout: 60_000, polling: 10 },
        marker,
      );
      const ms = performance.now() - start;
      // The first pages of a layout go on show before the rest is laid out: the next save waits for the rest.
      await page.waitForFunction('window.preview.pagedVersion === window.preview.buildVersion', { timeout: 120_000, polling: 10 });
      samples.push({ ms, wholeMs: performance.now() - start });
    }
  } finally {
    await session.close();
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
  return samples;
}

/** The chapter with a sentence added to its first, middle or last plain paragraph (not a heading, lead or note). */
export function withSentence(source: string, sentence: string, place: EditPlace = 'start'): string {
  const blocks = source.split('\n\n');
  const plain = (b: string): boolean => /^[^#\[\s>*-]/.test(b) && !/\{\.[\w-]+\}\s*$/.test(b);
  const plainIndexes = blocks.flatMap((block, i) => (plain(block) ? [i] : []));
  const index = (place === 'start' ? plainIndexes[0] : place === 'end' ? plainIndexes[plainIndexes.length - 1] : plainIndexes[Math.floor(plainIndexes.length / 2)]) ?? -1;
  if (index < 0) return `${source.trimEnd()}\n\n${sentence}\n`;
  blocks[index] = `${blocks[index]} ${sentence}`;
  return blocks.join('\n\n');
}
