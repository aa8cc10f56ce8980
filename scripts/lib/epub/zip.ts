import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/** Every entry but `mimetype` is deflated at this level, unless deflating does not make it smaller. */
const LEVEL = 9;

/**
 * An entry's body and method: deflated by zlib (Node's, native: the JavaScript deflate it replaced spent more
 * processor time compiling and running than the rest of the EPUB, on cores the print edition's layout needs), or
 * stored when that is not smaller, as a zip tool stores what is compressed already (fonts, most images).
 */
function compressed(data: Uint8Array): { method: 0 | 8; body: Uint8Array } {
  const deflated = deflateRawSync(data, { level: LEVEL });
  return deflated.byteLength < data.byteLength ? { method: 8, body: deflated } : { method: 0, body: data };
}

/**
 * An OCF container that is the same bytes for the same input: `mimetype` first and stored, then
 * META-INF/container.xml, the package document, and everything else by name; every entry dated `date`.
 * (jszip, which epub-gen-memory uses, stamps entries with the current time.)
 */
export function zipEpub(entries: readonly ZipEntry[], date: Date): Uint8Array {
  const first = ['mimetype', 'META-INF/container.xml'];
  const sorted = [...entries].sort((a, b) => {
    const [ia, ib] = [first.indexOf(a.name), first.indexOf(b.name)];
    if (ia !== ib) return (ia < 0 ? first.length : ia) - (ib < 0 ? first.length : ib);
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  // Zip stores local (DOS) time; shift so the stamp reads the UTC date whatever the machine's time zone.
  const mtime = new Date(Math.max(date.getTime(), Date.UTC(1980, 0, 2)) + date.getTimezoneOffset() * 60_000);
  const dosTime =
    ((mtime.getFullYear() - 1980) << 25) | ((mtime.getMonth() + 1) << 21) | (mtime.getDate() << 16) | (mtime.getHours() << 11) | (mtime.getMinutes() << 5) | (mtime.getSeconds() >> 1);
  const files = sorted.map((entry) => {
    const name = Buffer.from(entry.name, 'utf8');
    // OCF: `mimetype` is stored, so a reader finds the media type at a fixed place.
    const { method, body } = entry.name === 'mimetype' ? { method: 0, body: entry.data } : compressed(entry.data);
    return {
      name,
      // Bit 11: the name is UTF-8 (written only when it is not ASCII).
      flags: name.length !== entry.name.length ? 0x0800 : 0,
      method,
      crc: crc32(entry.data),
      size: entry.data.byteLength,
      body,
      offset: 0,
    };
  });
  const localSize = files.reduce((sum, f) => sum + 30 + f.name.length + f.body.length, 0);
  const centralSize = files.reduce((sum, f) => sum + 46 + f.name.length, 0);
  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const f of files) {
    f.offset = at;
    view.setUint32(at, 0x04034b50, true);
    view.setUint16(at + 4, 20, true);
    view.setUint16(at + 6, f.flags, true);
    view.setUint16(at + 8, f.method, true);
    view.setUint32(at + 10, dosTime >>> 0, true);
    view.setUint32(at + 14, f.crc, true);
    view.setUint32(at + 18, f.body.length, true);
    view.setUint32(at + 22, f.size, true);
    view.setUint16(at + 26, f.name.length, true);
    out.set(f.name, at + 30);
    out.set(f.body, at + 30 + f.name.length);
    at += 30 + f.name.length + f.body.length;
  }
  for (const f of files) {
    view.setUint32(at, 0x02014b50, true);
    view.setUint16(at + 4, 20, true);
    view.setUint16(at + 6, 20, true);
    view.setUint16(at + 8, f.flags, true);
    view.setUint16(at + 10, f.method, true);
    view.setUint32(at + 12, dosTime >>> 0, true);
    view.setUint32(at + 16, f.crc, true);
    view.setUint32(at + 20, f.body.length, true);
    view.setUint32(at + 24, f.size, true);
    view.setUint16(at + 28, f.name.length, true);
    view.setUint32(at + 42, f.offset, true);
    out.set(f.name, at + 46);
    at += 46 + f.name.length;
  }
  view.setUint32(at, 0x06054b50, true);
  view.setUint16(at + 8, files.length, true);
  view.setUint16(at + 10, files.length, true);
  view.setUint32(at + 12, centralSize, true);
  view.setUint32(at + 16, localSize, true);
  return out;
}
