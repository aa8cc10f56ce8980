import { writeFile, mkdir } from 'node:fs/promises';
import { dutchParagraphs, minimalConfig } from '../tests/fixtures.ts';
const dir = process.argv[2]!;
await mkdir(dir, { recursive: true });
await writeFile(`${dir}/book.yaml`, minimalConfig());
const ps = dutchParagraphs(12);
const rows = ['# Noten', '', ...ps.slice(0, 6).flatMap((p) => [p, '']), `${ps[6]} Een zin met een lange noot.[^lang]`, '', ...ps.slice(7).flatMap((p) => [p, '']), `[^lang]: ${dutchParagraphs(14).join(' ')}`, ''];
await writeFile(`${dir}/01-hoofdstuk.md`, rows.join('\n'));
