// The page side of tests/pagedjs-fixes.test.ts, bundled by it: installs the fixes a test names, lays the
// document out with Paged.js, and reports what a test reads.
import type { PageLayout } from '../scripts/lib/print/runtime/contract.ts';
import { LayoutProbing } from '../scripts/lib/print/runtime/layout-probes.ts';
import { keepLines } from '../scripts/lib/print/runtime/keep-lines.ts';
import { LostText } from '../scripts/lib/print/runtime/lost-text.ts';
import { checkOverflowOncePerRun, runChecks } from '../scripts/lib/print/runtime/overflow-checks.ts';
import { leaveOutUnprintedFurniture } from '../scripts/lib/print/runtime/page-furniture.ts';
import { breakWordsAtSoftHyphens, closeStringSetQuotes, contentMovedIntoTemplate, keepBarePageSize, keepStringsOffTheText, layOutWithoutFrameWaits, noResizeObservers, numberNoteCalls, orderNoteSeries, parseStyleSheetsAhead, type PolyfillPreviewer, reportUnplaceableBlocks, setStringsAfterReading, splitLongNotes, stableRefs, stableSelectorIds, styleSheetsFetchedAtLoad } from '../scripts/lib/print/runtime/pagedjs-fixes.ts';

export type FixName = 'stableRefs' | 'closeStringSetQuotes' | 'keepStringsOffTheText' | 'noResizeObservers' | 'breakWordsAtSoftHyphens' | 'layOutWithoutFrameWaits' | 'numberNoteCalls' | 'orderNoteSeries' | 'reportUnplaceableBlocks' | 'splitLongNotes' | 'stableSelectorIds' | 'setStringsAfterReading' | 'keepBarePageSize' | 'checkOverflowOncePerRun' | 'keepLines';

export interface Harness {
  /** Lays the document out with Paged.js as it is, plus the named fixes; `probe`: the build's layout probes
   * then read every page (runtime/layout-probes.ts), and their findings' rules are returned. */
  layOut(fixes: FixName[], probe?: boolean): Promise<{ pages: number; observed: number; unplaceable: string[]; findings: string[]; lost: string[]; runChecks: typeof runChecks }>;
  /** Installs styleSheetsFetchedAtLoad, as the runtime does when it loads; settles once the sheets are in. */
  fetchStyleSheets(): Promise<void>;
  /**
   * Splits the body's text nodes as the line breaker does (and leaves an empty one), marks each element with a
   * property of its own, and has Paged.js put the body into its template, with contentMovedIntoTemplate or
   * without: the template's tree node by node (each text node apart), and how many elements kept their mark.
   */
  wrapContent(moved: boolean): { tree: string[]; marked: number };
  /** What the runtime does to a print document once it is laid out (runtime/page-furniture.ts). */
  leaveOutUnprintedFurniture(): void;
  /**
   * A document loaded with an empty body, as a held one (print/document-tabs.ts): its linked sheets fetched as
   * the runtime fetches them, the sheets parsed ahead or not, then `body` put in, its paragraphs measured
   * under the book's sheets (as the line breaker measures them), a style added to the head (as the line
   * breaker's), and Paged.js's preview. What it read, what the pages and the head hold after.
   */
  layOutHeld(ahead: boolean, body: string, late: string): Promise<HeldLayout>;
}

export interface HeldLayout {
  /** The sheets Paged.js had parsed when the body went in. */
  parsedBeforeBody: number;
  /** Paged.js's page width on the root, and each paragraph's font size and height, read before Paged.js began. */
  measured: string[];
  pages: string[];
  /** The head's style elements' texts and disabled flags, in order, and the rules of Paged.js's own sheet. */
  styles: string[];
  rules: string[];
  /** Each laid-out paragraph's color, font size and height. */
  laidOut: string[];
}

declare global {
  interface Window {
    harness: Harness;
    PagedPolyfill: { preview(): Promise<{ total: number; pages: { ro?: unknown }[] }> };
  }
}

window.harness = {
  leaveOutUnprintedFurniture: () => leaveOutUnprintedFurniture(),
  wrapContent(moved) {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const texts: Text[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node as Text);
    for (const text of texts) {
      if (text.data.length > 4) text.splitText(3).splitText(1);
      text.after(document.createTextNode(''));
    }
    for (const element of document.body.querySelectorAll('*')) (element as unknown as { mark: boolean }).mark = true;
    if (moved) contentMovedIntoTemplate(window.Paged);
    const Previewer = (window.Paged as unknown as { Previewer: { prototype: { wrapContent(): DocumentFragment } } }).Previewer;
    const content = Previewer.prototype.wrapContent.call(undefined);
    const tree: string[] = [];
    const describe = (node: Node, depth: number): void => {
      const element = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : undefined;
      const attributes = element ? Array.from(element.attributes, (a) => `${a.name}=${JSON.stringify(a.value)}`).join(' ') : '';
      tree.push(`${depth} ${node.nodeType} ${node.nodeName} ${attributes} ${element ? '' : JSON.stringify(node.nodeValue)}`);
      for (const child of node.childNodes) describe(child, depth + 1);
    };
    describe(content, 0);
    const marked = Array.from(content.querySelectorAll('*')).filter((element) => (element as unknown as { mark?: boolean }).mark).length;
    return { tree, marked };
  },
  async layOutHeld(ahead, body, late) {
    const previewer = window.PagedPolyfill as unknown as PolyfillPreviewer & { polisher: { sheets: unknown[]; styleSheet: CSSStyleSheet } };
    await styleSheetsFetchedAtLoad(window.Paged);
    if (ahead) await parseStyleSheetsAhead(previewer);
    const parsedBeforeBody = previewer.polisher.sheets.length;
    document.body.innerHTML = body;
    // Paged.js's base sheet sets its page variables on the root: none of it may apply yet.
    const measured = [getComputedStyle(document.documentElement).getPropertyValue('--pagedjs-width') || 'no page width', ...Array.from(document.querySelectorAll('p'), (p) => `${getComputedStyle(p).fontSize} ${p.getBoundingClientRect().height}`)];
    const style = document.createElement('style');
    style.textContent = late;
    document.head.appendChild(style);
    await previewer.preview();
    return {
      parsedBeforeBody,
      measured,
      pages: Array.from(document.querySelectorAll('.pagedjs_page'), (page) => page.textContent ?? ''),
      styles: Array.from(document.head.querySelectorAll('style'), (el) => `${el.sheet?.disabled} ${el.textContent}`),
      rules: Array.from(previewer.polisher.styleSheet.cssRules, (rule) => rule.cssText),
      laidOut: Array.from(document.querySelectorAll('.pagedjs_pages p'), (p) => `${getComputedStyle(p).color} ${getComputedStyle(p).fontSize} ${p.getBoundingClientRect().height}`),
    };
  },
  async fetchStyleSheets() {
    await styleSheetsFetchedAtLoad(window.Paged);
  },
  async layOut(fixes, probe = false) {
    const unplaceable: string[] = [];
    const handlers = [];
    for (const fix of fixes) {
      if (fix === 'stableRefs') handlers.push(stableRefs());
      if (fix === 'closeStringSetQuotes') handlers.push(closeStringSetQuotes());
      if (fix === 'keepStringsOffTheText') handlers.push(keepStringsOffTheText());
      if (fix === 'noResizeObservers') noResizeObservers(window.Paged);
      if (fix === 'breakWordsAtSoftHyphens') handlers.push(breakWordsAtSoftHyphens());
      if (fix === 'layOutWithoutFrameWaits') handlers.push(layOutWithoutFrameWaits());
      if (fix === 'numberNoteCalls') numberNoteCalls(window.Paged);
      if (fix === 'orderNoteSeries') orderNoteSeries(window.Paged);
      if (fix === 'reportUnplaceableBlocks') reportUnplaceableBlocks((block) => unplaceable.push(block.id));
      if (fix === 'splitLongNotes') splitLongNotes(window.Paged);
      if (fix === 'stableSelectorIds') stableSelectorIds(window.Paged);
      if (fix === 'setStringsAfterReading') setStringsAfterReading(window.Paged);
      if (fix === 'keepBarePageSize') keepBarePageSize(window.Paged);
      if (fix === 'checkOverflowOncePerRun') checkOverflowOncePerRun(window.Paged);
      if (fix === 'keepLines') handlers.push(keepLines());
    }
    // What the build's guard finds lost (runtime/lost-text.ts), as `line` or `line (part)`; it reads the
    // blocks' refs, so only with stableRefs.
    const lostText = new LostText();
    handlers.push(lostText.handler());
    window.Paged.registerHandlers(...handlers);
    const flow = await window.PagedPolyfill.preview();
    const lost = lostText.lost().map((block) => `${block.line}${block.part ? ' (part)' : ''}`);
    // Pages Paged.js watches with a ResizeObserver.
    const observed = flow.pages.filter((page) => page.ro).length;
    if (!probe) return { pages: flow.total, observed, unplaceable, findings: [], lost, runChecks };
    const probing = new LayoutProbing(() => null);
    for (const page of document.querySelectorAll<HTMLElement>('.pagedjs_page')) probing.page.finish(page);
    const layout = { pageCount: flow.total, errors: [] } as unknown as PageLayout;
    probing.document.finish(layout);
    return { pages: flow.total, observed, unplaceable, findings: (layout.probes?.findings ?? []).map((f) => f.rule), lost, runChecks };
  },
};
