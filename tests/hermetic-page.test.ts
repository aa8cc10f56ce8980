import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { BOOK_ORIGIN, launchBrowser, serveHermetically, type BrowserSession } from '../scripts/lib/browser.ts';

/**
 * The page's last line of defence. Reading refuses remote images and stylesheets at their line before a browser
 * starts, so no manuscript reaches this any more; the guard is tested on its own: whatever a page asks for
 * outside the build's origin is refused and recorded, and never reaches the network (a server on this machine
 * stands in for it and counts what arrives).
 */
describe('a page served hermetically', () => {
  let session: BrowserSession;
  let server: Server;
  let arrived: string[];
  let remote: string;

  before(async () => {
    arrived = [];
    server = createServer((request, response) => {
      arrived.push(request.url ?? '');
      response.end('');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    remote = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    session = await launchBrowser();
  });
  after(async () => {
    await session?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  test('refuses and records every request outside its origin: image, stylesheet, font, script fetch; serves its own documents', async () => {
    const page = await session.browser.newPage();
    const blocked: string[] = [];
    const html = [
      '<!doctype html><html><head>',
      `<link rel="stylesheet" href="${remote}/style.css">`,
      `<style>@font-face { font-family: X; src: url(${remote}/font.woff2); } body { font-family: X; }</style>`,
      '<link rel="stylesheet" href="/own.css">',
      '</head><body><p>Tekst</p>',
      `<img src="${remote}/kaart.png" alt="kaart">`,
      `<script>fetch('${remote}/data.json').catch(() => {}).finally(() => { window.done = true; });</script>`,
      '</body></html>',
    ].join('');
    await serveHermetically(page, { origin: BOOK_ORIGIN, folders: {}, documents: { '/index.html': { body: html, contentType: 'text/html' }, '/own.css': { body: 'p { color: rgb(1, 2, 3); }', contentType: 'text/css' } } }, blocked);
    await page.goto(`${BOOK_ORIGIN}/index.html`, { waitUntil: 'load' });
    await page.waitForFunction('window.done === true');
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('p') as Element).color), 'rgb(1, 2, 3)', 'its own stylesheet is served');
    await page.close();
    for (const name of ['style.css', 'kaart.png', 'data.json', 'font.woff2']) assert.ok(blocked.includes(`${remote}/${name}`), `${name} not recorded: ${JSON.stringify(blocked)}`);
    assert.deepEqual(arrived, [], 'a request reached the network');
  });
});
