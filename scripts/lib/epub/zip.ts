import { zipSync, type Zippable } from 'fflate';

export interface ZipEntry {
  name: string;
  data: Uint8Array;
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
  const files: Zippable = {};
  for (const entry of sorted) {
    files[entry.name] = [entry.data, { level: entry.name === 'mimetype' ? 0 : 9, mtime }];
  }
  return zipSync(files);
}
