// The preview page in the browser: listens for rebuilds (server-sent events), paginates the new print
// document in a hidden frame and swaps it in at the same page, reloads the web view, shows problems.
(function () {
  'use strict';
  const frames = document.querySelector('.frames');
  const webFrame = document.querySelector('.web-frame');
  const status = document.querySelector('.status');
  const problems = document.querySelector('.problems');
  const problemList = document.querySelector('.problem-list');
  const jump = document.querySelector('.jump');
  const pageInput = document.querySelector('#jump-page');
  const pageCount = document.querySelector('.page-count');
  /** What tests and the bench read: the version shown in each view, and the page count. */
  const preview = (window.preview = { pagedVersion: 0, webVersion: 0, buildVersion: 0, pages: 0, ok: null, diagnostics: [] });
  let view = 'paged';
  let wanted = 0;
  let rendering = false;

  function currentFrame() {
    return frames.querySelector('iframe:not(.next)');
  }

  /** The page at the top of the frame and how far into it, to come back to after a swap. */
  function position(frame) {
    const doc = frame && frame.contentDocument;
    if (!doc) return null;
    for (const page of doc.querySelectorAll('.pagedjs_page')) {
      const box = page.getBoundingClientRect();
      if (box.bottom > 0) return { page: Number(page.dataset.pageNumber), offset: -box.top };
    }
    return null;
  }

  function fit(frame) {
    const doc = frame.contentDocument;
    const first = doc && doc.querySelector('.pagedjs_page');
    if (!first) return;
    doc.documentElement.style.zoom = '';
    const spread = first.getBoundingClientRect().width * 2 + 48;
    const zoom = Math.min(1, frame.clientWidth / spread);
    doc.documentElement.style.zoom = String(zoom);
  }

  function goTo(frame, page, offset) {
    const doc = frame.contentDocument;
    const target = doc && doc.querySelector(`.pagedjs_page[data-page-number="${page}"]`);
    if (!target) return false;
    const zoom = Number(doc.documentElement.style.zoom || 1);
    const top = target.getBoundingClientRect().top + frame.contentWindow.scrollY;
    frame.contentWindow.scrollTo(0, top + (offset || 0) * zoom - 12 * zoom);
    return true;
  }

  function waitForPages(frame, timeoutMs) {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const poll = () => {
        const win = frame.contentWindow;
        const layout = win && win.bookLayout;
        if (layout) return resolve(layout);
        if (performance.now() - started > timeoutMs) return reject(new Error('Paged.js did not finish'));
        setTimeout(poll, 15);
      };
      poll();
    });
  }

  async function renderPaged() {
    if (rendering) return;
    rendering = true;
    try {
      while (wanted > preview.pagedVersion) {
        const version = wanted;
        const old = currentFrame();
        const keep = position(old);
        const next = document.createElement('iframe');
        next.className = old ? 'next' : '';
        next.title = 'Gezette pagina’s';
        next.src = `/paged.html?v=${version}`;
        frames.append(next);
        try {
          const layout = await waitForPages(next, 60000);
          fit(next);
          if (keep) goTo(next, Math.min(keep.page, layout.pageCount), keep.offset);
          next.classList.remove('next');
          if (old) old.remove();
          preview.pages = layout.pageCount;
          preview.pagedVersion = version;
          pageCount.textContent = `van ${layout.pageCount}`;
          pageInput.max = String(layout.pageCount);
          setStatus();
        } catch (error) {
          next.remove();
          status.textContent = `zetten mislukt: ${error.message}`;
          break;
        }
      }
    } finally {
      rendering = false;
    }
  }

  function reloadWeb(version) {
    const win = webFrame.contentWindow;
    const y = win && win.location.href !== 'about:blank' ? win.scrollY : 0;
    webFrame.addEventListener(
      'load',
      () => {
        webFrame.contentWindow.scrollTo(0, y);
        preview.webVersion = version;
      },
      { once: true },
    );
    webFrame.src = `/web/index.html?v=${version}`;
  }

  function setStatus() {
    const time = new Date().toLocaleTimeString('nl-NL');
    status.textContent = preview.ok === false ? `fouten in het manuscript (${time})` : `${preview.pages} pagina’s, bijgewerkt ${time}`;
  }

  function showProblems(diagnostics, ok) {
    problemList.replaceChildren(
      ...diagnostics.map((d) => {
        const li = document.createElement('li');
        li.className = `severity-${d.severity}`;
        const where = document.createElement('span');
        where.className = 'where';
        where.textContent = d.line > 0 ? `${d.file}:${d.line}:${Math.max(d.column, 1)}` : d.file;
        li.append(where, `  ${d.severity}  ${d.message}  [${d.rule}]`);
        return li;
      }),
    );
    problems.hidden = ok;
  }

  function onBuild(data) {
    preview.buildVersion = data.version;
    preview.ok = data.ok;
    preview.diagnostics = data.diagnostics;
    showProblems(data.diagnostics, data.ok);
    setStatus();
    if (!data.ok) return;
    wanted = data.version;
    void renderPaged();
  }

  /** The web view reloads when it is shown, so a hidden one does not compete with pagination. */
  let webWanted = 0;
  function onWeb(data) {
    webWanted = data.version;
    if (view === 'web') reloadWeb(webWanted);
  }

  const events = new EventSource('/__preview/events');
  events.addEventListener('build', (event) => onBuild(JSON.parse(event.data)));
  events.addEventListener('web', (event) => onWeb(JSON.parse(event.data)));
  events.addEventListener('error', () => {
    status.textContent = 'verbinding met de server verbroken; opnieuw verbinden…';
  });

  for (const button of document.querySelectorAll('.views button')) {
    button.addEventListener('click', () => {
      view = button.dataset.view;
      for (const b of document.querySelectorAll('.views button')) b.setAttribute('aria-pressed', String(b === button));
      frames.hidden = view !== 'paged';
      webFrame.hidden = view !== 'web';
      jump.hidden = view !== 'paged';
      if (view === 'web' && webWanted > preview.webVersion && !webFrame.src.endsWith(`v=${webWanted}`)) reloadWeb(webWanted);
    });
  }
  jump.addEventListener('submit', (event) => {
    event.preventDefault();
    const frame = currentFrame();
    const page = Number(pageInput.value);
    if (frame && !goTo(frame, page, 0)) status.textContent = `geen pagina ${page}`;
  });
  document.querySelector('.problems-close').addEventListener('click', () => {
    problems.hidden = true;
  });
  window.addEventListener('resize', () => {
    const frame = currentFrame();
    if (frame) fit(frame);
  });
})();
