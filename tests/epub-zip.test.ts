// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { unzipSync } from 'fflate';
import { packageDir } from '../scripts/lib/paths.ts';
import { zipEpub, type ZipEntry } from '../scripts/lib/epub/zip.ts';

const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

async function sampleEntries(): Promise<ZipEntry[]> {
  const font = await readFile(path.join(packageDir('@fontsource/eb-garamond'), 'files', 'eb-garamond-latin-400-normal.woff2'));
  return [
    { name: 'OEBPS/ch1.xhtml', data: text('<p>Één hoofdstuk — ‘citaat’.</p>\n'.repeat(400)) },
    { name: 'OEBPS/fonts/eb-garamond-latin-400-normal.woff2', data: new Uint8Array(font) },
    { name: 'META-INF/container.xml', data: text('<?xml version="1.0"?><container/>') },
    { name: 'mimetype', data: text('application/epub+zip') },
    { name: 'OEBPS/leeg.css', data: new Uint8Array(0) },
    { name: 'OEBPS/afbeeldingen/één.svg', data: text('<svg xmlns="http://www.w3.org/2000/svg"/>') },
  ];
}

/** Each local header of the archive, in order: name, method (0 stored, 8 deflated), flags, DOS date and time. */
function localHeaders(archive: Uint8Array): { name: string; method: number; flags: number; dosTime: number }[] {
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  const headers = [];
  for (let at = 0; view.getUint32(at, true) === 0x04034b50; ) {
    const nameLength = view.getUint16(at + 26, true);
    const name = Buffer.from(archive.subarray(at + 30, at + 30 + nameLength)).toString('utf8');
    headers.push({ name, method: view.getUint16(at + 8, true), flags: view.getUint16(at + 6, true), dosTime: view.getUint32(at + 10, true) });
    at += 30 + nameLength + view.getUint32(at + 18, true) + view.getUint16(at + 28, true);
  }
  return headers;
}

test('the EPUB archive: mimetype first and stored, the container next, the rest by name, every entry read back whole', async () => {
  const entries = await sampleEntries();
  const archive = zipEpub(entries, new Date(Date.UTC(2023, 10, 14, 22, 13, 20)));
  const headers = localHeaders(archive);
  assert.deepEqual(
    headers.map((h) => h.name),
    ['mimetype', 'META-INF/container.xml', 'OEBPS/afbeeldingen/één.svg', 'OEBPS/ch1.xhtml', 'OEBPS/fonts/eb-garamond-latin-400-normal.woff2', 'OEBPS/leeg.css'],
  );
  assert.equal(Buffer.from(archive.subarray(30, 38)).toString('latin1'), 'mimetype', 'the name at offset 30');
  assert.equal(Buffer.from(archive.subarray(38, 58)).toString('latin1'), 'application/epub+zip', 'the media type at offset 38, stored');
  const unzipped = unzipSync(archive);
  for (const entry of entries) assert.deepEqual(unzipped[entry.name], entry.data, entry.name);
  // The central directory agrees: Info-ZIP's own test of every entry's CRC.
  const dir = mkdtempSync(path.join(tmpdir(), 'epub-zip-'));
  try {
    writeFileSync(path.join(dir, 'a.epub'), archive);
    assert.match(execFileSync('unzip', ['-t', path.join(dir, 'a.epub')], { encoding: 'utf8' }), /No errors detected/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an EPUB entry deflating does not make smaller is stored: fonts, tiny and empty files; text is deflated', async () => {
  const byName = new Map(localHeaders(zipEpub(await sampleEntries(), new Date(Date.UTC(2024, 0, 1)))).map((h) => [h.name, h]));
  assert.equal(byName.get('mimetype')?.method, 0);
  assert.equal(byName.get('OEBPS/fonts/eb-garamond-latin-400-normal.woff2')?.method, 0, 'WOFF2 is compressed already');
  assert.equal(byName.get('OEBPS/leeg.css')?.method, 0);
  assert.equal(byName.get('META-INF/container.xml')?.method, 0, 'a few bytes that deflate to more');
  assert.equal(byName.get('OEBPS/ch1.xhtml')?.method, 8);
  assert.equal(byName.get('OEBPS/afbeeldingen/één.svg')?.flags, 0x0800, 'a name beyond ASCII is flagged UTF-8');
  assert.equal(byName.get('OEBPS/ch1.xhtml')?.flags, 0);
});

test('the EPUB archive is the same bytes for the same entries and date, and dated in UTC whatever the time zone', async () => {
  const entries = await sampleEntries();
  const date = new Date(Date.UTC(2023, 10, 14, 22, 13, 20));
  assert.deepEqual(zipEpub(entries, date), zipEpub([...entries].reverse(), date));
  // 2023-11-14 22:13:20 in DOS form: ((2023 − 1980) << 25) | (11 << 21) | (14 << 16) | (22 << 11) | (13 << 5) | (20 >> 1).
  const dos = ((43 << 25) | (11 << 21) | (14 << 16) | (22 << 11) | (13 << 5) | 10) >>> 0;
  assert.ok(localHeaders(zipEpub(entries, date)).every((h) => h.dosTime === dos));
  // Before 1980, the DOS epoch: dated its first days.
  assert.ok(localHeaders(zipEpub(entries, new Date(0))).every((h) => h.dosTime >>> 25 === 0));
});
