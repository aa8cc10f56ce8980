/**
 * A patch of puppeteer 24: the body of a response the build gives an intercepted request (`request.respond`,
 * browser.ts) is encoded in base64 by Node's `Buffer` instead of puppeteer's portable encoder.
 *
 * Puppeteer encodes a body for `Fetch.fulfillRequest` with `String.fromCodePoint` over chunks of the bytes and
 * `btoa` (`typedArrayToBase64`), after `TextEncoder` for a string, portable but a hundred times slower than
 * `Buffer` (docs/performance.md). Every document's page load has its scripts, style sheets and fonts encoded
 * so, on the Node thread that serves the page, while the page waits for them. The patched
 * `HTTPRequest.getResponse` gives the same length and the same base64 text for every body, string or bytes
 * (`tests/puppeteer-patches.test.ts` compares it with puppeteer's own).
 */
import { Buffer } from 'node:buffer';
import { HTTPRequest } from 'puppeteer';

/** What puppeteer's `HTTPRequest.getResponse` (internal, static) gives: the body's length in bytes and its base64. */
type GetResponse = (body: string | Uint8Array) => { contentLength: number; base64: string };

interface ResponseEncoding {
  getResponse: GetResponse;
}

const encoding = HTTPRequest as unknown as ResponseEncoding;
const portable: GetResponse = encoding.getResponse;

/** A string's UTF-8 bytes (lone surrogates as U+FFFD, as `TextEncoder` writes them), or the bytes as they are. */
function bytesOf(body: string | Uint8Array): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

function nodeResponse(body: string | Uint8Array): { contentLength: number; base64: string } {
  const bytes = bytesOf(body);
  return { contentLength: bytes.byteLength, base64: bytes.toString('base64') };
}

/** Response bodies encoded by `Buffer` from now on. Idempotent. */
export function encodeResponsesWithBuffer(): void {
  if (typeof portable !== 'function') return;
  encoding.getResponse = nodeResponse;
}

/** Whether responses are encoded by `Buffer` now (false if puppeteer no longer has the method patched). */
export function responsesEncodedWithBuffer(): boolean {
  return encoding.getResponse === nodeResponse;
}

/** Puppeteer's own encoding of a body, for the test that compares the two. */
export function portableResponse(body: string | Uint8Array): { contentLength: number; base64: string } {
  return portable(body);
}

/** The patched encoding of a body. */
export function patchedResponse(body: string | Uint8Array): { contentLength: number; base64: string } {
  return nodeResponse(body);
}
