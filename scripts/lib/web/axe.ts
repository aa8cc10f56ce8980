import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, HTTPRequest } from 'puppeteer';
import { diagnostic, type Diagnostic } from '../diagnostics.ts';
import { packageDir } from '../paths.ts';

/** How the page is shown while axe looks at it: narrow (phone) or wide, light or dark. */
export interface AxeView {
  name: string;
  width: number;
  height: number;
  colorScheme: 'light' | 'dark';
}

export const AXE_VIEWS: AxeView[] = [
  { name: 'phone, light', width: 390, height: 844, colorScheme: 'light' },
  { name: 'phone, dark', width: 390, height: 844, colorScheme: 'dark' },
  { name: 'desktop, light', width: 1400, height: 900, colorScheme: 'light' },
  { name: 'desktop, dark', width: 1400, height: 900, colorScheme: 'dark' },
];

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

/**
 * Runs axe-core (every rule it runs by default: WCAG 2.x A and AA and best practices) on an HTML file opened
 * from disk, in each view. Only file: URLs inside the file's folder are loaded, so the check is hermetic too.
 */
export async function axeViolations(browser: Browser, file: string, displayName: string, views: AxeView[] = AXE_VIEWS): Promise<Diagnostic[]> {
  const axeSource = await readFile(path.join(packageDir('axe-core'), 'axe.min.js'), 'utf8');
  const folder = pathToFileURL(path.dirname(file)).href;
  const diagnostics: Diagnostic[] = [];
  for (const view of views) {
    const page = await browser.newPage();
    try {
      await page.setRequestInterception(true);
      page.on('request', (request: HTTPRequest) => {
        const url = request.url();
        if (url.startsWith(`${folder}/`) || url.startsWith('data:')) void request.continue();
        else void request.abort('blockedbyclient');
      });
      await page.setViewport({ width: view.width, height: view.height });
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: view.colorScheme }]);
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 30_000 });
      await page.evaluate(() => document.fonts.ready);
      await page.addScriptTag({ content: axeSource });
      const result = (await page.evaluate('axe.run(document)')) as AxeResult;
      for (const v of result.violations) {
        diagnostics.push(
          diagnostic(
            'web/a11y-violation',
            { file: displayName, source: 'axe-core' },
            `${view.name}: ${v.help} [axe ${v.id}, ${v.impact ?? 'unknown'}] at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''}`,
          ),
        );
      }
    } finally {
      await page.close().catch(() => undefined);
    }
  }
  return diagnostics;
}
