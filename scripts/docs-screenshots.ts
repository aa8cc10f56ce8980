#!/usr/bin/env tsx
// npx tsx scripts/docs-screenshots.ts — the README's pictures, made from the real preview and web edition:
// docs/preview-paged.png (the paged view at a spread) and docs/web-wide.png, docs/web-phone.png.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readBook } from './lib/book.ts';
import { launchBrowser } from './lib/browser.ts';
import { projectRoot, projectVersion } from './lib/paths.ts';
import { startPreviewServer } from './lib/preview/preview-server.ts';
import { runCli } from './lib/run-cli.ts';
import { buildWebEdition } from './lib/web/web-target.ts';

await runCli(async () => {
  const docs = path.join(projectRoot, 'docs');
  const manuscriptDir = path.join(projectRoot, 'manuscript');
  const out = await mkdtemp(path.join(tmpdir(), 'book-docs-'));
  const server = await startPreviewServer({ manuscriptDir, port: 0 });
  const session = await launchBrowser();
  try {
    const page = await session.browser.newPage();
    await page.setViewport({ width: 1280, height: 820 });
    await page.goto(server.url, { waitUntil: 'load' });
    await page.waitForFunction('window.preview && window.preview.pagedVersion > 0', { timeout: 90_000 });
    await page.type('#jump-page', '6');
    await page.click('.jump button[type=submit]');
    await page.screenshot({ path: path.join(docs, 'preview-paged.png') });

    const web = await buildWebEdition({ book: await readBook({ manuscriptDir }), outDir: out, version: projectVersion(), date: new Date() });
    const url = pathToFileURL(web.index).href;
    await page.setViewport({ width: 1400, height: 860 });
    await page.goto(url, { waitUntil: 'load' });
    await page.evaluate(async () => {
      await document.fonts.ready;
      document.querySelector('.chapter h2')?.scrollIntoView();
      window.scrollBy(0, -24);
    });
    await page.screenshot({ path: path.join(docs, 'web-wide.png') });
    await page.setViewport({ width: 390, height: 760, deviceScaleFactor: 1 });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await page.goto(`${url}#ch1-fn-2`, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: path.join(docs, 'web-phone-dark.png') });
  } finally {
    await session.close();
    await server.close();
    await rm(out, { recursive: true, force: true });
  }
});
