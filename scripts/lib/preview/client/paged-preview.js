// Loaded after the print runtime in the preview's paged view only. The print build settles soft hyphens
// into real ones (for the PDF's text layer) and measures the whole layout; on screen neither changes what
// the reader sees, so the preview skips both and only reports that the pages are ready.
(function () {
  'use strict';
  if (!window.bookRuntime) return;
  window.bookRuntime.finish = function () {
    window.bookLayout = {
      pageCount: document.querySelectorAll('.pagedjs_page').length,
      errors: [],
      timings: { paginateMs: performance.now(), settleMs: 0, collectMs: 0 },
    };
  };
})();
