/**
 * Paged.js 0.4.3 checks a page for an overflow after every node it appends once the page holds `maxChars`
 * characters (`Layout.renderTo`), and each check is a forced layout of the page. `maxChars` is meant to be the
 * average of the last pages, but every page gets the chunker's settings object, and `Page.layout` sets
 * `settings.maxChars` only while it is unset: it stays the length of the first page laid out after the first
 * (a chapter's title page: 42 characters in the 20× book), so nearly every node of every page is checked:
 * every paragraph, the white space between blocks, and each line of a paragraph continued from the page before
 * (the line breaker leaves a line a text node or a span of its own, and a continued paragraph is appended node
 * by node). `checkOverflowOncePerRun` has `renderTo` append a run of such nodes and check once, and finds the
 * break the checks after each of them would have found:
 *
 * - No overflow after the run means none after any node of it. What a node appends comes after what is
 *   there, and what is drawn after an element's content (its end padding or border, its `::after`) after that,
 *   so a page that overflowed with fewer of the nodes overflows with all of them. A check that finds nothing
 *   changes nothing: `findBreakToken` hands `onOverflow` no overflow, on which the runtime's and Paged.js's
 *   handlers return nothing; no handler listens to the `layout` hook; images are waited for before the check.
 * - An overflow after the run starts in one node of it, the last whose clone holds the node `findOverflow`
 *   reaches first (the run's first node if none does). The nodes after that one are taken out again, and
 *   Paged.js's own check (`findBreakToken`, with its hooks: `keepLines` reads the lines of the block as they
 *   were) runs on the page as it stood after that node: the check that would have found the break. Those after
 *   the nodes before it would have found nothing: each of those nodes lies in the first column, and with fewer
 *   nodes after it stands where it stands with all, where the elements open at its end end alike
 *   (`prefixLaysOutAlike`: nothing drawn after their content, normal flow, no rule telling a last child or an
 *   empty element from others). Where that is not sure, the check runs after that node instead. If the check
 *   finds no break (Chromium moved a line on for `widows` only once more lines followed it), the walk goes on
 *   from the node after it, each node checked, as it would have.
 * - A node is run after others only if its appending does nothing but append it (`appendsOnly`): no note
 *   (Paged.js moves a note whose call is on the page to the note area as the note's node is appended), no
 *   table (the runtime repeats a table's header as its rows go in), no image, its parent on the page (or
 *   Paged.js rebuilds the ancestors). Before any other node the run is checked; that node may begin the next
 *   run, since a run's first node is never taken out again. A run is also checked before a forced break and
 *   at the end of the content.
 *
 * When checks are due is unchanged (`maxChars`, flaw and all: a later first check could find another break).
 * A run is checked once the page holds nearly as many characters as the last pages held, the next once it
 * holds what the space left below its content is estimated to hold; where that is less than a line or two,
 * each node is checked. The loop is Paged.js's `renderTo` otherwise, step for step (a node walked again
 * after nodes were taken out is handed to the `layoutNode` hook again: no handler listens to it). Layout is
 * not exported: its prototype is reached through the first Layout a page makes, before that page is laid
 * out. The runtime installs this when it prints.
 */
import type { PagedNamespace } from './paged.ts';
import { reusableRange } from './ranges.ts';

interface BreakTokenLike {
  node?: Node;
  offset?: number;
  equals(other: BreakTokenLike | undefined): boolean;
}

interface HookLike {
  trigger(...args: unknown[]): Promise<unknown>;
  triggerSync(...args: unknown[]): unknown[];
}

interface LayoutLike {
  hooks?: Record<'onPageLayout' | 'layout' | 'layoutNode' | 'beforeRenderResult' | 'onBreakToken' | 'renderNode', HookLike>;
  bounds: DOMRect;
  maxChars: number;
  forceRenderBreak: boolean;
  getStart(source: Element, breakToken?: BreakTokenLike): Node;
  shouldBreak(node: Node, limiter: Node): boolean;
  append(node: Node, dest: Element, breakToken?: BreakTokenLike, shallow?: boolean): Node;
  findBreakToken(rendered: Element, source: Element, bounds: DOMRect, prevBreakToken: BreakTokenLike): BreakTokenLike | undefined;
  findOverflow(rendered: Element, bounds: DOMRect): Range | undefined;
  breakAt(node: Node): BreakTokenLike;
  rebuildTableFromBreakToken(breakToken: BreakTokenLike | undefined, dest: Element): void;
  waitForImages(imgs: NodeListOf<HTMLImageElement>): Promise<void>;
  renderTo(wrapper: Element, source: Element, breakToken?: BreakTokenLike, bounds?: DOMRect): Promise<RenderResultLike>;
  overflowCheckedOncePerRun?: true;
}

/** What `Page.layout` reads of `renderTo`'s result (chunker/renderresult.js). */
interface RenderResultLike {
  breakToken: BreakTokenLike | undefined;
  error?: Error;
}

/** Paged.js's OverflowContentError (chunker/renderresult.js), not exported. */
class OverflowContentError extends Error {
  constructor(
    message: string,
    readonly items: Node[],
  ) {
    super(message);
  }
}

// Paged.js's utils/dom.js, which is not exported: the same logic.
const isElement = (node: Node | null | undefined): node is Element => !!node && node.nodeType === Node.ELEMENT_NODE;
const isText = (node: Node | null | undefined): node is Text => !!node && node.nodeType === Node.TEXT_NODE;
const isIgnorable = (node: Node): boolean => node.nodeType === Node.COMMENT_NODE || (node.nodeType === Node.TEXT_NODE && !/[^\t\n\r ]/.test(node.textContent ?? ''));

function* walk(start: Node | null | undefined, limiter: Node): Generator<Node, void> {
  let node: Node | null | undefined = start;
  while (node) {
    yield node;
    if (node.childNodes.length) {
      node = node.firstChild;
    } else if (node.nextSibling) {
      if (limiter && node === limiter) break;
      node = node.nextSibling;
    } else {
      while (node) {
        node = node.parentNode;
        if (limiter && node === limiter) {
          node = undefined;
          break;
        }
        if (node && node.nextSibling) {
          node = node.nextSibling;
          break;
        }
      }
    }
  }
}

function nextSignificantNode(sibling: Node): Node | null {
  let node: Node | null = sibling;
  while ((node = node.nextSibling)) if (!isIgnorable(node)) return node;
  return null;
}

function nodeAfter(start: Node, limiter?: Node): Node | undefined {
  if (limiter && start === limiter) return undefined;
  let significant = nextSignificantNode(start);
  if (significant) return significant;
  let node: Node | null = start;
  while ((node = node.parentNode)) {
    if (limiter && node === limiter) return undefined;
    significant = nextSignificantNode(node);
    if (significant) return significant;
  }
  return undefined;
}

const NOT_CONTAINERS = new Set(['A', 'ABBR', 'ACRONYM', 'B', 'BDO', 'BIG', 'BR', 'BUTTON', 'CITE', 'CODE', 'DFN', 'EM', 'I', 'IMG', 'INPUT', 'KBD', 'LABEL', 'MAP', 'OBJECT', 'Q', 'SAMP', 'SCRIPT', 'SELECT', 'SMALL', 'SPAN', 'STRONG', 'SUB', 'SUP', 'TEXTAREA', 'TIME', 'TT', 'VAR', 'P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'FIGCAPTION', 'BLOCKQUOTE', 'PRE', 'LI', 'TD', 'DT', 'DD', 'VIDEO', 'CANVAS']);

function isContainer(node: Node): boolean {
  const element = node as HTMLElement;
  if (typeof element.tagName === 'undefined') return true;
  if (element.style && element.style.display === 'none') return false;
  return !NOT_CONTAINERS.has(element.tagName);
}

const hasContent = (node: Node): boolean => isElement(node) || (isText(node) && (node.textContent ?? '').trim().length > 0);

/** A node appended after the run's last check was due: what to take out again, and the state after it. */
interface Appended {
  node: Node;
  clone: Node;
  shallow: boolean;
  /** `length` and `hasRenderedContent` once it was appended. */
  length: number;
  hasRenderedContent: boolean;
  /** The page's index of refs before the clone went in (Layout.append keeps one: findElement reads it). */
  ref?: string;
  refBefore?: Element;
}

interface RuleSummary {
  key: string;
  /** `:has()` somewhere: an element's style may depend on anything after it. */
  anywhere: boolean;
  /**
   * For each compound selector with a last-child pseudo-class, the selector up to it without those
   * pseudo-classes: an element that does not match it keeps its style, and its descendants theirs, whatever
   * follows it.
   */
  lastChildSelectors: string[];
}

/** The selectors of a selector list (split at its top-level commas). */
function selectorsOf(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(list.slice(from, i).trim());
      from = i + 1;
    }
  }
  parts.push(list.slice(from).trim());
  return parts;
}

const TELLS_LAST_CHILD = /:(?:last-child|last-of-type|only-child|only-of-type|empty|nth-last-child|nth-last-of-type)\b/;
const LAST_CHILD_PSEUDOS = /:(?:last-child|last-of-type|only-child|only-of-type|empty)\b|:nth-last-(?:child|of-type)\([^)]*\)/g;
const PSEUDO_ELEMENTS = /::?(?:before|after|marker|first-line|first-letter|placeholder|selection)\b/g;

/**
 * For each compound of `selector` that tells a last child from others, the selector up to that compound with
 * those pseudo-classes (and pseudo-elements) left out: it matches every element the compound may match as
 * more follows. (Left out inside `:not()` and the like, the selector is no longer valid: it is then taken to
 * match every element, see prefixLaysOutAlike.)
 */
function lastChildPrefixes(selector: string): string[] {
  const prefixes: string[] = [];
  let depth = 0;
  let from = 0;
  const end = (to: number): void => {
    if (TELLS_LAST_CHILD.test(selector.slice(from, to))) {
      let prefix = selector.slice(0, to).replace(LAST_CHILD_PSEUDOS, '').replace(PSEUDO_ELEMENTS, '').trimEnd();
      if (prefix === '' || /[ >+~]$/.test(prefix) || /[>+~]\s*$/.test(prefix)) prefix = `${prefix} *`.trim();
      prefixes.push(prefix);
    }
  };
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i] as string;
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (depth === 0 && /[ >+~]/.test(ch)) {
      end(i);
      from = i + 1;
    }
  }
  end(selector.length);
  return prefixes;
}

function summarizeRules(key: string): RuleSummary {
  const summary: RuleSummary = { key, anywhere: false, lastChildSelectors: [] };
  const visit = (rules: CSSRuleList): void => {
    for (const rule of Array.from(rules)) {
      if (rule instanceof CSSStyleRule) {
        const text = rule.selectorText;
        if (text.includes(':has(')) summary.anywhere = true;
        if (TELLS_LAST_CHILD.test(text)) for (const selector of selectorsOf(text)) summary.lastChildSelectors.push(...lastChildPrefixes(selector));
      }
      if ('cssRules' in rule && (rule as CSSGroupingRule).cssRules) visit((rule as CSSGroupingRule).cssRules);
    }
  };
  for (const sheet of [...document.styleSheets, ...document.adoptedStyleSheets]) {
    try {
      visit(sheet.cssRules);
    } catch {
      // Another origin's sheet, unreadable: its rules may be anything.
      summary.anywhere = true;
    }
  }
  summary.lastChildSelectors = [...new Set(summary.lastChildSelectors)];
  return summary;
}

let rules: RuleSummary | undefined;

/** The rules, read again when a sheet or its number of rules changed (a check without a layout). */
function currentRules(): RuleSummary {
  const parts: string[] = [];
  for (const sheet of [...document.styleSheets, ...document.adoptedStyleSheets]) {
    let count = -1;
    try {
      count = sheet.cssRules.length;
    } catch {
      // Counted as unreadable.
    }
    parts.push(`${sheet.disabled}:${sheet.media.mediaText}:${count}`);
  }
  const key = parts.join(' ');
  if (!rules || rules.key !== key) rules = summarizeRules(key);
  return rules;
}

const px = (value: string): number => parseFloat(value) || 0;

/**
 * Whether the page with `element` open at its end (its content still to come) lays out what it holds as the
 * page with more after it does: nothing of it is drawn after its content, its width does not depend on its
 * content, and it is laid out in normal flow.
 */
function endsOpenAlike(element: Element): boolean {
  const style = getComputedStyle(element);
  if (style.writingMode !== 'horizontal-tb' || style.float !== 'none' || (style.position !== 'static' && style.position !== 'relative')) return false;
  if (style.columnCount !== 'auto' || style.columnWidth !== 'auto') return false;
  const after = getComputedStyle(element, '::after').content;
  if (after !== 'none' && after !== 'normal') return false;
  if (style.display === 'inline') {
    const end = style.direction === 'rtl' ? ['paddingLeft', 'borderLeftWidth', 'marginLeft'] : ['paddingRight', 'borderRightWidth', 'marginRight'];
    return end.every((name) => px(style[name as 'paddingRight']) === 0);
  }
  if (!['block', 'list-item', 'flow-root'].includes(style.display)) return false;
  return px(style.paddingBottom) === 0 && px(style.borderBottomWidth) === 0 && px(style.marginBottom) === 0;
}

/**
 * Whether the page as it stood right after `appended` (with nothing after it) lays out everything it holds
 * where the page with the later nodes does: the elements still open at its end (the clone if it was appended
 * empty, its ancestors on the page) end alike (`endsOpenAlike`), and none of them, nor the clone, matches a
 * rule that tells a last child (or an empty element) from others.
 */
function prefixLaysOutAlike(appended: Appended, wrapper: Element, summary: RuleSummary, known: Map<Element, boolean>): boolean {
  if (summary.anywhere) return false;
  const clone = appended.clone;
  const open: Element[] = [];
  if (isElement(clone) && appended.shallow) open.push(clone);
  for (let element = clone.parentElement; element && element !== wrapper; element = element.parentElement) open.push(element);
  const lastChildren = isElement(clone) && !appended.shallow ? [clone, ...open] : open;
  for (const element of lastChildren) {
    let alike = known.get(element);
    if (alike === undefined) {
      alike = !summary.lastChildSelectors.some((selector) => {
        try {
          return element.matches(selector);
        } catch {
          return true;
        }
      });
      if (alike && open.includes(element)) alike = endsOpenAlike(element);
      known.set(element, alike);
    }
    if (!alike) return false;
  }
  return true;
}

/** A node whose appending does nothing but append it: it may be checked with the nodes after it. */
function appendsOnly(node: Node, wrapper: Element, shallow: boolean): boolean {
  const parent = node.parentNode;
  // Layout.append rebuilds the ancestors of a node whose parent is not on the page.
  if (parent && isElement(parent) && !(wrapper as Element & { indexOfRefs?: Record<string, Element> }).indexOfRefs?.[(parent as HTMLElement).dataset?.ref ?? ''] && !wrapper.querySelector(`[data-ref='${(parent as HTMLElement).dataset?.ref}']`)) return false;
  const element = isElement(node) ? node : node.parentElement;
  if (element && element.closest('table, [data-note]')) return false;
  if (isElement(node) && !shallow && node.querySelector('table, img, [data-note], [data-has-notes], svg image')) return false;
  if (isElement(node) && (node.tagName === 'IMG' || node.tagName === 'TABLE')) return false;
  return true;
}

/** Of the last pages, the share of their characters a page holds before its first check. */
const RUN_SHARE = 0.85;
/** Of the characters the space left on a page is estimated to hold, the share appended before the next check. */
const ROOM_SHARE = 0.9;
/** Fewer characters than this estimated to fit: each node is checked. */
const LEAST_RUN = 100;

const contentRange = reusableRange();

/**
 * Where the next run ends, once a check found no overflow: the space left below the page's content, in
 * characters at the rate the page holds them so far, read from the layout the check made (no layout of its
 * own). It decides when a check is made, not what it finds.
 */
function nextRunEnd(layout: LayoutLike, wrapper: Element, length: number): number {
  const area = (layout as unknown as { element: Element }).element.getBoundingClientRect();
  const range = contentRange();
  range.selectNodeContents(wrapper);
  const content = range.getBoundingClientRect();
  const used = content.bottom - area.top;
  const left = area.bottom - content.bottom;
  if (used <= 0 || left <= 0) return 0;
  const room = (left * length) / used;
  return room < LEAST_RUN ? 0 : length + room * ROOM_SHARE;
}

/** How many of the last pages' lengths are kept. */
const PAGES_KEPT = 4;

export function checkOverflowOncePerRun(Paged: PagedNamespace): void {
  const Chunker = (Paged as unknown as { Chunker?: { prototype: { addPage(blank?: boolean): object; overflowChecksPatched?: true } } }).Chunker;
  if (!Chunker || Chunker.prototype.overflowChecksPatched) return;
  const addPage = Chunker.prototype.addPage;
  let pagePrototype: object | undefined;
  Chunker.prototype.addPage = function (this: unknown, blank?: boolean): object {
    const page = addPage.call(this, blank);
    const prototype = Object.getPrototypeOf(page) as object;
    if (prototype !== pagePrototype && !Object.prototype.hasOwnProperty.call(prototype, 'layoutMethod')) {
      pagePrototype = prototype;
      // Page.layout makes its Layout and calls renderTo on it right away: the first one made is patched then.
      Object.defineProperty(prototype, 'layoutMethod', {
        configurable: true,
        set(this: object, layout: LayoutLike) {
          patchLayout(Object.getPrototypeOf(layout) as LayoutLike);
          Object.defineProperty(this, 'layoutMethod', { value: layout, writable: true, configurable: true, enumerable: true });
        },
        get(): undefined {
          return undefined;
        },
      });
    }
    return page;
  };
  Chunker.prototype.overflowChecksPatched = true;
}

/**
 * What the checks of runs came to in this document (for the tests, which show each way taken): runs checked,
 * those that overflowed, those whose last nodes were taken out again, prefixes checked before the node the
 * overflow starts in (an open element that may not lay out alike), and checks of a prefix that found no break.
 */
export const runChecks = { runs: 0, overflowed: 0, takenOut: 0, notAlike: 0, noBreak: 0 };

/** The lengths of the last pages laid out in this document. */
const pageLengths: number[] = [];

function patchLayout(prototype: LayoutLike): void {
  if (prototype.overflowCheckedOncePerRun) return;
  prototype.overflowCheckedOncePerRun = true;
  // BreakToken is not exported: breakAt makes one (without hooks here, to take its class).
  const BreakToken = prototype.breakAt.call({ hooks: { onBreakToken: { triggerSync: () => [] } } } as unknown as LayoutLike, document.createTextNode('')).constructor as new (node: Node, offset?: number) => BreakTokenLike;

  prototype.renderTo = async function (this: LayoutLike, wrapper: Element, source: Element, breakToken?: BreakTokenLike, bounds: DOMRect = this.bounds): Promise<RenderResultLike> {
    const result = await renderTo.call(this, wrapper, source, breakToken, bounds);
    const held = wrapper.textContent?.length ?? 0;
    if (held > 0) pageLengths.push(held);
    if (pageLengths.length > PAGES_KEPT) pageLengths.shift();
    return result;
  };

  async function renderTo(this: LayoutLike, wrapper: Element, source: Element, breakToken: BreakTokenLike | undefined, bounds: DOMRect): Promise<RenderResultLike> {
    const start = this.getStart(source, breakToken);
    let walker = walk(start, source);

    let node: Node | undefined;
    let prevNode: Node | undefined;
    let done: boolean | undefined;
    let next: IteratorResult<Node, void>;

    let hasRenderedContent = false;
    let newBreakToken: BreakTokenLike | undefined;

    let length = 0;

    const prevBreakToken = breakToken || new BreakToken(start);

    this.hooks && this.hooks.onPageLayout.trigger(wrapper, prevBreakToken, this);

    // The nodes appended since the last check, each of which Paged.js would have checked after.
    let run: Appended[] = [];
    const average = pageLengths.length ? pageLengths.reduce((a, b) => a + b, 0) / pageLengths.length : 0;
    // Before the first page's length is known, each node is checked.
    let runUntil = average * RUN_SHARE;

    /** Paged.js's check once a page holds maxChars (its own steps, `node` the node just appended). */
    const dueCheck = async (checked: Node): Promise<RenderResultLike | undefined> => {
      this.hooks && this.hooks.layout.trigger(wrapper, this);

      const imgs = wrapper.querySelectorAll('img');
      if (imgs.length) {
        await this.waitForImages(imgs);
      }

      newBreakToken = this.findBreakToken(wrapper, source, bounds, prevBreakToken);

      if (newBreakToken) {
        length = 0;
        this.rebuildTableFromBreakToken(newBreakToken, wrapper);
      }

      if (newBreakToken && newBreakToken.equals(prevBreakToken)) {
        console.warn('Unable to layout item: ', checked);
        const after = newBreakToken.node && nodeAfter(newBreakToken.node);
        if (after) {
          newBreakToken = new BreakToken(after);
        } else {
          this.hooks && this.hooks.beforeRenderResult.trigger(undefined, wrapper, this);
          return { breakToken: undefined, error: new OverflowContentError('Unable to layout item', [checked]) };
        }
      }
      return undefined;
    };

    /** Takes the nodes after `run[keep]` out of the page again, as they were before they went in. */
    const takeOutAfter = (keep: number): void => {
      for (let i = run.length - 1; i > keep; i--) {
        const appended = run[i] as Appended;
        (appended.clone as ChildNode).remove();
        const index = (wrapper as Element & { indexOfRefs?: Record<string, Element | undefined> }).indexOfRefs;
        if (index && appended.ref !== undefined && index[appended.ref] === appended.clone) {
          if (appended.refBefore) index[appended.ref] = appended.refBefore;
          else delete index[appended.ref];
        }
      }
      const kept = run[keep] as Appended;
      length = kept.length;
      hasRenderedContent = kept.hasRenderedContent;
      // The walk goes on after the kept node as it went on after it the first time.
      if (kept.shallow) {
        walker = walk(kept.node, source);
        walker.next();
      } else {
        walker = walk(nodeAfter(kept.node, source), source);
      }
      node = kept.node;
    };

    /**
     * The check the run's nodes were owed. Returns a result to end with, or 'ended' once a break was found
     * (newBreakToken set), or 'again' when the walk goes on from a node of the run, or undefined: no overflow.
     */
    const checkRun = async (): Promise<RenderResultLike | 'ended' | 'again' | undefined> => {
      if (run.length === 0) return undefined;
      const checked = run;
      this.hooks && this.hooks.layout.trigger(wrapper, this);
      const imgs = wrapper.querySelectorAll('img');
      if (imgs.length) await this.waitForImages(imgs);
      const overflow = this.findOverflow(wrapper, bounds);
      runChecks.runs++;
      if (!overflow) {
        run = [];
        runUntil = nextRunEnd(this, wrapper, length);
        return undefined;
      }
      // The node the overflow starts in (findOverflow selects a node, or a place in a text node).
      const container = overflow.startContainer;
      const first = isText(container) ? container : (container.childNodes[overflow.startOffset] ?? container);
      let at = 0;
      for (let i = checked.length - 1; i > 0; i--) {
        const clone = (checked[i] as Appended).clone;
        if (clone === first || clone.contains(first)) {
          at = i;
          break;
        }
      }
      runChecks.overflowed++;
      const summary = currentRules();
      const known = new Map<Element, boolean>();
      for (let i = 0; i < at; i++) {
        if (!prefixLaysOutAlike(checked[i] as Appended, wrapper, summary, known)) {
          runChecks.notAlike++;
          at = i;
          break;
        }
      }
      const last = checked.length - 1;
      if (at < last) {
        runChecks.takenOut++;
        takeOutAfter(at);
      }
      const kept = checked[at] as Appended;
      run = [];
      const ended = await dueCheck(kept.node);
      if (ended) return ended;
      if (newBreakToken) return 'ended';
      runChecks.noBreak++;
      // From here each node is checked.
      runUntil = 0;
      return at < last ? 'again' : undefined;
    };

    while (!done && !newBreakToken) {
      next = walker.next();
      prevNode = node;
      node = next.value as Node | undefined;
      done = next.done;

      if (!node) {
        const checked = await checkRun();
        if (checked === 'again') {
          done = false;
          continue;
        }
        if (checked === 'ended') break;
        if (checked) return checked;

        this.hooks && this.hooks.layout.trigger(wrapper, this);

        const imgs = wrapper.querySelectorAll('img');
        if (imgs.length) {
          await this.waitForImages(imgs);
        }

        newBreakToken = this.findBreakToken(wrapper, source, bounds, prevBreakToken);

        if (newBreakToken && newBreakToken.equals(prevBreakToken)) {
          console.warn('Unable to layout item: ', prevNode);
          this.hooks && this.hooks.beforeRenderResult.trigger(undefined, wrapper, this);
          return { breakToken: undefined, error: new OverflowContentError('Unable to layout item', [prevNode as Node]) };
        }

        this.rebuildTableFromBreakToken(newBreakToken, wrapper);

        this.hooks && this.hooks.beforeRenderResult.trigger(newBreakToken, wrapper, this);
        return { breakToken: newBreakToken };
      }

      this.hooks && this.hooks.layoutNode.trigger(node);

      // Check if the rendered element has a break set
      if (hasRenderedContent && this.shouldBreak(node, start)) {
        const checked = await checkRun();
        if (checked === 'again') continue;
        if (checked === 'ended') break;
        if (checked) return checked;

        this.hooks && this.hooks.layout.trigger(wrapper, this);

        const imgs = wrapper.querySelectorAll('img');
        if (imgs.length) {
          await this.waitForImages(imgs);
        }

        newBreakToken = this.findBreakToken(wrapper, source, bounds, prevBreakToken);

        if (!newBreakToken) {
          newBreakToken = this.breakAt(node);
        } else {
          this.rebuildTableFromBreakToken(newBreakToken, wrapper);
        }

        if (newBreakToken && newBreakToken.equals(prevBreakToken)) {
          console.warn('Unable to layout item: ', node);
          const after = newBreakToken.node && nodeAfter(newBreakToken.node);
          if (after) {
            newBreakToken = new BreakToken(after);
          } else {
            return { breakToken: undefined, error: new OverflowContentError('Unable to layout item', [node]) };
          }
        }

        length = 0;

        break;
      }

      if (isElement(node) && (node as HTMLElement).dataset && (node as HTMLElement).dataset.page) {
        const named = (node as HTMLElement).dataset.page as string;
        const page = (this as unknown as { element: Element }).element.closest('.pagedjs_page') as Element;
        page.classList.add('pagedjs_named_page');
        page.classList.add('pagedjs_' + named + '_page');

        if (!(node as HTMLElement).dataset.splitFrom) {
          page.classList.add('pagedjs_' + named + '_first_page');
        }
      }

      // Should the Node be a shallow or deep clone
      const shallow = isContainer(node);

      // A node that does more than append itself is appended after the run's check, and checked on its own.
      // The run's first node is never taken out again: any node may be it.
      const joins = runUntil > 0 && (run.length === 0 || appendsOnly(node, wrapper, shallow));
      if (!joins && run.length) {
        const checked = await checkRun();
        if (checked === 'again') continue;
        if (checked === 'ended') break;
        if (checked) return checked;
      }

      const ref = isElement(node) ? (node as HTMLElement).dataset?.ref : undefined;
      const refBefore = ref !== undefined ? (wrapper as Element & { indexOfRefs?: Record<string, Element> }).indexOfRefs?.[ref] : undefined;

      const rendered = this.append(node, wrapper, breakToken, shallow);

      length += (rendered.textContent ?? '').length;

      // Check if layout has content yet
      if (!hasRenderedContent) {
        hasRenderedContent = hasContent(node);
      }

      const appendedNode = node;

      // Skip to the next node if a deep clone was rendered
      if (!shallow) {
        walker = walk(nodeAfter(node, source), source);
      }

      if (this.forceRenderBreak) {
        // No handler of Paged.js or the runtime forces a break; one that does has the run checked with it.
        run = [];
        this.hooks && this.hooks.layout.trigger(wrapper, this);

        newBreakToken = this.findBreakToken(wrapper, source, bounds, prevBreakToken);

        if (!newBreakToken) {
          newBreakToken = this.breakAt(node);
        } else {
          this.rebuildTableFromBreakToken(newBreakToken, wrapper);
        }

        length = 0;
        this.forceRenderBreak = false;

        break;
      }

      // Only check x characters
      if (length >= this.maxChars) {
        if (joins) {
          run.push({ node: appendedNode, clone: rendered, shallow, length, hasRenderedContent, ref, refBefore });
          if (length < runUntil) continue;
          const checked = await checkRun();
          if (checked === 'again') continue;
          if (checked === 'ended') break;
          if (checked) return checked;
          continue;
        }
        const ended = await dueCheck(appendedNode);
        if (ended) return ended;
      }
    }

    this.hooks && this.hooks.beforeRenderResult.trigger(newBreakToken, wrapper, this);
    return { breakToken: newBreakToken };
  }
}
