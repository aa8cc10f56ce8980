// Runs inside the page, next to paged-runtime.js. Plain browser JavaScript, loaded by a <script> tag.
// What a book split into documents (one per chapter, paginated in parallel) needs from each of them:
// where every id and every link to another document landed, and the numbers that are known only once
// every chapter is laid out (folios, contents).
(function () {
  'use strict';

  function pageOf(element) {
    return element.closest('.pagedjs_page');
  }

  /** The part of the book an element belongs to: a chapter's id, or `front`. */
  function unitOf(element) {
    const chapter = element.closest('section.chapter[id]');
    if (chapter) return chapter.id;
    return element.closest('[data-front]') ? 'front' : '';
  }

  // Every id (page, top) and each link (page, rectangles), measured page by page as each
  // page is finished (see paged-runtime.js), while it is laid out in a small document.
  const anchors = {};
  const links = [];
  window.bookRuntime.onPageFinished((page) => {
    const number = Number(page.dataset.pageNumber);
    const box = page.getBoundingClientRect();
    for (const element of [page, ...page.querySelectorAll('[id]')]) {
      if (!element.id || element.dataset.splitFrom || element.id in anchors) continue;
      if (element.id.startsWith('pagedjs') || element.closest('.pagedjs_margin')) continue;
      anchors[element.id] = { page: number, top: element.getBoundingClientRect().top - box.top };
    }
    for (const a of page.querySelectorAll('a[href^="#"]:not([data-footnote-call])')) {
      const id = decodeURIComponent(a.getAttribute('href').slice(1));
      if (!id) continue;
      const rects = Array.from(a.getClientRects()).map((r) => [r.left - box.left, r.top - box.top, r.right - box.left, r.bottom - box.top]);
      links.push({ a, id, page: number, rects });
    }
  });

  window.parallelRuntime = {
    /**
     * What the build needs to cut this document into its parts: the page each part starts on, the blank
     * pages, every id (page, top in CSS px), and each link to another part (page, rectangles in CSS px).
     */
    describe() {
      const starts = {};
      for (const section of document.querySelectorAll('.pagedjs_pages section.chapter[id]:not([data-split-from]), .pagedjs_pages [data-front]:not([data-split-from])')) {
        const unit = unitOf(section);
        const page = pageOf(section);
        if (unit && page && !(unit in starts)) starts[unit] = Number(page.dataset.pageNumber);
      }
      const blanks = Array.from(document.querySelectorAll('.pagedjs_page.pagedjs_blank_page'), (p) => Number(p.dataset.pageNumber));
      // A link to another part: its target is not in this document (the pages are all back in it now), or is
      // in another of its parts.
      const across = links
        .filter(({ a, id }) => {
          const target = document.getElementById(id);
          return !target || unitOf(target) !== unitOf(a);
        })
        .map(({ id, page, rects }) => ({ id, page, rects }));
      return { starts, blanks, anchors, links: across };
    },

    /**
     * Folios: page `page` of this document gets the page counter moved on by `increment` (the first page of
     * each part: its printed number minus the one before it). Only the counter changes: folios are drawn
     * in the margin boxes, so nothing in the text area moves.
     */
    setFolios(increments) {
      const style = document.createElement('style');
      style.textContent = increments
        .map(({ page, increment }) => `.pagedjs_pages > .pagedjs_page[data-page-number="${page}"] { --pagedjs-page-counter-increment: ${increment}; }`)
        .join('\n');
      document.head.appendChild(style);
    },

    /** The contents page's numbers, chapter id -> printed page (fixed-width boxes: nothing moves). */
    fillContents(pages) {
      for (const entry of document.querySelectorAll('.pagedjs_pages a.toc-entry')) {
        const id = entry.getAttribute('href').slice(1);
        if (pages[id] !== undefined) entry.dataset.page = String(pages[id]);
      }
    },
  };
})();
