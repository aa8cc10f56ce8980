import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where the cache of the reading stage (rendered citations) lives inside the output folder. */
export function bookCacheDir(outDir: string): string {
  return path.join(outDir, '.cache', 'book');
}

/** SHA-256 of the parts, each ended by a NUL so that ["ab", "c"] and ["a", "bc"] differ. */
export function digest(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

/**
 * JSON values stored by the digest of everything that produced them, one file each. A key says what the
 * value depends on, so an entry is never stale, only unused; a missing or damaged file is a miss.
 * Synchronous because the Markdown renderer that asks is. New values are held until `save()`, which the
 * build calls once it has succeeded: a failed build writes nothing.
 */
export class DiskMemo {
  private readonly pending = new Map<string, unknown>();

  constructor(readonly dir: string) {}

  get<T>(key: string): T | undefined {
    if (this.pending.has(key)) return this.pending.get(key) as T;
    try {
      return JSON.parse(readFileSync(this.file(key), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  set(key: string, value: unknown): void {
    this.pending.set(key, value);
  }

  /** Writes what was computed since the last save. */
  save(): void {
    for (const [key, value] of this.pending) this.write(key, value);
    this.pending.clear();
  }

  private write(key: string, value: unknown): void {
    const file = this.file(key);
    const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(temp, JSON.stringify(value));
      renameSync(temp, file);
    } catch {
      // A cache that cannot be written only makes the next build slower.
      rmSync(temp, { force: true });
    }
  }

  /** `compute()` unless the value for `key` is stored; stores what it computes. */
  through<T>(key: string, compute: () => T): T {
    const stored = this.get<T>(key);
    if (stored !== undefined) return stored;
    const value = compute();
    this.set(key, value);
    return value;
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }
}
