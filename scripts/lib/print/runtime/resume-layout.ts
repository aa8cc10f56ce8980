/**
 * The preview lays a unit out again on every save in a new frame. Pages before the first change come out as
 * they did the last time, so they are not laid out again: the last layout of the unit (`LayoutRecord`,
 * published by the frame on show) kept each page's text and note area as Paged.js left it, and where in the
 * source the page started and ended. The new layout replays those pages in order (each gets the old page's
 * area instead of Paged.js's layout of it, and Paged.js goes on from the old page's end in the new source) up
 * to the page before the one the first change is on, and lays out from there.
 *
 * The kept pages are taken whole when the record says what the next pages need of them: each page as the
 * last layout left it (its running heads, number and side, split elements marked), and the state Paged.js's
 * handlers carried from it to the next page (the running heads' last strings; no rule added to Paged.js's
 * style sheet by a page hook, no running element, no note carried over). No hook runs on them: a page costs
 * a copy, not a layout of its own. Otherwise only what Paged.js's `Page.layout` does is skipped: every hook
 * around it runs on the replayed page as on one laid out (running heads' strings, counters, a note's rest
 * carried to the next page, the page's number and side, the pages set aside). A page is kept only if its
 * layout is a function of the source before the change:
 * it must end before the page the change begins on starts (a change can pull text back onto the page before
 * it, never further). A page whose layout left a note to the next page from inside the layout (Paged.js's
 * queue of notes is filled there only when a note fits nowhere on its call's page) ends the replay: the queue
 * is not in the record. Anything else that differs (the style sheets, the language) lays out the whole unit.
 */
import type { HandlerState, LayoutRecord, PageRecord, ResumeReport, SourcePlace } from './contract.ts';
import type { FinishedPages } from './finished-pages.ts';
import { pagedHandler, type Chunker, type HandlerClass, type PagedNamespace, type PagedPage } from './paged.ts';

/** The pages laid out first that are shown while the rest is laid out: the change is on the first or second
 * (keptPages), and the next may take its lines. */
const SHOWN_EARLY = 4;

/** The longest the layout waits for the last page shown early to be painted (three frames at 60 Hz). */
const PAINT_WAIT_MS = 50;

/** The nodes of `root` in document order, `root` itself not counted. */
function nodesInOrder(root: Node): Node[] {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ALL);
  const nodes: Node[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
  return nodes;
}

function sameNode(a: Node, b: Node): boolean {
  if (a.nodeType !== b.nodeType || a.nodeName !== b.nodeName) return false;
  if (a.nodeType !== Node.ELEMENT_NODE) return a.nodeValue === b.nodeValue;
  const x = a as Element;
  const y = b as Element;
  if (x.attributes.length !== y.attributes.length) return false;
  for (const attribute of x.attributes) if (y.getAttribute(attribute.name) !== attribute.value) return false;
  return true;
}

/** How deep `node` is below `root`. */
function depthBelow(node: Node, root: Node): number {
  let depth = 0;
  for (let up = node.parentNode; up && up !== root; up = up.parentNode) depth++;
  return depth;
}

/** The position of the first node in document order where `before` and `after` differ (their length if
 * neither differs, the shorter's if one goes on). A node counts as differing where its name, attributes,
 * text or depth do (the order and the depths of the nodes make the tree), not where only what is inside it
 * does. `positions`: each node of `after` (not `after` itself) by its position in document order.
 */
export function firstDifference(before: Node, after: Node, positions: Map<Node, number> = new Map(nodesInOrder(after).map((node, i) => [node, i]))): number {
  /** The position of the node after `node` and everything inside it, in `after`. */
  const following = (node: Node): number => {
    let last = node;
    while (last.lastChild) last = last.lastChild;
    return last === after ? 0 : (positions.get(last) as number) + 1;
  };
  // Children are compared in pairs; a pair equal as a whole (isEqualNode: names, attributes, text and children,
  // compared natively) is passed over at once, so only the way down to the first difference is walked a node at
  // a time.
  const compare = (x0: Node, y0: Node): number | undefined => {
    let x = x0.firstChild;
    let y = y0.firstChild;
    let position = y0 === after ? 0 : (positions.get(y0) as number) + 1;
    while (x && y) {
      if (!x.isEqualNode(y)) {
        if (!sameNode(x, y)) return position;
        const inside = compare(x, y);
        if (inside !== undefined) return inside;
      }
      position = following(y);
      x = x.nextSibling;
      y = y.nextSibling;
    }
    // Where one's children go on and the other's end, the next nodes differ in depth (or one has none).
    return x || y ? position : undefined;
  };
  return compare(before, after) ?? following(after);
}

/**
 * How many of the last layout's pages can be kept when the new source first differs at node `changed`: the
 * pages before the one holding the page break before the change, less those after a page that cannot be
 * replayed.
 */
export function keptPages(record: LayoutRecord, changed: number): number {
  let holding = -1;
  record.pages.forEach((page, position) => {
    if (page && (page.start === null || page.start.node < changed)) holding = position;
  });
  // The page the change is on may now start earlier: the page before it is laid out again too.
  const kept = Math.max(0, holding - 1);
  for (let position = 0; position < kept; position++) {
    const page = record.pages[position];
    if (page && page.unplaceable) return position;
  }
  return kept;
}

/** What a layout depends on besides its source. */
function layoutSetting(): string {
  // Rules Paged.js adds through the style sheet's object model are not in its text.
  const styles = Array.from(document.querySelectorAll<HTMLStyleElement>('style[data-pagedjs-inserted-styles]'), (style) =>
    Array.from(style.sheet?.cssRules ?? [], (rule) => rule.cssText).join('\n'),
  ).join('\n');
  return `${document.documentElement.lang}\n${styles}`;
}

interface BreakTokenLike {
  node?: Node;
  offset?: number;
}

/**
 * A break token Paged.js can go on from: its `BreakToken` is not exported, and what the chunker and Layout
 * use of one is its node, its offset, `equals` and `toJSON` (chunker/breaktoken.js, the same logic).
 */
class ReplayedBreakToken {
  constructor(
    readonly node: Node,
    readonly offset: number | undefined,
  ) {}

  equals(other: BreakTokenLike | undefined): boolean {
    if (!other) return false;
    if (this.node && other.node && this.node !== other.node) return false;
    if (this.offset && other.offset && this.offset !== other.offset) return false;
    return true;
  }

  toJSON(hash?: boolean): string | Record<string, never> {
    if (!this.node) return {};
    const element = this.node.nodeType === Node.ELEMENT_NODE ? (this.node as HTMLElement) : null;
    const node = element && element.dataset.ref ? element.dataset.ref : hash ? this.node.parentElement?.dataset.ref : undefined;
    const index = this.node.parentElement ? Array.from(this.node.parentElement.childNodes).indexOf(this.node as ChildNode) : 0;
    return JSON.stringify({ node, index, offset: this.offset });
  }
}

interface LaidOutPage extends PagedPage {
  position: number;
  id?: string;
  blank?: boolean;
  area: HTMLElement;
  pagebox?: HTMLElement;
  wrapper: HTMLElement;
  footnotesArea: HTMLElement;
  startToken?: unknown;
  endToken?: unknown;
  settings: { maxChars?: number };
  layout(contents: Node, breakToken: BreakTokenLike | false | undefined, maxChars?: number): Promise<BreakTokenLike | undefined>;
  clear(): void;
}

/** Paged.js's Page, not exported: reached through a page the chunker makes. */
type PageClass = new (pagesArea: Element, template: HTMLTemplateElement, blank: boolean, hooks: unknown, settings: unknown) => LaidOutPage;

/** The chunker as the resumption drives it. */
interface ResumedChunker extends Chunker {
  pages: LaidOutPage[];
  total: number;
  pagesArea: HTMLElement;
  pageTemplate: HTMLTemplateElement;
  hooks: unknown;
  settings: unknown;
  addPage(blank?: boolean): LaidOutPage;
  layout(content: Node, startAt?: BreakTokenLike | false): AsyncGenerator<unknown>;
  recoredCharLength(length: number): void;
}

interface StringSetsState {
  pageLastString?: Record<string, string>;
  afterPageLayout(...args: unknown[]): unknown;
}

interface RunningHeadersState {
  runningSelectors?: Record<string, unknown>;
  afterPageLayout(...args: unknown[]): unknown;
}

/** Where `token` is in the source whose nodes are numbered by `index`; undefined if it is not found there. */
function placeOf(token: BreakTokenLike | false | undefined, index: Map<Node, number>): SourcePlace | null | undefined {
  if (!token || !token.node) return null;
  const node = index.get(token.node);
  if (node === undefined) return undefined;
  return token.offset === undefined ? { node } : { node, offset: token.offset };
}

function copyPlace(place: SourcePlace | null): SourcePlace | null {
  return place && (place.offset === undefined ? { node: place.node } : { node: place.node, offset: place.offset });
}

function samePlace(a: SourcePlace | null | undefined, b: SourcePlace | null | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === null || b === null) return a === b;
  return a.node === b.node && a.offset === b.offset;
}

/** A footnote call on the page whose note is not in the page's note area. */
function holdsNote(area: Element): boolean {
  const notes = new Set(Array.from(area.querySelectorAll<HTMLElement>('.pagedjs_footnote_area [data-footnote-marker]'), (note) => note.dataset.footnoteMarker));
  return Array.from(area.querySelectorAll<HTMLElement>('.pagedjs_page_content [data-footnote-call]')).some((call) => !notes.has(call.dataset.footnoteCall));
}

/**
 * The handler that records this layout and replays the pages of `previous()` (the unit's last layout, if the
 * preview has one) that the change leaves as they were. `record()` is the layout once Paged.js is done.
 */
export class LayoutResumption {
  private readonly pages: (PageRecord | undefined)[] = [];
  private readonly after: (HandlerState | undefined)[] = [];
  private wholePages: Element[] = [];
  private rulesAtStart = 0;
  /** Paged.js's own style sheet, where its page hooks add rules. */
  private sheet: CSSStyleSheet | undefined;
  /** The handlers' state is followed (trackHandlerState): pages can be taken whole. */
  private tracked = false;
  /** StringSets' last strings after the latest page, and those to give it before the next page. */
  private lastStrings: Record<string, string> | undefined;
  private pendingStrings: Record<string, string> | undefined;
  private runningElements = false;
  private source: Node | undefined;
  private setting = '';
  private index = new Map<Node, number>();
  private nodes: Node[] = [];
  /** The last layout while its pages are replayed. */
  private replaying: { previous: LayoutRecord; keepable: number } | undefined;
  report: ResumeReport | undefined;

  /** Positions of the pages this layout laid out itself (neither kept nor blank) not shown early, and how many were. */
  private readonly laidOut = new Set<number>();
  private shown = 0;

  constructor(
    private readonly previous: () => LayoutRecord | undefined,
    private readonly finished: FinishedPages,
    /** Shows a page laid out while the rest still is. */
    private readonly show: (position: number, page: Element) => void = () => undefined,
  ) {}

  /** The layout for the next one to resume from: once every page is laid out. */
  record(): LayoutRecord | undefined {
    if (!this.source) return undefined;
    return { setting: this.setting, source: this.source, pages: this.pages, wholePages: this.wholePages, after: this.after, rulesAtStart: this.rulesAtStart };
  }

  /**
   * Follows the state of Paged.js's handlers that the next page reads (before its preview() makes them): the
   * running heads' last strings (StringSets, given back to it before the first page laid out after pages taken
   * whole) and whether running elements were set (RunningHeaders, whose state is not kept: no page is then
   * taken whole). Without either handler no page is taken whole.
   */
  trackHandlerState(Paged: PagedNamespace): void {
    const resumption = this;
    const StringSets = Paged.registeredHandlers.find((H) => H.name === 'StringSets');
    const RunningHeaders = Paged.registeredHandlers.find((H) => H.name === 'RunningHeaders');
    if (!StringSets || !RunningHeaders) return;
    const strings = StringSets.prototype as unknown as StringSetsState;
    const afterStrings = strings.afterPageLayout;
    strings.afterPageLayout = function (this: StringSetsState, ...args: unknown[]): unknown {
      if (resumption.pendingStrings) this.pageLastString = { ...resumption.pendingStrings };
      resumption.pendingStrings = undefined;
      const result = afterStrings.apply(this, args);
      resumption.lastStrings = this.pageLastString ? { ...this.pageLastString } : undefined;
      return result;
    };
    const running = RunningHeaders.prototype as unknown as RunningHeadersState;
    const afterRunning = running.afterPageLayout;
    running.afterPageLayout = function (this: RunningHeadersState, ...args: unknown[]): unknown {
      if (Object.keys(this.runningSelectors ?? {}).length > 0) resumption.runningElements = true;
      return afterRunning.apply(this, args);
    };
    this.tracked = true;
  }

  handler(): HandlerClass {
    const resumption = this;
    return class ResumeLayout extends pagedHandler() {
      afterParsed(): void {
        const chunker = this.chunker as ResumedChunker;
        resumption.sheet = (this as unknown as { polisher?: { styleSheet?: CSSStyleSheet } }).polisher?.styleSheet;
        const addPage = chunker.addPage;
        chunker.addPage = function (this: ResumedChunker, blank?: boolean): LaidOutPage {
          const page = addPage.call(this, blank);
          const layout = page.layout;
          page.layout = function (this: LaidOutPage, contents, breakToken, maxChars) {
            return resumption.layOut(this, layout, contents, breakToken, maxChars);
          };
          return page;
        };
        const layout = chunker.layout;
        chunker.layout = function (this: ResumedChunker, content: Node, startAt?: BreakTokenLike | false) {
          // A layout again after an overflow (Chunker.render from a page on) goes as Paged.js does it.
          const from = startAt ? undefined : resumption.takeWhole(this, content);
          return layout.call(this, content, from ?? startAt);
        };
      }

      finalizePage(_element: HTMLElement, page: LaidOutPage, _breakToken: unknown, chunker: ResumedChunker): void {
        resumption.after[page.position] = { strings: resumption.lastStrings, rules: resumption.sheet?.cssRules.length ?? 0, runningElements: resumption.runningElements };
        // The page before this one is done now (this page's hooks mark its split elements): the first pages this
        // layout makes, where the change is, are shown before the rest is laid out.
        const before = chunker.pages[page.position - 1];
        if (before) resumption.showEarly(before);
      }

      afterRendered(pages: LaidOutPage[]): void {
        // As the layout left them, before the preview numbers them.
        resumption.wholePages = pages.map((page) => page.element.cloneNode(true) as Element);
        // Every page replayed, none laid out: the last layout (another frame's document) is let go all the same.
        resumption.replaying = undefined;
      }
    };
  }

  /**
   * Once every page is laid out, before the pages set aside go back in (FinishedPages.beforeReturn): the last
   * page has no page after it to wait for, and is shown now if it is one of the first this layout laid out (an
   * edit at the end of a unit). Settles once it is painted: with only the last pages in this document, the paint
   * does not lay out every page of it first. Or after PAINT_WAIT_MS, whichever comes first: on a busy machine a
   * frame can be long in coming, and the whole layout waits here (the page then shows with the swap).
   */
  showLast(pages: PagedPage[]): Promise<void> | undefined {
    const last = pages[pages.length - 1] as LaidOutPage | undefined;
    if (!last || !this.showEarly(last)) return undefined;
    return new Promise((resolve) => {
      requestAnimationFrame(() => setTimeout(resolve, 0));
      setTimeout(resolve, PAINT_WAIT_MS);
    });
  }

  /** Shows `page`, done, in place of the same page on show if it is one of the first this layout laid out. */
  private showEarly(page: LaidOutPage): boolean {
    if (!this.laidOut.has(page.position) || this.shown >= SHOWN_EARLY) return false;
    this.shown++;
    this.laidOut.delete(page.position);
    try {
      this.show(page.position, page.element);
      return true;
    } catch {
      // Showing a page early is a courtesy: the layout goes on, and the whole frame is shown when done.
      return false;
    }
  }

  /**
   * Takes the kept pages of the last layout whole, when its record allows it: copies of its pages as the
   * chunker's first pages (set aside at once), the handlers' state as after the last of them, and the token
   * Paged.js goes on from. Undefined when the pages are replayed one by one or laid out.
   */
  private takeWhole(chunker: ResumedChunker, content: Node): BreakTokenLike | undefined {
    if (!this.source) this.begin(content);
    const replaying = this.replaying;
    if (!replaying || !this.tracked || chunker.pages.length > 0) return undefined;
    const { previous, keepable } = replaying;
    const state = previous.after[keepable - 1];
    const last = previous.pages[keepable - 1];
    const node = last?.end ? this.nodes[last.end.node] : undefined;
    if (!state || state.runningElements || state.rules !== previous.rulesAtStart || previous.wholePages.length < keepable || !last?.end || !node) return undefined;
    // Paged.js's Page, from a page made and taken out again.
    const probe = chunker.addPage();
    chunker.pages.pop();
    probe.element.remove();
    const Page = probe.constructor as PageClass;
    const pages: LaidOutPage[] = [];
    for (let position = 0; position < keepable; position++) {
      const element = document.importNode(previous.wholePages[position] as Element, true) as HTMLElement;
      const page = new Page(chunker.pagesArea, chunker.pageTemplate, element.classList.contains('pagedjs_blank_page'), chunker.hooks, chunker.settings);
      page.element = element;
      page.pagebox = element.querySelector('.pagedjs_pagebox') as HTMLElement;
      page.area = element.querySelector('.pagedjs_page_content') as HTMLElement;
      page.wrapper = page.area?.lastElementChild as HTMLElement;
      page.footnotesArea = element.querySelector('.pagedjs_footnote_area') as HTMLElement;
      page.position = position;
      page.id = element.id;
      const old = previous.pages[position];
      if (old) {
        page.startToken = this.tokenAt(old.start);
        page.endToken = this.tokenAt(old.end);
        // Copies made here: an object of the last layout's frame would keep its document alive.
        this.pages[position] = { start: copyPlace(old.start), end: copyPlace(old.end), unplaceable: old.unplaceable };
      }
      const after = previous.after[position];
      this.after[position] = after && { strings: after.strings && { ...after.strings }, rules: after.rules, runningElements: after.runningElements };
      pages.push(page);
      chunker.pages.push(page);
      // As the chunker does after each page it lays out: the length it renders before looking for an overflow.
      if (old && page.wrapper) chunker.recoredCharLength(page.wrapper.textContent?.length ?? 0);
    }
    chunker.total = chunker.pages.length;
    this.finished.adopt(pages, chunker.pagesArea);
    this.pendingStrings = state.strings && { ...state.strings };
    this.lastStrings = this.pendingStrings;
    this.report = { kept: keepable, keepable, whole: true };
    this.replaying = undefined;
    return new ReplayedBreakToken(node, last.end.offset);
  }

  private tokenAt(place: SourcePlace | null): ReplayedBreakToken | undefined {
    const node = place ? this.nodes[place.node] : undefined;
    return place && node ? new ReplayedBreakToken(node, place.offset) : undefined;
  }

  private async layOut(page: LaidOutPage, layout: LaidOutPage['layout'], contents: Node, breakToken: BreakTokenLike | false | undefined, maxChars: number | undefined): Promise<BreakTokenLike | undefined> {
    // The source is read at the first page: every handler's afterParsed has changed it by then.
    if (!this.source) this.begin(contents);
    const start = placeOf(breakToken, this.index);
    const old = this.replaying?.previous.pages[page.position];
    let end: BreakTokenLike | undefined;
    if (this.replaying && old?.area && page.position < this.replaying.keepable && samePlace(old.start, start)) {
      end = this.replay(page, old.area, old.end, breakToken, maxChars);
      (this.report as ResumeReport).kept++;
    } else {
      // From here on every page is laid out: the last layout is let go.
      this.replaying = undefined;
      end = await layout.call(page, contents, breakToken, maxChars);
      this.laidOut.add(page.position);
    }
    const place = placeOf(end, this.index);
    this.pages[page.position] = {
      start: start ?? null,
      end: place ?? null,
      area: (page.element.querySelector('.pagedjs_area') as Element).cloneNode(true) as Element,
      unplaceable: start === undefined || place === undefined || holdsNote(page.element),
    };
    return end;
  }

  private begin(contents: Node): void {
    this.nodes = nodesInOrder(contents);
    this.index = new Map(this.nodes.map((node, i) => [node, i]));
    this.source = contents.cloneNode(true);
    this.setting = layoutSetting();
    this.rulesAtStart = this.sheet?.cssRules.length ?? 0;
    const previous = this.previous();
    if (!previous) return;
    if (previous.setting !== this.setting) {
      this.report = { kept: 0, keepable: 0, reason: 'the style sheets or the language differ' };
      return;
    }
    const keepable = keptPages(previous, firstDifference(previous.source, contents, this.index));
    this.report = { kept: 0, keepable };
    if (keepable > 0) this.replaying = { previous, keepable };
  }

  /** Page `page` as `old` was, and the token Paged.js goes on from. */
  private replay(page: LaidOutPage, oldArea: Element, oldEnd: SourcePlace | null, breakToken: BreakTokenLike | false | undefined, maxChars: number | undefined): BreakTokenLike | undefined {
    page.clear();
    page.startToken = breakToken;
    // As Page.layout: the first length given is the most Layout renders before it looks for an overflow.
    if (!page.settings.maxChars && maxChars) page.settings.maxChars = maxChars;
    const area = document.importNode(oldArea, true) as HTMLElement;
    (page.element.querySelector('.pagedjs_area') as Element).replaceWith(area);
    page.area = area.querySelector('.pagedjs_page_content') as HTMLElement;
    page.wrapper = page.area.lastElementChild as HTMLElement;
    page.footnotesArea = area.querySelector('.pagedjs_footnote_area') as HTMLElement;
    // No ResizeObserver, unlike a page Paged.js laid out: it measures the page as soon as it is added (a
    // forced layout) and reports every later change of its size, and a replayed page has no Layout to check
    // an overflow with (Page.checkOverflowAfterResize returns at once): it would only cost.
    const end = this.tokenAt(oldEnd);
    page.endToken = end;
    return end;
  }
}
