// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeUtf8, firstInvalidUtf8Byte } from '../scripts/lib/text-encoding.ts';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));

test('UTF-8 decodes as it is; a byte-order mark is dropped', () => {
  assert.deepEqual(decodeUtf8(bytes('# Één hoofdstuk — “citaat” 😀\n')), { ok: true, text: '# Één hoofdstuk — “citaat” 😀\n' });
  assert.deepEqual(decodeUtf8(bytes([0xef, 0xbb, 0xbf], 'Tekst')), { ok: true, text: 'Tekst' });
  assert.deepEqual(decodeUtf8(new Uint8Array()), { ok: true, text: '' });
});

test('Latin-1: the first foreign byte, at its line and column, with a guess of what it meant', () => {
  // "Tekst.\nEen café op één plein." in Latin-1: é is 0xE9, on line 2 after "Een caf".
  const latin1 = Buffer.from('# Titel\n\nTekst.\nEen café op één plein.\n', 'latin1');
  const decoded = decodeUtf8(latin1);
  assert.equal(decoded.ok, false);
  assert.ok(!decoded.ok);
  assert.equal(decoded.byte, 23);
  assert.equal(decoded.line, 4);
  assert.equal(decoded.column, 8);
  assert.equal(decoded.message, 'not valid UTF-8: byte 0xE9 at offset 23 ("é" in Latin-1 or Windows-1252: the file looks saved in one of those); save the file as UTF-8');
});

test('the column counts the characters before the byte, not the bytes', () => {
  const decoded = decodeUtf8(bytes('Één “x” ', [0xe9], '\n'));
  assert.ok(!decoded.ok);
  assert.equal(decoded.line, 1);
  assert.equal(decoded.column, 9);
});

test('UTF-16 is named as such', () => {
  const decoded = decodeUtf8(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Tekst', 'utf16le')]));
  assert.ok(!decoded.ok);
  assert.match(decoded.message, /UTF-16, not UTF-8/);
});

test('what is not well-formed UTF-8: truncated, overlong, surrogates, beyond U+10FFFF, stray continuation', () => {
  const cases: [number[], number][] = [
    [[0x41, 0xc3], 1],
    [[0x41, 0xc0, 0xaf], 1],
    [[0xe0, 0x80, 0xaf], 0],
    [[0xed, 0xa0, 0x80], 0],
    [[0xf4, 0x90, 0x80, 0x80], 0],
    [[0x41, 0x42, 0x80], 2],
    [[0xe2, 0x80, 0x41], 0],
    [[0xf0, 0x9f, 0x98, 0x80, 0xff], 4],
  ];
  for (const [input, at] of cases) {
    assert.equal(firstInvalidUtf8Byte(Uint8Array.from(input)), at, JSON.stringify(input));
    assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(input)), 'TextDecoder agrees');
  }
  assert.equal(firstInvalidUtf8Byte(bytes('€ ✓ 😀 é')), bytes('€ ✓ 😀 é').length);
});
