import { existsSync, readFileSync } from 'node:fs';

/**
 * The CMYK output intent. Debian and Ubuntu ship no FOGRA or GRACoL profile; Ghostscript ships its own SWOP-like
 * CMYK profile ("Artifex CMYK SWOP Profile", © Artifex Software 2011), part of Ghostscript and under its licence,
 * the GNU AGPL 3 or later (/usr/share/doc/libgs10-common/copyright, iccprofiles/*), so it may be embedded and
 * passed on freely. A printer who wants their own condition names a profile in book.yaml.
 */
export const GHOSTSCRIPT_CMYK_PROFILES = [
  '/usr/share/color/icc/ghostscript/default_cmyk.icc',
  '/usr/share/ghostscript/iccprofiles/default_cmyk.icc',
  '/usr/local/share/ghostscript/iccprofiles/default_cmyk.icc',
];

export interface IccProfile {
  file: string;
  /** The profile's own description (its `desc` tag), used as the output condition. */
  description: string;
}

export function findCmykProfile(candidates: readonly string[] = GHOSTSCRIPT_CMYK_PROFILES): string | undefined {
  return candidates.find((file) => existsSync(file));
}

/** Reads an ICC profile's colour space and description; throws when the file is no CMYK profile. */
export function readIccProfile(file: string): IccProfile {
  const data = readFileSync(file);
  if (data.length < 132 || data.toString('latin1', 36, 40) !== 'acsp') throw new Error(`${file} is not an ICC profile`);
  const space = data.toString('latin1', 16, 20);
  if (space !== 'CMYK') throw new Error(`${file} is not a CMYK profile (its colour space is ${space.trim()}); the press PDF needs one`);
  return { file, description: iccDescription(data) ?? 'CMYK' };
}

function iccDescription(data: Buffer): string | undefined {
  const tags = data.readUInt32BE(128);
  for (let t = 0; t < tags; t++) {
    const at = 132 + t * 12;
    if (data.toString('latin1', at, at + 4) !== 'desc') continue;
    const offset = data.readUInt32BE(at + 4);
    const type = data.toString('latin1', offset, offset + 4);
    if (type === 'desc') {
      // textDescriptionType (ICC v2): ASCII count, then the text with its NUL.
      const count = data.readUInt32BE(offset + 8);
      return data.toString('latin1', offset + 12, offset + 12 + count).replace(/\0+$/, '');
    }
    if (type === 'mluc') {
      // multiLocalizedUnicodeType (ICC v4): first record, UTF-16BE.
      const length = data.readUInt32BE(offset + 20);
      const start = offset + data.readUInt32BE(offset + 24);
      return Buffer.from(data.subarray(start, start + length)).swap16().toString('utf16le');
    }
  }
  return undefined;
}
