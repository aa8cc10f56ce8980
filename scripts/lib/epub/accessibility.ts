import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import type { Browser, HTTPRequest } from 'puppeteer';
import { diagnostic, type Diagnostic } from '../diagnostics.ts';
import { packageDir } from '../paths.ts';

const ORIGIN = 'http://epub.invalid';
const TYPES: Record<string, string> = {
  '.xhtml': 'application/xhtml+xml',
  '.css': 'text/css',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.woff2': 'font/woff2',
};

/** What axe reports for one document. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

export interface DocumentResult {
  path: string;
  violations: AxeViolation[];
}

/** The XHTML documents of the spine and the navigation document, in reading order. */
export function contentDocumentPaths(files: Record<string, Uint8Array>): string[] {
  const container = strFromU8(files['META-INF/container.xml'] ?? new Uint8Array());
  const opfPath = /full-path="([^"]+)"/.exec(container)?.[1] ?? '';
  const opf = strFromU8(files[opfPath] ?? new Uint8Array());
  const base = path.posix.dirname(opfPath);
  const items = new Map<string, { href: string; type: string; nav: boolean }>();
  for (const [, attrs = ''] of opf.matchAll(/<item\s([^>]*)\/?>/g)) {
    const get = (name: string): string => new RegExp(`${name}="([^"]*)"`).exec(attrs)?.[1] ?? '';
    items.set(get('id'), { href: get('href'), type: get('media-type'), nav: /\bnav\b/.test(get('properties')) });
  }
  const spine = [...opf.matchAll(/<itemref\s[^>]*idref="([^"]+)"/g)].map((m) => m[1] ?? '');
  const ordered = [...spine, ...[...items].filter(([, i]) => i.nav).map(([id]) => id)];
  return [...new Set(ordered)]
    .map((id) => items.get(id))
    .filter((i): i is { href: string; type: string; nav: boolean } => i?.type === 'application/xhtml+xml')
    .map((i) => path.posix.join(base, i.href));
}

/**
 * Opens every content document of the EPUB in Chromium as XHTML (served from the EPUB itself, nothing
 * else), injects axe-core and runs the WCAG 2.x A/AA rules and axe's best practices.
 */
export async function auditEpub(browser: Browser, epub: Uint8Array, timeoutMs = 60_000): Promise<DocumentResult[]> {
  const files = unzipSync(epub);
  const axeSource = await readFile(path.join(packageDir('axe-core'), 'axe.min.js'), 'utf8');
  const results: DocumentResult[] = [];
  for (const doc of contentDocumentPaths(files)) {
    const page = await browser.newPage();
    try {
      await page.setRequestInterception(true);
      page.on('request', (request: HTTPRequest) => {
        const url = request.url();
        const name = url.startsWith(`${ORIGIN}/`) ? decodeURIComponent(new URL(url).pathname.slice(1)) : '';
        const body = files[name];
        if (url.startsWith('data:')) void request.continue();
        else if (!body) void request.respond({ status: 404, contentType: 'text/plain', body: 'not in the EPUB' });
        else void request.respond({ status: 200, contentType: TYPES[path.extname(name)] ?? 'application/octet-stream', body: Buffer.from(body) });
      });
      page.setDefaultTimeout(timeoutMs);
      await page.goto(`${ORIGIN}/${doc}`, { waitUntil: 'load', timeout: timeoutMs });
      await page.addScriptTag({ content: axeSource });
      const violations = (await page.evaluate(`axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
        resultTypes: ['violations'],
      }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`)) as AxeViolation[];
      results.push({ path: doc, violations });
    } finally {
      await page.close().catch(() => undefined);
    }
  }
  return results;
}

export function accessibilityDiagnostics(results: readonly DocumentResult[], displayFile: string): Diagnostic[] {
  return results.flatMap((doc) =>
    doc.violations.map((v) =>
      diagnostic(
        'epub/a11y-violation',
        { file: `${displayFile}!/${doc.path}`, source: 'axe-core' },
        `${v.id} (${v.impact ?? 'no impact given'}): ${v.help}; ${v.nodes.length} element(s): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`,
      ),
    ),
  );
}
