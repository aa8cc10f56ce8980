// Runs inside the page, after Paged.js. Plain browser JavaScript: it is loaded by a <script> tag, not bundled.
// It finishes the typeset pages and reports their layout back to the build (window.bookLayout).
(function () {
  'use strict';
  const SHY = '\u00ad';
  const errors = [];
  window.addEventListener('error', (event) => errors.push(String(event.message)));
  window.addEventListener('unhandledrejection', (event) => errors.push(String(event.reason && event.reason.stack || event.reason)));

  /**
   * Chromium writes every soft hyphen into the PDF's text layer, which breaks search and copy. Once the pages
   * are laid out, a soft hyphen that ends a line becomes a real hyphen (same glyph, same width) and every
   * other one is removed; neither changes where lines break.
   */
  function settleSoftHyphens(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const edits = [];
    const range = document.createRange();
    const rectOf = (node, start, end) => {
      range.setStart(node, start);
      range.setEnd(node, end);
      const rects = range.getClientRects();
      return rects.length ? rects[rects.length - 1] : null;
    };
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.data;
      if (!text.includes(SHY)) continue;
      const lineEnds = new Set();
      for (let i = text.indexOf(SHY); i >= 0; i = text.indexOf(SHY, i + 1)) {
        if (i === 0 || i === text.length - 1) continue;
        const before = rectOf(node, i - 1, i);
        const after = rectOf(node, i + 1, i + 2);
        if (before && after && after.top >= before.bottom - 1) lineEnds.add(i);
      }
      edits.push([node, text, lineEnds]);
    }
    let hyphens = 0;
    for (const [node, text, lineEnds] of edits) {
      let out = '';
      for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (ch !== SHY) out += ch;
        else if (lineEnds.has(i)) {
          out += '-';
          hyphens++;
        }
      }
      node.data = out;
    }
    return hyphens;
  }

  /**
   * What the build reads of each page (see PageLayout in paginate.ts), gathered page by page as each page is
   * finished (see SetFinishedPagesAside): measured then, in a document of two or three pages, it costs no
   * layout of the whole book.
   */
  const collected = { pageWidth: 0, pageHeight: 0, headings: [], calls: [], notes: [], blocks: [] };

  function collectPage(page) {
    const number = Number(page.dataset.pageNumber);
    const pageBox = page.getBoundingClientRect();
    if (!collected.pageWidth) {
      const sheet = page.querySelector('.pagedjs_sheet');
      const box = sheet ? sheet.getBoundingClientRect() : pageBox;
      collected.pageWidth = box.width;
      collected.pageHeight = box.height;
    }
    for (const h of page.querySelectorAll('.chapter :is(h1, h2, h3)[id]')) {
      if (h.dataset.splitFrom) continue;
      collected.headings.push({ id: h.id, level: Number(h.tagName.slice(1)), text: h.textContent.trim(), page: number, top: h.getBoundingClientRect().top - pageBox.top });
    }
    for (const a of page.querySelectorAll('[data-footnote-call]')) collected.calls.push({ ref: a.dataset.ref, page: number });
    for (const n of page.querySelectorAll('.pagedjs_footnote_area [data-note="footnote"]')) {
      if (!n.dataset.splitFrom) collected.notes.push({ ref: n.dataset.ref, id: n.querySelector('[id]') ? null : n.id, page: number });
    }
    // Where each manuscript block begins: the page of its first fragment (EPUB page list, layout findings).
    for (const el of page.querySelectorAll('.chapter [data-line]')) {
      if (el.dataset.splitFrom || el.closest('.pagedjs_footnote_area')) continue;
      collected.blocks.push({ file: el.closest('.chapter').dataset.file, line: Number(el.dataset.line), page: number });
    }
  }

  /**
   * Paged.js 0.4.3 stores running-head strings without their closing quote (`"Title`), which only works when
   * string() is the last thing in `content`. Close the quote so a folio may follow the head.
   */
  class CloseStringSetQuotes extends window.Paged.Handler {
    afterPageLayout(fragment) {
      for (const name of Array.from(fragment.style)) {
        if (!name.startsWith('--pagedjs-string-')) continue;
        const value = fragment.style.getPropertyValue(name);
        if (value.startsWith('"') && !/[^\\]"$/.test(value)) fragment.style.setProperty(name, `${value}"`);
      }
    }
  }
  /**
   * When a page ends inside a hyphenated word, Paged.js 0.4.3 picks the split letter by measuring single
   * letters, which miscounts soft hyphens and splits at a place the patterns never allowed ("bureauc-ratie").
   * Move the split back to the last soft hyphen (or space) before it, so pages break where lines may break.
   */
  class BreakWordsAtSoftHyphens extends window.Paged.Handler {
    onOverflow(overflow) {
      if (!overflow || overflow.startContainer.nodeType !== Node.TEXT_NODE) return undefined;
      const text = overflow.startContainer.data;
      const at = overflow.startOffset;
      const isLetter = (ch) => ch !== undefined && /[\p{L}\p{M}\u00ad]/u.test(ch);
      if (at <= 0 || at >= text.length || !isLetter(text[at - 1]) || !isLetter(text[at])) return undefined;
      let back = at;
      while (back > 0 && text[back - 1] !== SHY && isLetter(text[back - 1])) back--;
      if (back === 0 || back === at) return undefined;
      const moved = overflow.cloneRange();
      moved.setStart(overflow.startContainer, back);
      return moved;
    }
  }

  /**
   * Paged.js 0.4.3 gives every element without a data-ref a random UUID, and a footnote's ref becomes its PDF
   * named destination (`note-<ref>`), so two builds of the same sources differed. Give every element a stable
   * ref before Paged.js parses the content: a note keeps its own id (`note-<chapter>-fn-3`), others count up.
   */
  class StableRefs extends window.Paged.Handler {
    beforeParsed(content) {
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
  }

  /**
   * Paged.js lays out one page per animation frame (its queue ticks on requestAnimationFrame), so a page that
   * takes 20 ms waits for the next frame: about 9 ms idle a page, a tenth of a long book's time. A message on
   * a MessageChannel is a task of its own, so the event loop still turns between pages (observers, fonts),
   * without the wait.
   */
  class LayOutWithoutFrameWaits extends window.Paged.Handler {
    constructor(chunker, polisher, caller) {
      super(chunker, polisher, caller);
      const channel = new MessageChannel();
      const waiting = [];
      channel.port1.onmessage = () => waiting.shift()();
      if (chunker && chunker.q) {
        chunker.q.tick = (callback) => {
          waiting.push(callback);
          channel.port2.postMessage(null);
        };
      }
    }
  }

  /**
   * Paged.js's call for a note copies only the note's classes; it also gets the number the note prints
   * (data-note-number, see chapterHtml), so neither needs a CSS counter.
   */
  const Footnotes = window.Paged.registeredHandlers.find((H) => H.prototype && typeof H.prototype.createFootnoteCall === 'function');
  if (Footnotes) {
    const createFootnoteCall = Footnotes.prototype.createFootnoteCall;
    Footnotes.prototype.createFootnoteCall = function (node) {
      const call = createFootnoteCall.call(this, node);
      if (node.dataset.noteNumber) call.dataset.noteNumber = node.dataset.noteNumber;
      return call;
    };
  }

  /**
   * Every change Paged.js makes while it lays out a page (it adds and removes content many times a page)
   * costs Chromium time in proportion to the whole document: the style pass walks it, and a CSS counter
   * walks all of it again. With the pages laid out so far in the document, a page took longer the later it
   * came (0.4 ms a change on the first pages of a 155-page document, 1.4 ms on the last). Pages before the
   * last two are finished (Paged.js looks back one page, to mark split elements), so they wait outside the
   * document, without their resize observers, and go back in order once every page is laid out. Nothing
   * that lays out a page may count on earlier pages being there: target-counter() would not find them, so
   * the contents page is filled in after pagination.
   * What is measured on a page (its hyphens settled, where things are, the layout probes) is measured just
   * before it goes: the book back together is never laid out on screen, only by the print (measured after
   * it, the whole book's style and layout cost 0.25-0.5 s a document).
   */
  const pageFinishers = [];
  let finishFailure = null;
  function finishPage(page) {
    // Hyphens are settled last: the others only read the page, and what settling writes would have to be
    // laid out again for them to read on.
    for (const finisher of [...pageFinishers, settlePage]) {
      try {
        finisher(page);
      } catch (error) {
        finishFailure = finishFailure || error;
      }
    }
  }

  class SetFinishedPagesAside extends window.Paged.Handler {
    constructor(chunker, polisher, caller) {
      super(chunker, polisher, caller);
      this.aside = document.createDocumentFragment();
      this.count = 0;
    }

    afterPageLayout(pageElement, page, breakToken, chunker) {
      while (this.count < chunker.pages.length - 2) {
        const finished = chunker.pages[this.count++];
        finishPage(finished.element);
        finished.removeListeners();
        this.aside.appendChild(finished.element);
      }
    }

    afterRendered(pages) {
      while (this.count < pages.length) finishPage(pages[this.count++].element);
      const area = document.querySelector('.pagedjs_pages');
      if (area) area.insertBefore(this.aside, area.firstChild);
    }
  }

  window.Paged.registerHandlers(SetFinishedPagesAside, LayOutWithoutFrameWaits, StableRefs, CloseStringSetQuotes, BreakWordsAtSoftHyphens);

  let settledHyphens = 0;
  const spent = { settleMs: 0, collectMs: 0 };
  pageFinishers.push((page) => {
    const started = performance.now();
    collectPage(page);
    spent.collectMs += performance.now() - started;
  });
  function settlePage(page) {
    const started = performance.now();
    settledHyphens += settleSoftHyphens(page);
    spent.settleMs += performance.now() - started;
  }

  window.bookRuntime = {
    /** Registers work on each finished page, run while the page is laid out in the document. */
    onPageFinished(finisher) {
      pageFinishers.push(finisher);
    },
    finish() {
      try {
        if (finishFailure) throw finishFailure;
        const paginated = performance.now();
        // Line ends the line breaker chose at a soft hyphen are real hyphens already; Chromium's own are settled page by page.
        const pinned = (window.bookLineBreaks && window.bookLineBreaks.stats && window.bookLineBreaks.stats.hyphens) || 0;
        const layout = Object.assign({ pageCount: document.querySelectorAll('.pagedjs_page').length }, collected);
        const timings = { paginateMs: paginated, settleMs: spent.settleMs, collectMs: spent.collectMs };
        window.bookLayout = Object.assign(layout, { hyphens: pinned + settledHyphens, errors, timings });
      } catch (error) {
        errors.push(String(error && error.stack || error));
        window.bookLayout = { errors };
      }
    },
  };
})();
