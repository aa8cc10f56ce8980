import { digest } from '../disk-memo.ts';
import type { ParagraphBreaks } from './runtime/contract.ts';

export type { ParagraphBreaks };

/**
 * Line-breaking decisions kept by a watching build between builds: an edited chapter is laid out again,
 * but only its changed paragraphs are measured and broken (a quarter of a second of a chapter's layout).
 * The page's key holds all the paragraph's breaking depends on inside the document; the environment (the
 * styles, fonts, pipeline and Chromium, as the print cache keys them) holds the rest, and a new one drops
 * every entry.
 */
export class LineBreakMemo {
  private readonly entries = new Map<string, ParagraphBreaks>();
  private environment = '';

  constructor(private readonly maxEntries = 100_000) {}

  useEnvironment(key: string): void {
    if (key === this.environment) return;
    this.entries.clear();
    this.environment = key;
  }

  lookup(keys: string[]): (ParagraphBreaks | null)[] {
    return keys.map((key) => this.entries.get(digest([key])) ?? null);
  }

  store(fresh: [string, ParagraphBreaks][]): void {
    if (this.entries.size + fresh.length > this.maxEntries) this.entries.clear();
    for (const [key, breaks] of fresh) this.entries.set(digest([key]), breaks);
  }
}
