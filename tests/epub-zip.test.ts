// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { packageDir } from '../scripts/lib/paths.ts';
import { DeflatedAhead, zipEpub, type ZipEntry } from '../scripts/lib/epub/zip.ts';

/** The archive as fflate's zipSync wrote it before zip.ts wrote its own: the same order, levels and date. */
function fflateZip(entries: readonly ZipEntry[], date: Date): Uint8Array {
  const first = ['mimetype', 'META-INF/container.xml'];
  const sorted = [...entries].sort((a, b) => {
    const [ia, ib] = [first.indexOf(a.name), first.indexOf(b.name)];
    if (ia !== ib) return (ia < 0 ? first.length : ia) - (ib < 0 ? first.length : ib);
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  const mtime = new Date(Math.max(date.getTime(), Date.UTC(1980, 0, 2)) + date.getTimezoneOffset() * 60_000);
  const files: Zippable = {};
  for (const entry of sorted) files[entry.name] = [entry.data, { level: entry.name === 'mimetype' ? 0 : 9, mtime }];
  return zipSync(files);
}

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

test('the EPUB archive is the bytes fflate zipSync wrote, with entries deflated ahead or not', async () => {
  const entries = await sampleEntries();
  for (const date of [new Date(Date.UTC(2023, 10, 14, 22, 13, 20)), new Date(Date.UTC(1970, 0, 1))]) {
    const expected = fflateZip(entries, date);
    assert.deepEqual(zipEpub(entries, date), expected);
    const ahead = new DeflatedAhead();
    for (const entry of entries.slice(0, 2)) ahead.add(new Uint8Array(entry.data));
    assert.deepEqual(zipEpub(entries, date, ahead), expected, 'entries deflated ahead');
  }
});

test('an entry deflated ahead is found by its bytes only', async () => {
  const ahead = new DeflatedAhead();
  ahead.add(text('abcd'));
  assert.ok(ahead.get(text('abcd')));
  assert.equal(ahead.get(text('abce')), undefined, 'the same size, other bytes');
  const date = new Date(Date.UTC(2024, 0, 1));
  const archive = zipEpub([{ name: 'mimetype', data: text('application/epub+zip') }, { name: 'a.txt', data: text('abce') }], date, ahead);
  assert.deepEqual(unzipSync(archive)['a.txt'], text('abce'));
});
