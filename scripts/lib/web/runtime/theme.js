// The web edition's one script: a light/dark toggle that remembers the choice. Plain browser JavaScript,
// copied into the edition; without it the page follows the system setting.
(function () {
  'use strict';
  const root = document.documentElement;
  const KEY = 'book-theme';
  let stored = null;
  try {
    stored = window.localStorage.getItem(KEY);
  } catch {
    stored = null;
  }
  if (stored === 'light' || stored === 'dark') root.dataset.theme = stored;

  function current() {
    if (root.dataset.theme) return root.dataset.theme;
    return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  function setUp() {
    const button = document.querySelector('.theme-toggle');
    if (!button) return;
    const show = () => {
      const dark = current() === 'dark';
      button.setAttribute('aria-pressed', String(dark));
    };
    button.hidden = false;
    show();
    button.addEventListener('click', () => {
      const next = current() === 'dark' ? 'light' : 'dark';
      root.dataset.theme = next;
      try {
        window.localStorage.setItem(KEY, next);
      } catch {
        // Private windows may refuse storage; the choice then lasts for this page only.
      }
      show();
    });
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', show);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', setUp);
  else setUp();
})();
