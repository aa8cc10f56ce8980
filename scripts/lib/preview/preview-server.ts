import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lookupSite, type SiteMap } from '../browser.ts';
import { atInterrupt } from '../interrupt.ts';
import { libDir, stylesDir } from '../paths.ts';
import { pageBundle } from '../page-bundles.ts';
import { printScripts, printSite } from '../print/paginate.ts';
import { PAGEDJS_PATH, RUNTIME_PATH } from '../print/print-html.ts';
import { webDir } from '../web/web-target.ts';
import { createPreviewBuilder, type PreviewState } from './preview-build.ts';
import { shellHtml } from './shell-html.ts';
import { watchFolders, type Watcher } from './watch.ts';

export interface PreviewOptions {
  manuscriptDir: string;
  /** 127.0.0.1 unless asked otherwise: the preview is for this machine. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Called after every rebuild (the CLI prints a line). */
  onBuild?: (state: PreviewState) => void;
}

export interface PreviewServer {
  url: string;
  host: string;
  port: number;
  state(): PreviewState;
  close(): Promise<void>;
}

const clientDir = path.join(libDir, 'preview', 'client');
const MANUSCRIPT_PREFIX = '/manuscript/';
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The print document as the paged view loads it: the spread layout after the book's styles. */
function pagedDocument(html: string): string {
  return html.replace('</head>', '<link rel="stylesheet" href="/__preview/paged-view.css">\n</head>');
}

/**
 * Serves the preview: `/` the shell (paged view and web view), `/paged/<unit>.html` the print document of
 * each unit of the book for Paged.js, `/web/` the web edition, `/__preview/events` server-sent events after each rebuild; and the
 * assets the print document names (styles/, the runtime, the manuscript folder, Paged.js, the font).
 * Anything else is 404, a path that climbs out is 403, and nothing is listed.
 */
export async function startPreviewServer(options: PreviewOptions): Promise<PreviewServer> {
  const host = options.host ?? '127.0.0.1';
  const workDir = await mkdtemp(path.join(tmpdir(), 'book-preview-'));
  const forgetWorkDir = atInterrupt(() => rmSync(workDir, { recursive: true, force: true }));
  const builder = createPreviewBuilder({ manuscriptDir: options.manuscriptDir, workDir });
  const clients = new Set<ServerResponse>();

  const site = async (): Promise<SiteMap> => {
    const { units, fontPackages } = builder.state;
    const print = printSite('', path.resolve(options.manuscriptDir), fontPackages, await printScripts());
    return {
      origin: '',
      documents: {
        '/': { body: shellHtml(), contentType: 'text/html; charset=utf-8' },
        [PAGEDJS_PATH]: print.documents[PAGEDJS_PATH] as SiteMap['documents'][string],
        [RUNTIME_PATH]: print.documents[RUNTIME_PATH] as SiteMap['documents'][string],
        '/__preview/shell.js': { body: await pageBundle('preview-shell'), contentType: 'text/javascript; charset=utf-8' },
        ...Object.fromEntries(units.map((unit) => [`/paged/${unit.id}.html`, { body: pagedDocument(unit.html), contentType: 'text/html; charset=utf-8' }])),
      },
      folders: { ...print.folders, '/__preview/': clientDir, '/web/': webDir(workDir) },
    };
  };

  const servesFromManuscript = (pathname: string): boolean => {
    try {
      return builder.state.manuscriptFiles.has(path.posix.normalize(decodeURIComponent(pathname.slice(MANUSCRIPT_PREFIX.length))));
    } catch {
      return false;
    }
  };

  let webVersion = 0;
  const event = (state: PreviewState): string =>
    `event: build\ndata: ${JSON.stringify({ version: state.version, ok: state.ok, diagnostics: state.diagnostics, buildMs: Math.round(state.buildMs), units: state.units.map(({ id, key, roman }) => ({ id, key, ...(roman ? { roman } : {}) })) })}\n\n`;
  const webEvent = (): string => `event: web\ndata: ${JSON.stringify({ version: webVersion })}\n\n`;
  const broadcast = (message: string): void => {
    for (const client of clients) client.write(message);
  };
  /** The unit documents go out at once; the web edition is written when the web view asks for it. */
  const rebuild = async (): Promise<void> => {
    const state = await builder.rebuild();
    broadcast(event(state));
    if (state.ok) {
      webVersion = state.version;
      broadcast(webEvent());
    }
    options.onBuild?.(state);
  };

  const allowedHost = (header: string | undefined): boolean => {
    // A page elsewhere could point its own name at 127.0.0.1 (DNS rebinding): on loopback, answer only
    // requests that name this machine.
    if (!LOOPBACK_NAMES.has(host) && host !== '::1') return true;
    const name = (header ?? '').replace(/:\d+$/, '').toLowerCase();
    return LOOPBACK_NAMES.has(name);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const send = (status: number, text: string): void => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
      response.end(`${text}\n`);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'method not allowed');
    if (!allowedHost(request.headers.host)) return send(403, 'forbidden host');
    // The raw path, not a URL-normalised one: `/../x` must reach lookupSite as written to be refused.
    const pathname = (request.url ?? '/').split(/[?#]/)[0] ?? '/';
    if (!pathname.startsWith('/')) return send(400, 'bad request');
    if (pathname === '/__preview/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      response.write(`retry: 500\n\n${event(builder.state)}${webVersion ? webEvent() : ''}`);
      clients.add(response);
      request.on('close', () => clients.delete(response));
      return;
    }
    if (pathname === '/web' || pathname === '/web/') {
      response.writeHead(302, { location: '/web/index.html' });
      response.end();
      return;
    }
    if (pathname.startsWith('/web/')) await builder.writeWeb();
    // From the manuscript folder only what the book's pages load: not book.yaml, the sources or anything else there.
    if (pathname.startsWith(MANUSCRIPT_PREFIX) && !servesFromManuscript(pathname)) {
      return send(pathname.includes('..') || /%2e|%2f|%5c/i.test(pathname) ? 403 : 404, 'not found');
    }
    const found = await lookupSite(await site(), pathname);
    if (found.kind === 'outside') return send(pathname.includes('..') || /%2e|%2f|%5c/i.test(pathname) ? 403 : 404, 'not found');
    if (found.kind === 'missing') return send(404, 'not found');
    response.writeHead(200, {
      'content-type': found.contentType,
      // Installed packages (Paged.js, the fonts) do not change while the preview runs; the rest may.
      'cache-control': pathname.startsWith('/pkg/') ? 'max-age=3600' : 'no-store',
      'x-content-type-options': 'nosniff',
    });
    response.end(request.method === 'HEAD' ? undefined : found.body);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`internal error: ${(error as Error).message}\n`);
    });
  });

  let watcher: Watcher | undefined;
  try {
    watcher = await watchFolders([path.resolve(options.manuscriptDir), stylesDir], rebuild, { first: rebuild });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 4173, host, () => resolve());
    });
  } catch (error) {
    await watcher?.close();
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}/`,
    host: address.address,
    port: address.port,
    state: () => builder.state,
    async close() {
      await watcher?.close();
      for (const client of clients) client.end();
      clients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(workDir, { recursive: true, force: true });
      forgetWorkDir();
    },
  };
}
