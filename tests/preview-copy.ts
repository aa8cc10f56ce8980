import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer';
import { launchBrowser, type BrowserSession } from '../scripts/lib/browser.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { startPreviewServer, type PreviewServer } from '../scripts/lib/preview/preview-server.ts';
import { removeDir } from './helpers.ts';

/** The book's one chapter, as the preview tests edit it. */
export const CHAPTER = '01-lenins-strijd-tegen-het-stalinisme.md';

/** `npm run preview` on a copy of the book, its shell open in a Chromium page with its first layout shown. */
export interface PreviewOfCopy {
  work: string;
  /** The copy's chapter file, and its text as copied. */
  chapter: string;
  original: string;
  server: PreviewServer;
  session: BrowserSession;
  page: Page;
  /** Chromium, the server and the copy gone. */
  close(): Promise<void>;
}

export async function openPreviewOfCopy(prefix: string, viewport: { width: number; height: number }): Promise<PreviewOfCopy> {
  const work = await mkdtemp(path.join(tmpdir(), prefix));
  let server: PreviewServer | undefined;
  let session: BrowserSession | undefined;
  const close = async (): Promise<void> => {
    await session?.close();
    await server?.close();
    await removeDir(work);
  };
  try {
    await cp(path.join(projectRoot, 'manuscript'), work, { recursive: true });
    const chapter = path.join(work, CHAPTER);
    const original = await readFile(chapter, 'utf8');
    server = await startPreviewServer({ manuscriptDir: work, port: 0 });
    session = await launchBrowser();
    const page = await session.browser.newPage();
    await page.setViewport(viewport);
    await page.goto(server.url, { waitUntil: 'load' });
    await page.waitForFunction('window.preview && window.preview.pagedVersion > 0', { timeout: 90_000 });
    return { work, chapter, original, server, session, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}
