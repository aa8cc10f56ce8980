import type { Book } from './book.ts';
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes a file so that readers only ever see the old or the complete new one: temp file, then rename. */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const temp = await tempBeside(file);
  try {
    await writeFile(temp, data);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * `writeFileAtomic` beside this thread's own work: the bytes go to libuv's thread in one write request before
 * `meanwhile` runs here, so that the two overlap (`writeFile` hands over a chunk at a time, each after this
 * thread is free again). Returns what `meanwhile` returns; if either fails, the temp file is removed.
 */
export async function writeFileAtomicBeside<T>(file: string, data: Uint8Array, meanwhile: () => T): Promise<T> {
  const temp = await tempBeside(file);
  const handle = await open(temp, 'w');
  try {
    let result: T;
    try {
      const writing = handle.write(data, 0, data.byteLength, 0);
      // Awaited below; handled here too, should `meanwhile` throw first.
      writing.catch(() => undefined);
      result = meanwhile();
      for (let written = (await writing).bytesWritten; written < data.byteLength; ) {
        written += (await handle.write(data, written, data.byteLength - written, written)).bytesWritten;
      }
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    return result;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** A temp file's name in the folder `file` goes in (made if missing), hidden, to be renamed to it. */
async function tempBeside(file: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
}

/** The build date: SOURCE_DATE_EPOCH when set (reproducible builds), else now. */
export function buildDate(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  return new Date();
}

/** The base name of every output file: book.yaml's slug, or one made from the title. */
export function outputBaseName(book: Book): string {
  return book.config.slug ?? book.config.title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
