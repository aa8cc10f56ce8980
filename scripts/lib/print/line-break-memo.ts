import type { ParagraphBreaks } from './runtime/contract.ts';

export type { ParagraphBreaks };

/** What the memo holds at most, in characters of keys and HTML (a long session's edits add entries). */
const MAX_CHARS = 64 * 2 ** 20;
/** What a document loaded ahead is given at most (print/document-tabs.ts), in characters. */
const MAX_AHEAD_CHARS = 8 * 2 ** 20;

/** The memo's entries as they are now, for a document loaded ahead; `version` tells whether they still are. */
export interface MemoSnapshot {
  version: number;
  entries: [string, ParagraphBreaks][];
}

/**
 * Line-breaking decisions kept by a watching build between builds: an edited chapter is laid out again,
 * but only its changed paragraphs are measured and broken (a quarter of a second of a chapter's layout).
 * The page's key holds all the paragraph's breaking depends on inside the document; the environment (the
 * styles, fonts, pipeline and Chromium, as the print cache keys them) holds the rest, and a new one drops
 * every entry. Entries are kept by the page's whole key, so that a document loaded ahead can be given them
 * all and look its paragraphs up itself, without asking the build (`snapshot`).
 */
export class LineBreakMemo {
  private readonly entries = new Map<string, ParagraphBreaks>();
  private environment = '';
  private chars = 0;
  /** Changes on every change of the entries. */
  private changes = 0;

  constructor(private readonly maxEntries = 100_000) {}

  useEnvironment(key: string): void {
    if (key === this.environment) return;
    this.clear();
    this.environment = key;
  }

  lookup(keys: string[]): (ParagraphBreaks | null)[] {
    return keys.map((key) => this.entries.get(key) ?? null);
  }

  store(fresh: [string, ParagraphBreaks][]): void {
    const adding = fresh.reduce((sum, [key, breaks]) => sum + key.length + breaks.html.length, 0);
    if (this.entries.size + fresh.length > this.maxEntries || this.chars + adding > MAX_CHARS) this.clear();
    for (const [key, breaks] of fresh) {
      const before = this.entries.get(key);
      if (before) this.chars -= key.length + before.html.length;
      this.entries.set(key, breaks);
      this.chars += key.length + breaks.html.length;
    }
    if (fresh.length > 0) this.changes++;
  }

  /** Every entry, unless there are more than a document loaded ahead is given. */
  snapshot(): MemoSnapshot | undefined {
    if (this.chars > MAX_AHEAD_CHARS) return undefined;
    return { version: this.changes, entries: [...this.entries] };
  }

  /** Whether the entries are still those of the snapshot made at `version`. */
  unchangedSince(version: number): boolean {
    return version === this.changes;
  }

  private clear(): void {
    this.entries.clear();
    this.chars = 0;
    this.changes++;
  }
}
