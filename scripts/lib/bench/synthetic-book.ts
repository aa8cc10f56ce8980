import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../config/load-config.ts';

/**
 * A manuscript of `times` chapters, each a copy of the book's own chapters with its title numbered:
 * the real text, notes and hyphenation load, scaled.
 */
export async function writeSyntheticBook(sourceDir: string, targetDir: string, times: number): Promise<void> {
  const { config } = await loadConfig(sourceDir);
  const sources = await Promise.all(config.chapters.map((file) => readFile(path.join(sourceDir, file), 'utf8')));
  await mkdir(targetDir, { recursive: true });
  // Everything else the chapters refer to (bibliography, images) comes along unchanged.
  const chapterFiles = new Set(config.chapters.map((file) => path.resolve(sourceDir, file)));
  await cp(sourceDir, targetDir, {
    recursive: true,
    filter: (file) => !chapterFiles.has(path.resolve(file)) && path.basename(file) !== 'book.yaml',
  });
  const chapters: string[] = [];
  for (let copy = 1; copy <= times; copy++) {
    for (const [i, source] of sources.entries()) {
      const name = `${String(copy).padStart(3, '0')}-${i + 1}.md`;
      chapters.push(name);
      await writeFile(path.join(targetDir, name), source.replace(/^# (.*)$/m, `# $1 (${copy})`));
    }
  }
  const synthetic = { ...config, title: `${config.title} (${times}×)`, slug: `bench-${times}x`, chapters };
  await writeFile(path.join(targetDir, 'book.yaml'), stringify(synthetic));
}
