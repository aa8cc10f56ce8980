/**
 * Where Paged.js 0.4.3 falls short of what a book needs, mended from outside, each fix on its own:
 * `tests/pagedjs-fixes.test.ts` lays out the same small documents with Paged.js as it is and with each fix,
 * and shows the difference the fix exists for. The runtime installs them all (index.ts); each says what it
 * changes and why.
 */
import { pagedHandler, type Chunker, type HandlerClass, type PagedNamespace } from './paged.ts';

const SHY = '\u00ad';

/**
 * Paged.js gives every element without a data-ref a random UUID, and a footnote's ref becomes its PDF named
 * destination (`note-<ref>`), so two builds of the same sources differed. Every element gets a stable ref
 * before Paged.js parses the content: a note keeps its own id (`note-<chapter>-fn-3`), others count up.
 */
export function stableRefs(): HandlerClass {
  return class StableRefs extends pagedHandler() {
    beforeParsed(content: DocumentFragment): void {
      const taken = new Set(Array.from(content.querySelectorAll('[id]'), (el) => el.id));
      let next = 0;
      for (const el of content.querySelectorAll('*')) {
        if (el.hasAttribute('data-ref')) continue;
        let ref = el.matches('[data-note]') && el.id ? el.id : '';
        while (!ref || (taken.has(ref) && !el.matches(`[id="${ref}"]`))) ref = `ref-${next++}`;
        taken.add(ref);
        el.setAttribute('data-ref', ref);
      }
    }
  };
}

interface SelectorsPrototype {
  processSelectors(parsed: unknown, selectors: Record<string, [string, string]>): void;
  stableSelectorIds?: true;
}

/**
 * Paged.js sets the rules whose selectors CSS would read across pages (`p + p`, `:first-of-type`) on an
 * attribute it gives the elements they select instead (`data-following`, `data-nth-of-type`), named by a
 * random UUID per rule, in the source and in the rule it adds to the style sheet. Two layouts of the same
 * document differed in every such attribute, and a page of one could not stand for a page of the other (the
 * preview keeps the pages before an edit: resume-layout.ts). Each name becomes the rule's number in its
 * handler (`following-3`), before the attributes and rules are written.
 */
export function stableSelectorIds(Paged: PagedNamespace): void {
  for (const Handler of Paged.registeredHandlers) {
    const prototype = Handler.prototype as Partial<SelectorsPrototype>;
    if (typeof prototype.processSelectors !== 'function' || prototype.stableSelectorIds) continue;
    const processSelectors = prototype.processSelectors;
    prototype.processSelectors = function (this: unknown, parsed, selectors) {
      const names = new Map<string, string>();
      for (const entry of Object.values(selectors)) {
        const id = entry[0];
        if (!names.has(id)) names.set(id, `${id.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, '')}${names.size}`);
        entry[0] = names.get(id) as string;
      }
      return processSelectors.call(this, parsed, selectors);
    };
    prototype.stableSelectorIds = true;
  }
}

/**
 * Paged.js stores running-head strings without their closing quote (`"Title`), which only works when
 * string() is the last thing in `content`. The quote is closed, so a folio may follow the head.
 */
export function closeStringSetQuotes(): HandlerClass {
  return class CloseStringSetQuotes extends pagedHandler() {
    afterPageLayout(fragment: HTMLElement): void {
      for (const name of Array.from(fragment.style)) {
        if (!name.startsWith('--pagedjs-string-')) continue;
        const value = fragment.style.getPropertyValue(name);
        if (value.startsWith('"') && !/[^\\]"$/.test(value)) fragment.style.setProperty(name, `${value}"`);
      }
    }
  };
}

/**
 * Paged.js hands each page its running heads' strings (`string-set`) as custom properties of the page element
 * (`--pagedjs-string-first-<name>` and its `last`, `start` and `first-except`), set once the page is laid out.
 * A custom property is inherited by everything below it, so Chromium computed the style of every element on
 * the page again, the text's too, for values only the margin boxes read. Each string's properties are set back
 * to their initial value on the page's text and note area (`.pagedjs_area`) and on its bleeds with their crop
 * marks (`.pagedjs_bleed`, which print no string): there they keep the value they had, nothing below inherits
 * the change, and the margin boxes, outside both, read the strings as before.
 */
export function keepStringsOffTheText(): HandlerClass {
  return class KeepStringsOffTheText extends pagedHandler() {
    private readonly kept = new Set<string>();
    private sheet: CSSStyleSheet | undefined;

    afterPageLayout(fragment: HTMLElement): void {
      for (const name of Array.from(fragment.style)) {
        if (!name.startsWith('--pagedjs-string-') || this.kept.has(name)) continue;
        this.kept.add(name);
        if (!this.sheet) {
          const style = document.createElement('style');
          document.head.appendChild(style);
          this.sheet = style.sheet as CSSStyleSheet;
        }
        this.sheet.insertRule(`.pagedjs_area, .pagedjs_bleed { ${name}: initial; }`, this.sheet.cssRules.length);
      }
    }
  };
}

interface StringSetsPrototype {
  afterPageLayout(fragment: HTMLElement, ...rest: unknown[]): void;
  stringSetSelectors?: unknown;
  stringsSetAfterReading?: true;
}

/**
 * Paged.js works out a page's running-head strings one `string-set` name after another, and for each one
 * found on the page measures where it stands (`getBoundingClientRect`, to tell `start` from `first`) after it
 * has set the strings of the name before as the page's custom properties. Each of those measurements made
 * Chromium compute the style of every margin box again, for a value that does not move the text. The
 * properties Paged.js sets while it works the page's strings out are set once it is done, in the order it set
 * them: the same values, and the measurements read a page nothing was changed on in between.
 */
export function setStringsAfterReading(Paged: PagedNamespace): void {
  const StringSets = Paged.registeredHandlers.find((H) => H.name === 'StringSets' && typeof (H.prototype as Partial<StringSetsPrototype>).afterPageLayout === 'function');
  if (!StringSets) return;
  const prototype = StringSets.prototype as StringSetsPrototype;
  if (prototype.stringsSetAfterReading) return;
  const afterPageLayout = prototype.afterPageLayout;
  prototype.afterPageLayout = function (this: unknown, fragment: HTMLElement, ...rest: unknown[]): void {
    const style = fragment?.style;
    if (!style) return afterPageLayout.call(this, fragment, ...rest);
    const held: [string, string, string | undefined][] = [];
    Object.defineProperty(style, 'setProperty', { configurable: true, value: (name: string, value: string, priority?: string) => void held.push([name, value, priority]) });
    try {
      return afterPageLayout.call(this, fragment, ...rest);
    } finally {
      delete (style as { setProperty?: unknown }).setProperty;
      for (const [name, value, priority] of held) style.setProperty(name, value, priority);
    }
  };
  prototype.stringsSetAfterReading = true;
}

/**
 * When a page ends inside a hyphenated word, Paged.js picks the split letter by measuring single letters,
 * which miscounts soft hyphens and splits at a place the patterns never allowed ("bureauc-ratie"). The
 * split moves back to the last soft hyphen (or space) before it, so pages break where lines may break.
 */
export function breakWordsAtSoftHyphens(): HandlerClass {
  return class BreakWordsAtSoftHyphens extends pagedHandler() {
    onOverflow(overflow: Range | undefined): Range | undefined {
      if (!overflow || overflow.startContainer.nodeType !== Node.TEXT_NODE) return undefined;
      const text = (overflow.startContainer as Text).data;
      const at = overflow.startOffset;
      const isLetter = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{M}\u00ad]/u.test(ch);
      if (at <= 0 || at >= text.length || !isLetter(text[at - 1]) || !isLetter(text[at])) return undefined;
      let back = at;
      while (back > 0 && text[back - 1] !== SHY && isLetter(text[back - 1])) back--;
      if (back === 0 || back === at) return undefined;
      const moved = overflow.cloneRange();
      moved.setStart(overflow.startContainer, back);
      return moved;
    }
  };
}

/**
 * Paged.js lays out one page per animation frame (its queue ticks on requestAnimationFrame), so a page that
 * takes 20 ms waits for the next frame, and a hidden tab (the build minimizes its window) gets no frames at
 * all. A message on a MessageChannel is a task of its own, so the event loop still turns between pages
 * (observers, fonts), without the wait.
 */
export function layOutWithoutFrameWaits(): HandlerClass {
  return class LayOutWithoutFrameWaits extends pagedHandler() {
    constructor(chunker: Chunker, polisher: unknown, caller: unknown) {
      super(chunker, polisher, caller);
      const channel = new MessageChannel();
      const waiting: (() => void)[] = [];
      channel.port1.onmessage = () => (waiting.shift() as () => void)();
      if (chunker && chunker.q) {
        chunker.q.tick = (callback) => {
          waiting.push(callback);
          channel.port2.postMessage(null);
        };
      }
    }
  };
}

interface PageWithListeners {
  listening: boolean;
  addListeners(contents: unknown): boolean;
  listenersLeftOut?: true;
}

/**
 * Paged.js watches each page it lays out with a ResizeObserver, to lay the book out again from a page that grows
 * later (a font or an image arriving late), and measures the page's content for it as soon as the page is laid
 * out: a forced layout of the page, before the hooks that change it again. The build lays out in a hidden tab,
 * where observers never report (they report in frames, and a hidden tab gets none), with the fonts loaded and
 * the images waited for (Layout.waitForImages) before a page is measured: the runtime installs this when it
 * prints, and a page is laid out without an observer. (Page is not exported: its prototype is reached through
 * the first page the chunker makes.)
 */
export function noResizeObservers(Paged: PagedNamespace): void {
  const Chunker = (Paged as unknown as { Chunker?: { prototype: { addPage(blank?: boolean): PageWithListeners; resizeObserversLeftOut?: true } } }).Chunker;
  if (!Chunker || Chunker.prototype.resizeObserversLeftOut) return;
  const addPage = Chunker.prototype.addPage;
  Chunker.prototype.addPage = function (this: unknown, blank?: boolean): PageWithListeners {
    const page = addPage.call(this, blank);
    const prototype = Object.getPrototypeOf(page) as PageWithListeners;
    if (!prototype.listenersLeftOut) {
      prototype.addListeners = function (this: PageWithListeners): boolean {
        this.listening = true;
        return true;
      };
      prototype.listenersLeftOut = true;
    }
    return page;
  };
  Chunker.prototype.resizeObserversLeftOut = true;
}

interface CreatedPage {
  pagesArea: HTMLElement;
  pageTemplate: HTMLTemplateElement;
  width?: number;
  height?: number;
  element: HTMLElement;
  pagebox: Element | null;
  area: HTMLElement;
  footnotesArea: Element | null;
  create(template?: unknown, after?: Element | null): HTMLElement;
  areaSizeKept?: true;
}

const sheetNumbers = new WeakMap<CSSStyleSheet, number>();
let sheetsNumbered = 0;

/**
 * What the size of a page that has only just been made from the template depends on, read without a layout:
 * every style sheet of the document (which one, whether it applies, how many rules it has) and the classes and
 * inline style of the elements the pages stand in.
 */
function barePageStyle(pagesArea: Element): string {
  const parts: string[] = [];
  for (const sheet of [...document.styleSheets, ...document.adoptedStyleSheets]) {
    if (!sheetNumbers.has(sheet)) sheetNumbers.set(sheet, sheetsNumbered++);
    let rules = -1;
    try {
      rules = sheet.cssRules.length;
    } catch {
      // A sheet of another origin: its rules cannot be read, nor changed by a script here.
    }
    parts.push(`${sheetNumbers.get(sheet)}:${sheet.disabled}:${sheet.media.mediaText}:${rules}`);
  }
  for (let element: Element | null = pagesArea; element; element = element.parentElement) {
    parts.push(`${element.className}|${element.getAttribute('style') ?? ''}`);
  }
  return parts.join(' ');
}

/**
 * Paged.js makes each page from its template, measures the page's text area at once (for the width of its
 * columns: `Page.create`), and only then gives the page its number, side and name, which change the style of
 * every element of the page (the side's margins are custom properties of the page). Chromium computed the
 * style and layout of each new page twice: once for the bare page, once as it is laid out. The bare page's
 * area is the same size on every page while the styles it depends on stay the same (`barePageStyle`): it is
 * measured as Paged.js measures it, and measured again only when one of those changed; a page is otherwise
 * made as Paged.js makes it, with the same column width, and its style and layout are computed once, when the
 * layout of its text first needs them. The runtime installs this when it prints. (Page is not exported: its
 * prototype is reached through the first page the chunker makes, which is measured.)
 */
export function keepBarePageSize(Paged: PagedNamespace): void {
  const Chunker = (Paged as unknown as { Chunker?: { prototype: { addPage(blank?: boolean): CreatedPage; barePageSizeKept?: true } } }).Chunker;
  if (!Chunker || Chunker.prototype.barePageSizeKept) return;
  let known: { style: string; width: number; height: number } | undefined;
  const addPage = Chunker.prototype.addPage;
  Chunker.prototype.addPage = function (this: unknown, blank?: boolean): CreatedPage {
    const page = addPage.call(this, blank);
    const prototype = Object.getPrototypeOf(page) as CreatedPage;
    if (!prototype.areaSizeKept) {
      // The first page was measured by Paged.js itself.
      if (page.width !== undefined && page.height !== undefined) known = { style: barePageStyle(page.pagesArea), width: page.width, height: page.height };
      const create = prototype.create;
      prototype.create = function (this: CreatedPage, template?: unknown, after?: Element | null): HTMLElement {
        const style = barePageStyle(this.pagesArea);
        if (!known || known.style !== style) {
          const made = create.call(this, template, after);
          known = this.width !== undefined && this.height !== undefined ? { style, width: this.width, height: this.height } : undefined;
          return made;
        }
        // Paged.js's Page.create, with the area's size as measured before.
        const clone = document.importNode(this.pageTemplate.content, true);
        let made: HTMLElement;
        if (after) {
          this.pagesArea.insertBefore(clone, after.nextElementSibling);
          const index = Array.prototype.indexOf.call(this.pagesArea.children, after.nextElementSibling);
          made = this.pagesArea.children[index] as HTMLElement;
        } else {
          this.pagesArea.appendChild(clone);
          made = this.pagesArea.lastChild as HTMLElement;
        }
        const area = made.querySelector('.pagedjs_page_content') as HTMLElement;
        area.style.columnWidth = `${known.width}px`;
        area.style.columnGap = 'calc(var(--pagedjs-margin-right) + var(--pagedjs-margin-left) + var(--pagedjs-bleed-right) + var(--pagedjs-bleed-left) + var(--pagedjs-column-gap-offset))';
        this.width = known.width;
        this.height = known.height;
        this.element = made;
        this.pagebox = made.querySelector('.pagedjs_pagebox');
        this.area = area;
        this.footnotesArea = made.querySelector('.pagedjs_footnote_area');
        return made;
      };
      prototype.areaSizeKept = true;
    }
    return page;
  };
  Chunker.prototype.barePageSizeKept = true;
}

/**
 * Paged.js's call for a note copies only the note's classes. It also gets the number the note prints
 * (`data-note-number`, written by the build into the manuscript's HTML), so neither the call nor the note
 * needs a CSS counter: a counter would walk the whole document at every call, and would not see the pages
 * set aside (finished-pages.ts).
 */
export function numberNoteCalls(Paged: PagedNamespace): void {
  const Footnotes = Paged.registeredHandlers.find((H) => H.prototype && typeof (H.prototype as { createFootnoteCall?: unknown }).createFootnoteCall === 'function');
  if (!Footnotes) return;
  const prototype = Footnotes.prototype as { createFootnoteCall(node: HTMLElement): HTMLElement; numberedNoteCalls?: true };
  if (prototype.numberedNoteCalls) return;
  const createFootnoteCall = prototype.createFootnoteCall;
  prototype.createFootnoteCall = function (this: unknown, node: HTMLElement): HTMLElement {
    const call = createFootnoteCall.call(this, node);
    if (node.dataset.noteNumber) call.dataset.noteNumber = node.dataset.noteNumber;
    // The call is set in its series' style (letters for the editor's notes).
    if (node.dataset.noteSeries) call.dataset.noteSeries = node.dataset.noteSeries;
    return call;
  };
  prototype.numberedNoteCalls = true;
}

interface FootnotesPrototype {
  moveFootnote(node: HTMLElement, pageArea: Element | null, needsNoteCall: boolean): void;
  orderedNoteSeries?: true;
}

/**
 * Paged.js appends each note to the page's note area in the order of the calls, so an editor's note called
 * before an author's note would stand above it. A book sets the author's notes first, then each further
 * series (`data-note-rank`, 0 for the author's): a note goes in before the first note of a later series. It
 * is put there before Paged.js measures the area, so the height it measures is the height printed.
 */
export function orderNoteSeries(Paged: PagedNamespace): void {
  const Footnotes = Paged.registeredHandlers.find((H) => H.prototype && typeof (H.prototype as Partial<FootnotesPrototype>).moveFootnote === 'function');
  if (!Footnotes) return;
  const prototype = Footnotes.prototype as FootnotesPrototype;
  if (prototype.orderedNoteSeries) return;
  const moveFootnote = prototype.moveFootnote;
  prototype.moveFootnote = function (this: unknown, node: HTMLElement, pageArea: Element | null, needsNoteCall: boolean): void {
    const inner = pageArea?.querySelector('.pagedjs_footnote_inner_content');
    const rank = Number(node?.dataset?.noteRank || 0);
    const later = inner && Array.from(inner.children).find((n) => Number((n as HTMLElement).dataset.noteRank || 0) > rank);
    if (!inner || !later) return moveFootnote.call(this, node, pageArea, needsNoteCall);
    Object.defineProperty(inner, 'appendChild', { configurable: true, value: (child: Node) => inner.insertBefore(child, later) });
    try {
      return moveFootnote.call(this, node, pageArea, needsNoteCall);
    } finally {
      delete (inner as { appendChild?: unknown }).appendChild;
    }
  };
  prototype.orderedNoteSeries = true;
}

/**
 * When a block fits on no page (an image taller than the page area), Paged.js only says so on the console
 * ("Unable to layout item") and may stop laying out the rest of its document. The message is caught (and
 * still printed), and the block and the page it was meant for are handed to `found`.
 */
export function reportUnplaceableBlocks(found: (block: Element, page: number) => void): void {
  const warn = console.warn;
  console.warn = function (...args: unknown[]) {
    if (typeof args[0] === 'string' && args[0].startsWith('Unable to layout item') && args[1] instanceof Node) {
      const node = args[1].nodeType === Node.ELEMENT_NODE ? (args[1] as Element) : args[1].parentElement;
      // The page being laid out is the last one in the document (those before it may be set aside).
      const current = document.querySelector<HTMLElement>('.pagedjs_pages > .pagedjs_page:last-child');
      if (node) found(node, current ? Number(current.dataset.pageNumber) : 0);
    }
    return warn.apply(console, args);
  };
}

type ClonedPage = { element: HTMLElement; index(position: number): void };

interface FootnotesLayout extends FootnotesPrototype {
  needsLayout: DocumentFragment[];
  beforePageLayout(page: ClonedPage, content?: unknown, breakToken?: unknown, chunker?: { pages: unknown[]; total: number }): void;
  longNotesSplit?: true;
}

/** The most of a page's text area a note that does not fit may take while text is still to be laid out on
 * the page: the rest of the note goes on to the next page. */
export const LONG_NOTE_SHARE = 0.5;

/**
 * Sets a page's note area to `limit` px, as Paged.js sets the area of a note cut short by its call: the note's
 * columns get the height left inside the area's rule and spacing, and what runs into a further column is what
 * Paged.js moves on to the next page (Footnotes.afterPageLayout).
 */
function limitNoteArea(area: HTMLElement, limit: number): void {
  const noteContent = area.querySelector<HTMLElement>('.pagedjs_footnote_content');
  const inner = area.querySelector<HTMLElement>('.pagedjs_footnote_inner_content');
  if (!noteContent || !inner) return;
  const style = getComputedStyle(noteContent);
  const around = [style.marginTop, style.marginBottom, style.paddingTop, style.paddingBottom, style.borderTopWidth, style.borderBottomWidth].reduce((sum, value) => sum + (parseFloat(value) || 0), 0);
  area.style.setProperty('--pagedjs-footnotes-height', `${limit}px`);
  inner.style.height = `${Math.max(0, limit - Math.ceil(around))}px`;
}

const noteAreaHeight = (area: HTMLElement): number => parseFloat(area.style.getPropertyValue('--pagedjs-footnotes-height')) || 0;

/**
 * The height a page's note area needs for the first line of its first note (with the image a line may hold),
 * from the area's top: a note area limited to less could hold nothing of the note, and the note would be
 * moved on from page to page.
 */
function firstLineHeight(area: HTMLElement): number {
  const noteArea = area.querySelector('.pagedjs_footnote_area');
  const note = area.querySelector('.pagedjs_footnote_inner_content > *');
  if (!noteArea || !note) return 0;
  const range = document.createRange();
  range.selectNodeContents(note);
  const rects = Array.from(range.getClientRects()).filter((r) => r.height > 0);
  const first = rects[0];
  if (!first) return 0;
  const bottom = Math.max(...rects.filter((r) => r.top < first.bottom).map((r) => r.bottom));
  // The area grows upwards from the foot of the page: what its content needs is measured from the content's top.
  const inner = area.querySelector('.pagedjs_footnote_inner_content') as Element;
  const style = getComputedStyle(area.querySelector('.pagedjs_footnote_content') as Element);
  const above = [style.marginTop, style.paddingTop, style.borderTopWidth].reduce((sum, value) => sum + (parseFloat(value) || 0), 0);
  const below = [style.marginBottom, style.paddingBottom, style.borderBottomWidth].reduce((sum, value) => sum + (parseFloat(value) || 0), 0);
  return Math.ceil(bottom - inner.getBoundingClientRect().top + above + below);
}

/** Limits a page's note area to `share` of its text area, never below its first line. */
function limitNoteShare(area: HTMLElement, share: number): void {
  const height = area.getBoundingClientRect().height;
  const limit = Math.min(Math.floor(height), Math.max(Math.floor(height * share), firstLineHeight(area)));
  if (noteAreaHeight(area) > limit) limitNoteArea(area, limit);
}

/**
 * A note longer than the page is split across pages, as LaTeX and Prince split a long footnote: the text goes
 * on above it, the rest continues in the next page's note area. Paged.js 0.4.3 has the mechanism (what does
 * not fit in a page's note area goes to the next page's) but gives a note that does not fit all the page below
 * its call, and the rest of it on the next page the height of all of it. A note longer than the page then
 * left the text no room: the next page broke where this one had, Paged.js took that for a loop ("Layout
 * repeated"), stopped laying out the document, and the text after the note was missing from the book. With
 * this fix:
 * - on its call's page, a note that does not fit takes at most half the text area (when its call is above
 *   that half), and the text goes on down to it;
 * - on the next pages, its rest takes at most half the text area while text follows, the whole area on a page
 *   Paged.js adds for the rest of a note after the text has ended (Chunker.clonePage), and none on a blank
 *   page (before a recto), which shows nothing: it waits for the next;
 * - never less than the note's first line needs (an image in a note is a line of it): an area too small
 *   for it would move the whole note on, page after page, away from its call;
 * - a second page added for the rest of a note gets its own number and side: Chunker.clonePage numbers it
 *   from the count of pages, which only a page of text updates.
 */
export function splitLongNotes(Paged: PagedNamespace): void {
  const Footnotes = Paged.registeredHandlers.find((H) => H.prototype && typeof (H.prototype as Partial<FootnotesPrototype>).moveFootnote === 'function');
  if (!Footnotes) return;
  const prototype = Footnotes.prototype as FootnotesLayout;
  if (prototype.longNotesSplit) return;
  const moveFootnote = prototype.moveFootnote;
  prototype.moveFootnote = function (this: FootnotesLayout, node: HTMLElement, pageArea: Element | null, needsNoteCall: boolean): void {
    moveFootnote.call(this, node, pageArea, needsNoteCall);
    if (!needsNoteCall || !(pageArea instanceof HTMLElement)) return;
    // Paged.js fixes the note's height itself only when the note does not fit below its call.
    const inner = pageArea.querySelector<HTMLElement>('.pagedjs_footnote_inner_content');
    const call = node.isConnected ? pageArea.querySelector(`[data-footnote-call="${CSS.escape(node.dataset.ref ?? '')}"]`) : null;
    if (!inner?.style.height || !call) return;
    const box = pageArea.getBoundingClientRect();
    if (call.getBoundingClientRect().bottom <= box.bottom - Math.floor(box.height * LONG_NOTE_SHARE)) limitNoteShare(pageArea, LONG_NOTE_SHARE);
  };
  const beforePageLayout = prototype.beforePageLayout;
  prototype.beforePageLayout = function (this: FootnotesLayout, page, content, breakToken, chunker): void {
    if (page.element.classList.contains('pagedjs_blank_page')) return;
    // Paged.js calls this hook with the content only for a page it lays text out on; without, for a page
    // added for the rest of a note.
    if (content === undefined && chunker && chunker.total < chunker.pages.length) {
      chunker.total = chunker.pages.length;
      page.index(chunker.total - 1);
    }
    const continued = this.needsLayout.length > 0;
    beforePageLayout.call(this, page, content, breakToken, chunker);
    const area = page.element.querySelector<HTMLElement>('.pagedjs_area');
    if (continued && area) limitNoteShare(area, content === undefined ? 1 : LONG_NOTE_SHARE);
  };
  prototype.longNotesSplit = true;
}

/** A style sheet as Paged.js hands it to its polisher: a URL it fetches, or `{ url: text }`. */
type StyleSheetSource = string | Record<string, string | Promise<string>>;

interface PreviewerPrototype {
  removeStyles(doc?: Document): StyleSheetSource[];
  styleSheetsFetchedAtLoad?: true;
}

/** The linked style sheets Paged.js takes out of the document when it begins (Previewer.removeStyles). */
const LINKED_SHEETS = "link[rel='stylesheet']:not([data-pagedjs-ignore], [media~='screen'])";

/** A sheet's text as Paged.js's own `request` reads it: an XMLHttpRequest's text, through a Response. */
function fetchSheet(url: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('get', url, true);
    request.onload = () => {
      const status = request.status === 0 && url.startsWith('file://') ? 200 : request.status;
      resolve(new Response(request.responseText, { status }).text());
    };
    request.onerror = reject;
    request.send(null);
  });
}

/**
 * Paged.js takes the linked style sheets out of the document when it begins and fetches each one again to
 * parse it, after `PagedConfig.before` (the line breaker). In the build every request is answered by Node, which
 * by then is loading and deflating what the later formats need, so the tab waited for those answers with
 * nothing to do (docs/performance.md). Each sheet is fetched once when the runtime loads (Node is waiting on
 * the page then), as Paged.js fetches it, and Paged.js is handed its text: the same sheets, in the same order,
 * parsed the same. Settles once every sheet is in.
 */
export function styleSheetsFetchedAtLoad(Paged: PagedNamespace, doc: Document = document): Promise<unknown> {
  const Previewer = (Paged as unknown as { Previewer?: { prototype: PreviewerPrototype } }).Previewer;
  if (!Previewer || Previewer.prototype.styleSheetsFetchedAtLoad) return Promise.resolve();
  const fetched = new Map<string, Promise<string>>();
  for (const link of doc.querySelectorAll<HTMLLinkElement>(LINKED_SHEETS)) {
    if (fetched.has(link.href)) continue;
    const text = fetchSheet(link.href);
    // A sheet that fails fails the layout when Paged.js asks for it, as its own request would; not before.
    text.catch(() => undefined);
    fetched.set(link.href, text);
  }
  const removeStyles = Previewer.prototype.removeStyles;
  Previewer.prototype.removeStyles = function (this: unknown, from?: Document): StyleSheetSource[] {
    return removeStyles.call(this, from).map((sheet) => {
      const text = typeof sheet === 'string' ? fetched.get(sheet) : undefined;
      return text ? { [sheet as string]: text } : sheet;
    });
  };
  Previewer.prototype.styleSheetsFetchedAtLoad = true;
  return Promise.allSettled(fetched.values());
}

interface ContentPreviewerPrototype {
  wrapContent(): DocumentFragment;
  contentMoved?: true;
}

/**
 * Paged.js begins by putting the body into a template through its markup: the body serialised and the markup
 * parsed again into the template (`template.innerHTML = body.innerHTML`), the longest part of its start in a
 * long chapter. The body's nodes are moved into the template instead, with what the way through the markup
 * changed made as it made it: the adjacent text nodes the line breaker split joined (`normalize`), and a line
 * feed that opens a preformatted block's text dropped (the parser drops one there and Chromium does not write
 * one more): the same tree as the parse gave, without the markup in between.
 */
export function contentMovedIntoTemplate(Paged: PagedNamespace): void {
  const Previewer = (Paged as unknown as { Previewer?: { prototype: ContentPreviewerPrototype } }).Previewer;
  if (!Previewer || Previewer.prototype.contentMoved) return;
  Previewer.prototype.wrapContent = function (): DocumentFragment {
    const body = document.body;
    const found = body.querySelector<HTMLTemplateElement>(":scope > template[data-ref='pagedjs-content']");
    if (found) return found.content;
    const template = document.createElement('template');
    template.dataset.ref = 'pagedjs-content';
    for (const block of body.querySelectorAll('pre, textarea, listing')) {
      const first = block.firstChild;
      if (first instanceof Text && first.data.startsWith('\n')) first.deleteData(0, 1);
    }
    body.normalize();
    const range = document.createRange();
    range.selectNodeContents(body);
    template.content.appendChild(range.extractContents());
    body.appendChild(template);
    return template.content;
  };
  Previewer.prototype.contentMoved = true;
}

/** Paged.js's style-sheet parser (Polisher), as far as parseStyleSheetsAhead drives it. */
interface Polisher {
  /** Its base style element and the one its handlers add rules to (`styleSheet`), made by `setup`. */
  base?: HTMLStyleElement;
  styleEl?: HTMLStyleElement;
  setup(): CSSStyleSheet;
  convertViaSheet(text: string, url: string): Promise<string>;
  insert(text: string): HTMLStyleElement | undefined;
  add(...sheets: StyleSheetSource[]): Promise<string>;
}

interface Hook {
  hooks: unknown[];
  trigger(...args: unknown[]): Promise<unknown>;
}

/** The Previewer the polyfill made when it loaded (`window.PagedPolyfill`), which lays the document out. */
export interface PolyfillPreviewer {
  polisher: Polisher;
  chunker: { flow(content: DocumentFragment, renderTo?: Element): Promise<{ performance: number; size: unknown; pages: unknown[] }> };
  hooks: { beforePreview: Hook; afterPreview: Hook };
  handlers?: unknown;
  size: unknown;
  initializeHandlers(): unknown;
  wrapContent(): DocumentFragment;
  removeStyles(doc?: Document | Element): StyleSheetSource[];
  emit(event: string, ...args: unknown[]): void;
  preview(content?: DocumentFragment, stylesheets?: StyleSheetSource[], renderTo?: Element): Promise<unknown>;
}

/** One style sheet parsed ahead: where it came from, its text, and what the parse had Paged.js insert, in order. */
interface ParsedAhead {
  url: string;
  text: string | Promise<string>;
  inserted: string[];
}

/**
 * Paged.js begins (`Previewer.preview`) by taking the style sheets out of the document, making its own two
 * (`polisher.setup`) and its handlers, and parsing every sheet with css-tree, its handlers' hooks called on
 * each rule and declaration (`polisher.add`), before it lays out the first page. None of that reads the body,
 * and in a document loaded ahead of its body (print/document-tabs.ts) it was on the way to the first page for
 * nothing. This does it while the document waits: the sheets the document has now, found as `removeStyles`
 * finds them but left in place, are parsed in order by the same polisher with the same handlers, and `preview`
 * then takes the rest of its steps as before. What the document sees is kept in the order it was: Paged.js's
 * own style elements are made now (its handlers hold their sheet), but disabled and left out of
 * `removeStyles` until the moment `preview` made them; the styles the parse gives are inserted where `preview`
 * inserted them, after the body went into Paged.js's template and the book's sheets came out (the line breaker
 * measures the body under the book's own sheets, before that). A sheet the document gets after this (the
 * line breaker's) is parsed after these, as it was. `preview` throws if the sheets it takes out do not begin
 * with those parsed, or if anything came after Paged.js's own elements in the head: the order could not be
 * kept then. Settles once the sheets are parsed.
 */
export async function parseStyleSheetsAhead(previewer: PolyfillPreviewer): Promise<void> {
  const { polisher } = previewer;
  // What removeStyles takes out when preview begins, as far as the document has it now (a copy of the head, so
  // nothing is taken out; the sheets' texts are those styleSheetsFetchedAtLoad fetched).
  const sheets = previewer.removeStyles(document.head.cloneNode(true) as Element);
  polisher.setup();
  const own = [polisher.base, polisher.styleEl].filter((el): el is HTMLStyleElement => Boolean(el));
  for (const el of own) {
    (el.sheet as CSSStyleSheet).disabled = true;
    el.dataset.pagedjsIgnore = '';
  }
  previewer.handlers = previewer.initializeHandlers();
  // preview triggers this hook before it made its handlers: none of them may be on it.
  if (previewer.hooks.beforePreview.hooks.length > 0) throw new Error('parseStyleSheetsAhead: a handler registered beforePreview, which preview calls before it makes the handlers');
  const parsed: ParsedAhead[] = [];
  const insert = polisher.insert;
  try {
    for (const sheet of sheets) {
      if (typeof sheet !== 'object') break;
      const [url, text] = Object.entries(sheet)[0] as [string, string | Promise<string>];
      // A sheet that failed to load fails preview, as it did: it and those after it are left to preview.
      const original = await Promise.resolve(text).then((t) => t, () => undefined);
      if (original === undefined) break;
      const inserted: string[] = [];
      polisher.insert = (css: string) => void inserted.push(css);
      inserted.push(await polisher.convertViaSheet(original, url));
      polisher.insert = insert;
      parsed.push({ url, text, inserted });
    }
  } finally {
    polisher.insert = insert;
  }
  previewer.preview = async function (this: PolyfillPreviewer, content?: DocumentFragment, stylesheets?: StyleSheetSource[], renderTo?: Element) {
    await this.hooks.beforePreview.trigger(content, renderTo);
    content ??= this.wrapContent();
    stylesheets ??= this.removeStyles();
    // Where polisher.setup made Paged.js's own elements: they are the head's last, and from here they apply.
    const last = own[own.length - 1];
    if (last && (last.nextElementSibling || own.some((el, i) => i > 0 && el.previousElementSibling !== own[i - 1]))) {
      throw new Error('parseStyleSheetsAhead: an element was added to the head after Paged.js\'s own style elements');
    }
    for (const el of own) {
      delete el.dataset.pagedjsIgnore;
      (el.sheet as CSSStyleSheet).disabled = false;
    }
    parsed.forEach((sheet, i) => {
      const now = stylesheets[i];
      if (typeof now !== 'object' || Object.keys(now).length !== 1 || now[sheet.url] !== sheet.text) {
        throw new Error(`parseStyleSheetsAhead: the style sheets preview takes out do not begin with those parsed ahead (${sheet.url})`);
      }
    });
    for (const sheet of parsed) for (const css of sheet.inserted) polisher.insert(css);
    const rest = stylesheets.slice(parsed.length);
    if (rest.length > 0) await polisher.add(...rest);
    const startTime = performance.now();
    const flow = await this.chunker.flow(content, renderTo);
    flow.performance = performance.now() - startTime;
    flow.size = this.size;
    this.emit('rendered', flow);
    await this.hooks.afterPreview.trigger(flow.pages);
    return flow;
  };
}
