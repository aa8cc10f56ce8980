import { crc32 } from 'node:zlib';
import { deflateSync } from 'fflate';

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/** Every entry but `mimetype` is deflated at this level. */
const LEVEL = 9;

/**
 * Entries deflated before the archive is made: the EPUB deflates its cover and fonts while Node waits on the
 * print edition's layout, and the archive then takes them as they are. Found by their bytes, so an entry is
 * never given another's.
 */
export class DeflatedAhead {
  private readonly bySize = new Map<number, { data: Uint8Array; deflated: Uint8Array }[]>();

  add(data: Uint8Array): void {
    if (this.get(data)) return;
    const list = this.bySize.get(data.byteLength) ?? [];
    list.push({ data, deflated: deflateSync(data, { level: LEVEL }) });
    this.bySize.set(data.byteLength, list);
  }

  get(data: Uint8Array): Uint8Array | undefined {
    return this.bySize.get(data.byteLength)?.find((entry) => Buffer.compare(entry.data, data) === 0)?.deflated;
  }
}

/**
 * An OCF container that is the same bytes for the same input: `mimetype` first and stored, then
 * META-INF/container.xml, the package document, and everything else by name; every entry dated `date`.
 * (jszip, which epub-gen-memory uses, stamps entries with the current time.) Written as fflate's `zipSync`
 * writes it (tests/epub-zip.test.ts compares the two), but taking entries deflated `ahead` as they are.
 */
export function zipEpub(entries: readonly ZipEntry[], date: Date, ahead?: DeflatedAhead): Uint8Array {
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
    const stored = entry.name === 'mimetype';
    return {
      name,
      // Bit 11: the name is UTF-8 (written only when it is not ASCII, as fflate does).
      flags: name.length !== entry.name.length ? 0x0800 : 0,
      method: stored ? 0 : 8,
      crc: crc32(entry.data),
      size: entry.data.byteLength,
      body: stored ? entry.data : (ahead?.get(entry.data) ?? deflateSync(entry.data, { level: LEVEL })),
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
