import { positionOf } from './diagnostics.ts';

/** A text file read as UTF-8, or where and why it is not UTF-8. */
export type DecodedText =
  | { ok: true; text: string }
  | {
      ok: false;
      /** Offset of the first byte that is not UTF-8. */
      byte: number;
      /** Its line and column (1-based), counted in the text before it. */
      line: number;
      column: number;
      message: string;
    };

/**
 * Decodes a file's bytes as UTF-8 and refuses anything else. Node's `readFile(…, 'utf8')` turns every byte it
 * cannot read into U+FFFD, so a chapter saved as Latin-1 became a book of "�" without a word; here the first
 * such byte is an error at its line and column. A byte-order mark is dropped (as TextDecoder does).
 */
export function decodeUtf8(bytes: Uint8Array): DecodedText {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    // Located below.
  }
  const byte = firstInvalidUtf8Byte(bytes);
  const before = new TextDecoder('utf-8').decode(bytes.subarray(0, byte));
  const { line, column } = positionOf(before, before.length);
  return { ok: false, byte, line, column, message: notUtf8Message(bytes, byte) };
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF); the length when there is none. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined) return i;
      if (k === 1 ? next < low || next > high : next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return bytes.length;
}

function notUtf8Message(bytes: Uint8Array, at: number): string {
  const hex = `0x${(bytes[at] as number).toString(16).toUpperCase().padStart(2, '0')}`;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return 'the file is UTF-16, not UTF-8: save it as UTF-8';
  }
  // A single high byte amid ASCII is what Latin-1 and Windows-1252 write for é, ë, ü, …
  const latin = new TextDecoder('windows-1252').decode(bytes.subarray(at, at + 1));
  const guess = /\p{L}/u.test(latin) ? ` ("${latin}" in Latin-1 or Windows-1252: the file looks saved in one of those)` : '';
  return `not valid UTF-8: byte ${hex} at offset ${at}${guess}; save the file as UTF-8`;
}
