import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import type { HTTPRequest, Page } from 'puppeteer';
import { BOOK_ORIGIN, launchBrowser, type BrowserSession } from '../scripts/lib/browser.ts';
import { packageDir, projectRoot } from '../scripts/lib/paths.ts';
// For its part of the run log (the file's time, from which tests/durations.json comes), as every test file has it.
import './helpers.ts';

/**
 * The runtime's fitting of tables to the measure (scripts/lib/print/runtime/tables.ts), in Chromium, with the
 * face a table is set in served late: a build under load once measured the kitchen sink's twelve-column table
 * in the fallback face, found it fitted once condensed, and left it unturned, squeezed into the measure.
 */

let session: BrowserSession;
let script: string;
let face: Buffer;

before(async () => {
  const [started, bundled, font] = await Promise.all([
    launchBrowser(),
    build({
      stdin: { contents: "import { fitTables } from './scripts/lib/print/runtime/tables.ts';\nObject.assign(window, { fitTables });", resolveDir: projectRoot, loader: 'ts' },
      bundle: true,
      format: 'iife',
      write: false,
      logLevel: 'silent',
    }),
    readFile(path.join(packageDir('@fontsource/source-code-pro'), 'files', 'source-code-pro-latin-400-normal.woff2')),
  ]);
  session = started;
  script = (bundled.outputFiles[0] as { text: string }).text;
  face = font;
});
after(async () => {
  await session?.close();
});

const CELLS = Array.from({ length: 8 }, (_, i) => `<td>kolom ${i + 1}</td>`).join('');
/** Words the pipeline's soft hyphens split into syllables. */
const SYLLABLES = Array.from({ length: 8 }, () => '<td>ar\u00adbei\u00adders\u00adraad</td>').join('');

/**
 * A chapter with one table set in a face of its own, one in its fallback alone, and one of hyphenated words
 * (`.syllables`), at `measure`; the face answered after `delayMs`.
 */
async function open(measure: string, delayMs: number): Promise<Page> {
  const page = await session.browser.newPage();
  const html = `<!doctype html><html lang="nl"><head><meta charset="utf-8"><style>
@font-face { font-family: "Late"; src: url(/late.woff2) format("woff2"); }
:root { --text-width: ${measure}; }
body { margin: 0; font: 12px/16px serif; }
table { border-collapse: collapse; }
td { white-space: nowrap; padding: 0 4px; }
.late { font-family: "Late", serif; }
.syllables td { white-space: normal; }
</style><script src="/tables.js"></script>
<script>for (const face of document.fonts) face.load().catch(() => undefined);</script></head>
<body><section class="chapter"><table class="late"><tr>${CELLS}</tr></table><table class="fallback"><tr>${CELLS}</tr></table><table class="syllables"><tr>${SYLLABLES}</tr></table></section></body></html>`;
  await page.setRequestInterception(true);
  page.on('request', (request: HTTPRequest) => {
    const url = new URL(request.url());
    const answer = (body: string | Buffer, contentType: string): void => void request.respond({ status: 200, contentType, body }).catch(() => undefined);
    if (url.origin !== BOOK_ORIGIN) void request.abort().catch(() => undefined);
    else if (url.pathname === '/index.html') answer(html, 'text/html');
    else if (url.pathname === '/tables.js') answer(script, 'text/javascript');
    else if (url.pathname === '/late.woff2') setTimeout(() => answer(face, 'font/woff2'), delayMs);
    else void request.respond({ status: 404, body: '' }).catch(() => undefined);
  });
  await page.goto(`${BOOK_ORIGIN}/index.html`, { waitUntil: 'domcontentloaded' });
  return page;
}

describe('tables fitted to the measure', () => {
  test('a table is measured in the face it is set in, not in the fallback shown while the face is still loading', async () => {
    // The two widths, the face in: the measure is set between them.
    const measuring = await open('100%', 0);
    const { inFace, inFallback } = await measuring.evaluate(async () => {
      await document.fonts.ready;
      const [late, fallback] = ['.late', '.fallback'].map((selector) => (document.querySelector(selector) as HTMLElement).getBoundingClientRect().width);
      return { inFace: late as number, inFallback: fallback as number };
    });
    await measuring.close();
    assert.ok(Math.abs(inFace - inFallback) > 0.1 * inFallback, `the face (${inFace} px) and its fallback (${inFallback} px) are too alike to tell apart`);
    const measure = (inFace + inFallback) / 2;

    const page = await open(`${measure}px`, 1500);
    const fitted = await page.evaluate(async () => {
      const late = document.querySelector('.late') as HTMLElement;
      const loadingWhenCalled = [...document.fonts].some((f) => f.status === 'loading');
      await (window as unknown as { fitTables(): Promise<void> }).fitTables();
      return { loadingWhenCalled, turned: late.parentElement?.classList.contains('table-turned') ?? false, loaded: document.fonts.check('12px Late') };
    });
    await page.close();
    assert.ok(fitted.loadingWhenCalled, 'the face was in before the tables were fitted: the test shows nothing');
    assert.ok(fitted.loaded);
    assert.equal(fitted.turned, inFace > measure, `set in its face the table is ${inFace} px against a measure of ${measure} px`);
  });

  test('a table fits the measure only with its words whole: one that fits only broken at soft hyphens is turned', async () => {
    // The table's narrowest, its words broken at every soft hyphen and kept whole: the measure set between.
    const measuring = await open('1px', 0);
    const { broken, whole } = await measuring.evaluate(async () => {
      await document.fonts.ready;
      document.body.style.width = 'var(--text-width)';
      const table = document.querySelector('.syllables') as HTMLElement;
      const narrowest = table.getBoundingClientRect().width;
      table.style.hyphens = 'none';
      return { broken: narrowest, whole: table.getBoundingClientRect().width };
    });
    await measuring.close();
    assert.ok(whole > 1.2 * broken, `whole words (${whole} px) against syllables (${broken} px)`);
    const page = await open(`${(broken + whole) / 2}px`, 0);
    const fitted = await page.evaluate(async () => {
      await (window as unknown as { fitTables(): Promise<void> }).fitTables();
      const table = document.querySelector('.syllables') as HTMLElement;
      return { turned: table.parentElement?.classList.contains('table-turned') ?? false, condensed: table.classList.contains('table-condensed'), styles: document.head.querySelectorAll('style').length };
    });
    await page.close();
    assert.deepEqual(fitted, { turned: true, condensed: true, styles: 1 });
  });
});
