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
  /** The printed documents (print cache ids) whose paragraphs' decisions the memo has been given. */
  private readonly documents = new Set<string>();

  constructor(private readonly maxEntries = 100_000) {}

  useEnvironment(key: string): void {
    if (key === this.environment) return;
    this.clear();
    this.environment = key;
  }

  isEmpty(): boolean {
    return this.entries.size === 0;
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

  /** Says that the memo holds a printed document's decisions (it stored them as the document was laid out). */
  holdsDocument(id: string): void {
    this.documents.add(id);
  }

  /**
   * A printed document's decisions as the print cache keeps them (`PrintCache.lines`), read once: a watching
   * build started on a warm cache then breaks only the paragraphs its first save changed. Only what the memo
   * does not hold is stored, so the entries a document loaded ahead was given stay current when nothing is new.
   */
  async loadDocument(id: string, read: () => Promise<[string, ParagraphBreaks][] | undefined>): Promise<void> {
    if (this.documents.has(id)) return;
    this.documents.add(id);
    const environment = this.environment;
    const entries = await read();
    // Read for another environment than the memo's now: its keys say nothing of this one.
    if (!entries || environment !== this.environment) return;
    const missing = entries.filter(([key]) => !this.entries.has(key));
    if (missing.length > 0) this.store(missing);
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
    this.documents.clear();
    this.chars = 0;
    this.changes++;
  }
}
