import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BOOK_ORIGIN, launchBrowser, serveHermetically, type BrowserSession } from '../scripts/lib/browser.ts';
import { patchedResponse, portableResponse, responsesEncodedWithBuffer } from '../scripts/lib/puppeteer-patches.ts';

/** Every byte value, twice, and a stretch long enough for puppeteer's encoder to work in several chunks. */
const ALL_BYTES = Uint8Array.from({ length: 512 + 200_000 }, (_, i) => (i * 7 + (i >> 8)) % 256);

describe('puppeteer patches (puppeteer-patches.ts)', () => {
  test("a response's length and base64 are the same as puppeteer's own, for text and for bytes", () => {
    const bodies: (string | Uint8Array)[] = [
      '',
      'p { color: red }',
      'Staat en revolutie — «Lenins strijd» tegen het stalinisme: één, ĳ, Åke, “aanhalingen”',
      'emoji 📕 and a lone surrogate \ud800 and another \udc00 at the end',
      'x'.repeat(300_000),
      new Uint8Array(0),
      ALL_BYTES,
      // A view into a larger buffer: only its own bytes are the body.
      ALL_BYTES.subarray(3, 1_003),
      Buffer.from('een Buffer met ü'),
    ];
    for (const body of bodies) {
      const label = typeof body === 'string' ? `text of ${body.length}` : `${body.byteLength} bytes`;
      assert.deepEqual(patchedResponse(body), portableResponse(body), label);
    }
  });

  describe('in a page', () => {
    let session: BrowserSession;
    let folder: string;
    before(async () => {
      folder = await mkdtemp(path.join(tmpdir(), 'puppeteer-patches-'));
      await writeFile(path.join(folder, 'bytes.bin'), ALL_BYTES);
      session = await launchBrowser();
    });
    after(async () => {
      await session?.close();
      await rm(folder, { recursive: true, force: true });
    });

    test('a page served by the build gets every byte of its text and binary files', async () => {
      const page = await session.browser.newPage();
      const text = 'const woorden = "één ĳsberg — Åke 📕";';
      const html = '<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>';
      await serveHermetically(
        page,
        {
          origin: BOOK_ORIGIN,
          folders: { '/files/': folder },
          documents: {
            '/index.html': { body: html, contentType: 'text/html' },
            '/woorden.js': { body: text, contentType: 'text/javascript' },
          },
        },
        [],
      );
      assert.ok(responsesEncodedWithBuffer(), 'serving a page did not patch the encoding: puppeteer changed where it encodes a body');
      await page.goto(`${BOOK_ORIGIN}/index.html`, { waitUntil: 'load' });
      const received = await page.evaluate(async () => {
        const script = await (await fetch('/woorden.js')).text();
        const bytes = new Uint8Array(await (await fetch('/files/bytes.bin')).arrayBuffer());
        return { script, bytes: Array.from(bytes) };
      });
      await page.close();
      assert.equal(received.script, text);
      assert.deepEqual(received.bytes, Array.from(ALL_BYTES));
    });
  });
});
