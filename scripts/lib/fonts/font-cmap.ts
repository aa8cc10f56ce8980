import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';

/**
 * The characters a font file has glyphs for, read from its `cmap` table: what a browser can draw with it.
 * Reads TrueType/OpenType (`.ttf`, `.otf`) and WOFF2 (the tables after Brotli, which Node has built in; the
 * cmap table is never transformed). Formats 4 (the Basic Multilingual Plane) and 12 (all planes) are read,
 * the Unicode subtables a browser uses.
 */
export function fontCharacters(file: string): Set<number> {
  const bytes = readFileSync(file);
  const cmap = bytes.readUInt32BE(0) === WOFF2_SIGNATURE ? woff2Table(bytes, 'cmap') : sfntTable(bytes, 'cmap');
  if (!cmap) throw new Error(`${file}: no cmap table`);
  return readCmap(cmap);
}

const WOFF2_SIGNATURE = 0x774f4632; // 'wOF2'

/** The tags WOFF2 writes as a 6-bit index instead of four letters (the WOFF2 specification, table 5.1). */
const KNOWN_TAGS = ('cmap head hhea hmtx maxp name OS/2 post cvt  fpgm glyf loca prep CFF  VORG EBDT EBLC gasp hdmx kern LTSH PCLT VDMX vhea ' +
  'vmtx BASE GDEF GPOS GSUB EBSC JSTF MATH CBDT CBLC COLR CPAL SVG  sbix acnt avar bdat bloc bsln cvar fdsc feat fmtx fvar gvar hsty just lcar ' +
  'mort morx opbd prop trak Zapf Silf Glat Gloc Feat Sill').match(/.{4}\s?/g)!.map((tag) => tag.slice(0, 4));

function sfntTable(bytes: Buffer, wanted: string): Buffer | undefined {
  const count = bytes.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const entry = 12 + i * 16;
    if (bytes.toString('latin1', entry, entry + 4) !== wanted) continue;
    const offset = bytes.readUInt32BE(entry + 8);
    return bytes.subarray(offset, offset + bytes.readUInt32BE(entry + 12));
  }
  return undefined;
}

function woff2Table(bytes: Buffer, wanted: string): Buffer | undefined {
  const numTables = bytes.readUInt16BE(12);
  const compressedLength = bytes.readUInt32BE(20);
  let at = 48;
  const base128 = (): number => {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const byte = bytes[at++]!;
      value = value * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) return value;
    }
    throw new Error('bad UIntBase128 in a WOFF2 table directory');
  };
  const tables: { tag: string; length: number }[] = [];
  for (let i = 0; i < numTables; i++) {
    const flags = bytes[at++]!;
    const tag = (flags & 0x3f) === 0x3f ? bytes.toString('latin1', at, (at += 4)) : KNOWN_TAGS[flags & 0x3f]!;
    const version = flags >> 6;
    const origLength = base128();
    // glyf and loca are transformed unless version 3; any other table only when its version is not 0.
    const transformed = tag === 'glyf' || tag === 'loca' ? version !== 3 : version !== 0;
    tables.push({ tag, length: transformed ? base128() : origLength });
  }
  if (bytes.readUInt32BE(4) === 0x74746366) throw new Error('WOFF2 font collections are not read');
  const data = brotliDecompressSync(bytes.subarray(at, at + compressedLength));
  let offset = 0;
  for (const table of tables) {
    if (table.tag === wanted) return data.subarray(offset, offset + table.length);
    offset += table.length;
  }
  return undefined;
}

function readCmap(cmap: Buffer): Set<number> {
  const found = new Set<number>();
  const count = cmap.readUInt16BE(2);
  for (let i = 0; i < count; i++) {
    const platform = cmap.readUInt16BE(4 + i * 8);
    const encoding = cmap.readUInt16BE(6 + i * 8);
    // Unicode subtables: platform 0, or Windows (3) with Unicode BMP (1) or full repertoire (10).
    if (!(platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10)))) continue;
    const table = cmap.subarray(cmap.readUInt32BE(8 + i * 8));
    const format = table.readUInt16BE(0);
    if (format === 4) readFormat4(table, found);
    else if (format === 12) readFormat12(table, found);
  }
  return found;
}

function readFormat4(table: Buffer, found: Set<number>): void {
  const segments = table.readUInt16BE(6) / 2;
  const ends = 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  for (let s = 0; s < segments; s++) {
    const end = table.readUInt16BE(ends + s * 2);
    const start = table.readUInt16BE(starts + s * 2);
    const delta = table.readUInt16BE(deltas + s * 2);
    const rangeOffset = table.readUInt16BE(rangeOffsets + s * 2);
    for (let c = start; c <= end && c !== 0xffff; c++) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
      else {
        const at = rangeOffsets + s * 2 + rangeOffset + (c - start) * 2;
        glyph = table.readUInt16BE(at);
        if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
      }
      if (glyph !== 0) found.add(c);
    }
  }
}

function readFormat12(table: Buffer, found: Set<number>): void {
  const groups = table.readUInt32BE(12);
  for (let g = 0; g < groups; g++) {
    const start = table.readUInt32BE(16 + g * 12);
    const end = table.readUInt32BE(20 + g * 12);
    const glyph = table.readUInt32BE(24 + g * 12);
    for (let c = start; c <= end; c++) if (glyph + (c - start) !== 0) found.add(c);
  }
}
