/**
 * What the page runtime and the build say to each other: the page (the runtime, after Paged.js) publishes
 * `window.book`; the build calls its methods through `page.evaluate` with arguments, never with code strings.
 * Both sides import these types.
 */
import type { LayoutProbes } from '../../layout/probes.ts';
import type { DocumentStructure } from '../structure.ts';

/** What the page reports after Paged.js has laid it out. */
export interface PageLayout {
  pageCount: number;
  /** The book's first pages, folioed i, ii, iii… (`numbering.frontMatter: roman`); the next is folio 1. */
  romanPages?: number;
  /** CSS px of one sheet, bleed included. */
  pageWidth: number;
  pageHeight: number;
  headings: { id: string; level: number; text: string; page: number; top: number }[];
  calls: { ref: string; page: number }[];
  /** `id`: the note's own id when it has no element with an id inside it, else null. */
  notes: { ref: string; id?: string | null; page: number }[];
  /** Each manuscript block (paragraph, heading, list item) with the page its first line is on. */
  blocks: { file: string; line: number; page: number }[];
  /** Soft hyphens that ended a line and became real hyphens. */
  hyphens: number;
  errors: string[];
  /** What the layout probes measured. */
  probes?: LayoutProbes;
  /** Milliseconds in the page: until Paged.js finished; of it, settling soft hyphens, measuring pages and
   * measuring their structure for the tagged PDF (absent in a layout cached before it was timed), and until
   * Paged.js began laying out pages (`beganMs`: the tables fitted, the lines broken, its style sheets parsed);
   * when the line breaker asked the build for its remembered decisions and had the answer (a watching build's). */
  timings: { paginateMs: number; settleMs: number; collectMs: number; structureMs?: number; beganMs?: number; memoAskedMs?: number; memoAnsweredMs?: number };
}

/** What the build needs to cut a laid-out document into its units. */
export interface DocumentDescription {
  /** The page each unit (`front` or a section's id) starts on. */
  starts: Record<string, number>;
  /** Blank pages Paged.js added (before a recto). */
  blanks: number[];
  /** Every id: page and top (CSS px from the sheet's top edge). */
  anchors: Record<string, { page: number; top: number }>;
  /** Each link to an id in another unit: page and rectangles [left, top, right, bottom] in CSS px. */
  links: { id: string; page: number; rects: number[][] }[];
  /** The document's logical structure, for the tagged PDF. */
  structure: DocumentStructure;
  /** Manuscript blocks and notes that did not reach any page, whole or in part (Paged.js stopped early): lost-text.ts. */
  lost: LostBlock[];
}

/** A manuscript block (`[data-line]`) or a note that Paged.js did not lay out on any page. */
export interface LostBlock {
  /** The unit it belongs to (a section's id, or `front`). */
  unit: string;
  /** Its chapter file, as book.yaml names it ('' when its section has none). */
  file: string;
  line: number;
  /** `part`: its beginning is on `page`, the rest is not on any page. */
  page?: number;
  part?: true;
  /** It is a note (its line is the note's definition). */
  note?: true;
}

/** A change of the page counter at a page of a laid-out document: its folio moves on by `increment`. */
export interface FolioIncrement {
  page: number;
  increment: number;
  /** From this page on the folios are printed so (lower-case roman numerals or figures); unchanged if absent. */
  style?: 'roman' | 'arabic';
}

/** What the line breaker decided for one paragraph. */
export interface ParagraphBreaks {
  /** The paragraph's HTML after the decision: its lines pinned, or as it was. */
  html: string;
  outcome: 'pinned' | 'reverted' | 'infeasible';
  /** Soft hyphens the pinned lines end on. */
  hyphens: number;
  /** The left parts of the words hyphenated there ("overwin-"), for the tagged PDF's soft hyphens. */
  softHyphens?: string[];
}

/** `window.book` in a laid-out print document. */
export interface BookPage {
  /** Set once Paged.js has laid out every page (and the page measured them). */
  layout?: PageLayout;
  /** Settles as `layout` is set: what the build waits for, instead of asking for `layout` again and again. */
  whenLaidOut(): Promise<void>;
  describe(): DocumentDescription;
  /** Moves the page counter on at the given pages: only folios change, nothing in the text area moves. */
  setFolios(increments: FolioIncrement[]): void;
  /** The contents page's numbers, unit id -> printed folio ("vii", "12"; fixed-width boxes: nothing moves). */
  fillContents(pages: Record<string, string>): void;
  /** Cross-references' page numbers ("blz. 23"), target id -> printed folio: see numbers.ts. */
  fillPageReferences(pages: Record<string, string>): void;
  /** Line-breaking decisions made in this document that `bookLineBreakReuse` did not know (a watching build
   * keeps them): the paragraph's key and what was decided. */
  freshLineBreaks(): [string, ParagraphBreaks][];
  /** The keys of the decisions `bookLineBreakReuse` knew and this document took: with the fresh ones, every
   * paragraph's (the print cache keeps them with the printed document). */
  usedLineBreaks(): string[];
  /** The preview's: this layout, for the unit's next one to resume from (resume-layout.ts); once laid out. */
  layoutRecord(): LayoutRecord | undefined;
  /** The preview's: how many pages of the unit's last layout this one kept. */
  resumed(): ResumeReport | undefined;
}

/* The preview's record of a unit's layout, for the next layout to resume from (resume-layout.ts). */

/** A place in a document's source: the node as its position in document order (every node counted) and the
 * offset in it, as in Paged.js's break tokens. */
export interface SourcePlace {
  node: number;
  offset?: number;
}

/** One page as Paged.js laid it out. */
export interface PageRecord {
  /** Where its text starts in the source: null for the source's start. */
  start: SourcePlace | null;
  /** Where the next page's starts: null when the source ended on this page. */
  end: SourcePlace | null;
  /** A copy of the page's text and note area (`.pagedjs_area`) straight after its layout; none for a page
   * taken whole from an earlier layout. */
  area?: Element;
  /** The layout left a note for the next page (or a break fell where the record cannot place it). */
  unplaceable: boolean;
}

/** A unit's last layout, as the next layout of the unit reads it. */
export interface LayoutRecord {
  /** What the layout depended on besides the source: the style sheets as Paged.js set them, the language. */
  setting: string;
  /** A copy of the source as Paged.js laid it out (after its own and the runtime's changes). */
  source: Node;
  /** By page position (0 for the first page); blank pages and pages added for a note's rest have none. */
  pages: (PageRecord | undefined)[];
  /** Every page whole (`.pagedjs_page`, blank pages too) as the layout left it, before the preview numbered it. */
  wholePages: Element[];
  /** By page position, what the next pages' layout reads of the handlers' state once the page was done. */
  after: (HandlerState | undefined)[];
  /** The rules in Paged.js's own style sheet when the first page was laid out. */
  rulesAtStart: number;
}

/** What a page's layout leaves to the next pages in Paged.js's handlers (resume-layout.ts). */
export interface HandlerState {
  /** The running heads' strings as the next page starts from (StringSets' last string of each). */
  strings: Record<string, string> | undefined;
  /** Rules in Paged.js's own style sheet: its page hooks add some (page counters reset, target-counter()). */
  rules: number;
  /** Running elements (`position: running()`) were set: the record does not keep which. */
  runningElements: boolean;
}

/** What the handler reports about the layout it took part in. */
export interface ResumeReport {
  /** Pages replayed from the unit's last layout. */
  kept: number;
  /** Pages that could have been, by where the source first differs (before a page that cannot be replayed). */
  keepable: number;
  /** The kept pages were taken whole, no hook run on them (else each was replayed through Paged.js's hooks). */
  whole?: boolean;
  /** Why none could be, when there was a last layout. */
  reason?: string;
}

/** What the preview's page offers the unit documents in its frames (`window.parent.bookPreviewHost`). */
export interface PreviewHost {
  /** Line-breaking decisions of the unit's earlier layouts, as `bookLineBreakReuse`. */
  lineBreakReuse(unit: string, keys: string[]): (ParagraphBreaks | null)[];
  /** The layout of the unit on show, if it is laid out. */
  previousLayout(unit: string): LayoutRecord | undefined;
  /** A page of the unit's layout under way is done (the page after it laid out too, which may mark it): the
   * first few the layout makes go on show in place of the same page of the unit's frame on show, before the
   * rest is laid out. */
  pageLaidOut(unit: string, position: number, page: Element): void;
}

/** What a document asks of the runtime before it loads (`window.bookRuntimeOptions`). */
export interface RuntimeOptions {
  /** `print`: the pages are measured for the build and their soft hyphens settled for the PDF's text layer;
   * `preview`: only laid out and numbered, for the screen. */
  finishing: 'print' | 'preview';
}

declare global {
  interface Window {
    book: BookPage;
    bookRuntimeOptions?: RuntimeOptions;
    /** Given by a watching build (page.exposeFunction): the decisions of earlier builds for these paragraph keys. */
    bookLineBreakReuse?: (keys: string[]) => Promise<(ParagraphBreaks | null)[]>;
    /** Set before the document loads by a build whose memo has nothing yet (a one-off build that keeps its
     * layouts): every paragraph's decision is kept for it (`freshLineBreaks`), none asked for. */
    bookLineBreakCollect?: boolean;
    /** Set by the preview's page (client/shell.ts) for the frames it holds. */
    bookPreviewHost?: PreviewHost;
    /** In a document loaded ahead of its body (`<body data-book-held>`, print/document-tabs.ts): puts the
     * body in and lets Paged.js begin; `memoCurrent`: the entries given by `bookLineBreaksAhead` are all the
     * build's memo holds, and are looked up instead of asking `bookLineBreakReuse`. */
    bookRelease?: (body: string, memoCurrent?: boolean) => void;
    /** In a document loaded ahead of its body: the watching build's line-breaking memo, every entry by its key
     * (`[string, ParagraphBreaks][]` as JSON, gzipped, in base64). */
    bookLineBreaksAhead?: (entries: string) => Promise<void>;
  }
}

/** The attribute of the body of a document loaded ahead of its content (print/document-tabs.ts): the runtime
 * waits for `window.bookRelease` before the line breaker and Paged.js begin. */
export const HELD_BODY_ATTRIBUTE = 'data-book-held';
