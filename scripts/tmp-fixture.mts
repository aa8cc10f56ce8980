import { writeFile, mkdir } from 'node:fs/promises';
import { dutchParagraphs, minimalConfig } from '../tests/fixtures.ts';
const dir = process.argv[2]!;
await mkdir(dir, { recursive: true });
await writeFile(`${dir}/book.yaml`, minimalConfig('print:\n  widows: 1\n  orphans: 1\n  padToSignature: false\n'));
const rows = ['# Weduwen en wezen', ''];
dutchParagraphs(60).forEach((p, i) => {
  if (i % 6 === 5) rows.push(`## Deel ${i}`, '');
  const sentences = p.split('. ');
  rows.push(sentences.slice(0, 1 + (i * 7) % sentences.length).join('. '), '');
});
await writeFile(`${dir}/01-hoofdstuk.md`, rows.join('\n'));
