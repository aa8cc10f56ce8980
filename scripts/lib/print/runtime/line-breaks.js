// Runs inside the page before Paged.js paginates. Plain browser JavaScript, loaded by its own <script> tag.
// Total-fit (Knuth–Plass) line breaking for justified paragraphs: Chromium breaks lines greedily, which
// leaves loose lines TeX would never set. The measure is the same on every page, so every paragraph's lines
// are chosen once, here, and pinned: spaces inside a line become no-break spaces (same width, stretched by
// justification, extracted as spaces), soft hyphens not chosen are dropped, and Chromium then has exactly one
// way to break each line. Paged.js only decides which lines go on which page.
(function () {
  'use strict';
  const SHY = '\u00ad';
  const NBSP = '\u00a0';
  const INFINITY = 10000;
  /** Knuth–Plass parameters, TeX's names. Chromium's justification only stretches; a line set tighter than
   * natural gets a negative word-spacing on its spaces, which is how glue shrinks here. */
  const PARAMS = {
    // A space grows by 40 % at r = 1; the tracking below adds about a tenth of a space to each gap a reader
    // sees, so at r = 1 the gap between two words is 1.5× its natural width.
    stretchRatio: 0.4,
    shrinkRatio: 0.4, // and loses 40 % of it at r = -1
    /** Tracking a loose line may take, em per letter at r = 1, as microtype does; the rest goes to the spaces. */
    letterStretch: 0.02,
    tolerances: [1, 1.9, 4],
    linePenalty: 10,
    hyphenPenalty: 50,
    exHyphenPenalty: 50,
    doubleHyphenDemerits: 3000,
    finalHyphenDemerits: 5000,
    adjDemerits: 10000,
    maxHyphenRun: 3,
    /** Points of slack kept so measuring error never makes a line overfull. */
    safety: 2,
  };
  const BREAK_AFTER = /[-–—\/]/;
  const LETTER = /[\p{L}\p{M}\p{N}]/u;

  function fitness(r) {
    return r < -0.5 ? 0 : r <= 0.5 ? 1 : r <= 1 ? 2 : 3;
  }

  /** Returns the indices of the chosen breaks (into items), or null when no set of breaks fits. */
  function knuthPlass(items, lineWidth, tolerance) {
    const n = items.length;
    const sumW = new Float64Array(n + 1);
    const sumS = new Float64Array(n + 1);
    const sumZ = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const it = items[i];
      sumW[i + 1] = sumW[i] + (it.type === 'penalty' ? 0 : it.width);
      sumS[i + 1] = sumS[i] + (it.type === 'penalty' ? 0 : it.stretch || 0);
      sumZ[i + 1] = sumZ[i] + (it.type === 'glue' ? it.shrink : 0);
    }
    // Where a line starting after break b begins: glue and penalties after a break vanish.
    const startAfter = (b) => {
      let i = b + 1;
      while (i < n && items[i].type !== 'box' && !(items[i].type === 'penalty' && items[i].penalty === -INFINITY)) i++;
      return i;
    };
    let active = [{ pos: -1, start: 0, line: 0, fit: 1, demerits: 0, hyphens: 0, flagged: false, prev: null }];
    for (let i = 0; i < n; i++) {
      const it = items[i];
      let legal = false;
      if (it.type === 'penalty') legal = it.penalty < INFINITY;
      else if (it.type === 'glue') legal = i > 0 && items[i - 1].type === 'box';
      if (!legal) continue;
      const penalty = it.type === 'penalty' ? it.penalty : 0;
      const flagged = it.type === 'penalty' && it.flagged;
      const best = new Map();
      const keep = [];
      for (const a of active) {
        const width = sumW[i] - sumW[a.start] + (it.type === 'penalty' ? it.width : 0);
        const stretch = sumS[i] - sumS[a.start];
        const shrink = sumZ[i] - sumZ[a.start];
        const L = lineWidth(a.line);
        let r;
        if (width - shrink > L - PARAMS.safety) r = -Infinity;
        else if (width > L) r = shrink > 0 ? (L - width) / shrink : -Infinity;
        else if (width === L) r = 0;
        else r = stretch > 0 ? (L - width) / stretch : Infinity;
        if (r < -1 || penalty === -INFINITY) {
          // the line from a would be overfull (or this is the paragraph's end): a stays no longer
        } else keep.push(a);
        if (r < -1 || r > tolerance) continue;
        if (flagged && a.hyphens >= PARAMS.maxHyphenRun) continue;
        const badness = 100 * Math.abs(r) ** 3;
        let d = (PARAMS.linePenalty + badness) ** 2;
        if (penalty >= 0) d += penalty ** 2;
        else if (penalty > -INFINITY) d -= penalty ** 2;
        if (flagged && a.flagged) d += PARAMS.doubleHyphenDemerits;
        if (penalty === -INFINITY && a.flagged) d += PARAMS.finalHyphenDemerits;
        const fit = fitness(r);
        if (Math.abs(fit - a.fit) > 1) d += PARAMS.adjDemerits;
        const hyphens = flagged ? a.hyphens + 1 : 0;
        const key = `${fit}/${hyphens}`;
        const total = a.demerits + d;
        const current = best.get(key);
        if (!current || total < current.demerits) {
          best.set(key, { pos: i, start: 0, line: a.line + 1, fit, demerits: total, hyphens, flagged, prev: a });
        }
      }
      active = keep;
      for (const node of best.values()) {
        node.start = startAfter(i);
        active.push(node);
      }
      if (active.length === 0) return null;
    }
    let last = null;
    for (const a of active) if (items[a.pos] && items[a.pos].penalty === -INFINITY && (!last || a.demerits < last.demerits)) last = a;
    if (!last) return null;
    const breaks = [];
    for (let a = last; a && a.pos >= 0; a = a.prev) breaks.unshift(a.pos);
    return breaks;
  }

  /** The pieces of one paragraph: boxes (text between break opportunities), glue (spaces), penalties
   * (soft hyphens and explicit hyphens), each remembering the text it came from. */
  function itemize(el, metrics) {
    const items = [];
    const range = document.createRange();
    const measure = (node, start, end) => {
      range.setStart(node, start);
      range.setEnd(node, end);
      let w = 0;
      for (const rect of range.getClientRects()) w += rect.width;
      return w;
    };
    const fonts = new Map();
    /** A piece inside its text node is measured later, once per document, by measurePieces. */
    const pieceBox = (node, start, end, stretch) => {
      const text = node.data;
      // A piece at either end of its text node meets another element's text, which may kern with it:
      // measured where it stands.
      if (start === 0 || end >= text.length) return { type: 'box', width: measure(node, start, end), stretch, node, start, end };
      const parent = node.parentElement;
      let font = fonts.get(parent);
      if (font === undefined) fonts.set(parent, (font = fontKey(parent)));
      // The letters on either side, and the one beyond a soft hyphen: fonts kern and join ligatures across it.
      const before = text[start - 1] === SHY ? text.slice(Math.max(0, start - 2), start) : text[start - 1];
      const after = text[end] === SHY ? text.slice(end, end + 2) : text[end];
      const key = `${font}\u0001${before.length}\u0001${before}${text.slice(start, end)}${after}`;
      const item = { type: 'box', width: 0, stretch, node, start, end, widthKey: key };
      if (!metrics.widths.has(key)) metrics.widths.set(key, { parent, before, piece: text.slice(start, end), after, width: undefined });
      metrics.boxes.push(item);
      return item;
    };
    const style = getComputedStyle(el);
    const fontSize = parseFloat(style.fontSize);
    const indent = parseFloat(style.textIndent) || 0;
    if (indent) items.push({ type: 'box', width: indent });
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        // A <wbr> (inside a long name in code) is a place to break at no width, at a hyphen's cost.
        if (node.nodeType === Node.ELEMENT_NODE && node.tagName === 'WBR') {
          items.push({ type: 'penalty', width: 0, penalty: PARAMS.hyphenPenalty, flagged: false, wbr: node });
          return NodeFilter.FILTER_REJECT;
        }
        if (node.nodeType === Node.ELEMENT_NODE && node.classList.contains('footnote')) {
          // (hidden while measuring; FILTER_REJECT skips the note's own text)
          const digits = String(node.dataset.noteNumber || '').split('');
          // The call as Paged.js sets it, with a pixel to spare: a pinned line cannot give way afterwards.
          const width = digits.reduce((w, d) => w + (metrics.digit[d] || 0), 0) * (fontSize / metrics.fontSize) + 0.05 * fontSize + 1.5;
          items.push({ type: 'box', width });
          return NodeFilter.FILTER_REJECT;
        }
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    const space = metrics.space * (fontSize / metrics.fontSize);
    const letterPx = PARAMS.letterStretch * fontSize;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType !== Node.TEXT_NODE) continue;
      const text = node.data;
      let i = 0;
      while (i < text.length) {
        const ch = text[i];
        if (/\s/.test(ch) && ch !== NBSP) {
          let j = i;
          while (j < text.length && /\s/.test(text[j]) && text[j] !== NBSP) j++;
          const prev = items[items.length - 1];
          if (prev && prev.type === 'glue') items.push({ type: 'collapsed', node, start: i, end: j, width: 0 });
          else items.push({ type: 'glue', width: space, stretch: space * PARAMS.stretchRatio, shrink: space * PARAMS.shrinkRatio, node, start: i, end: j });
          i = j;
        } else if (ch === SHY) {
          items.push({ type: 'penalty', width: metrics.hyphen * (fontSize / metrics.fontSize), penalty: PARAMS.hyphenPenalty, flagged: true, node, start: i, end: i + 1 });
          i++;
        } else {
          let j = i;
          while (j < text.length && text[j] !== SHY && !(/\s/.test(text[j]) && text[j] !== NBSP)) {
            j++;
            if (BREAK_AFTER.test(text[j - 1]) && LETTER.test(text[j] || '') && j - 1 > i && LETTER.test(text[j - 2])) break;
          }
          items.push(pieceBox(node, i, j, (j - i) * letterPx));
          if (BREAK_AFTER.test(text[j - 1]) && LETTER.test(text[j] || '')) {
            items.push({ type: 'penalty', width: 0, penalty: PARAMS.exHyphenPenalty, flagged: true, node, start: j - 1, end: j, explicit: true });
          }
          i = j;
        }
      }
    }
    // Drop leading and trailing space; end with \parfillskip and a forced break.
    while (items.length && items[items.length - 1].type !== 'box') items.pop();
    while (items.length && items[0].type === 'glue') items.shift();
    items.push({ type: 'penalty', width: 0, penalty: INFINITY, flagged: false });
    items.push({ type: 'glue', width: 0, stretch: 1e6, shrink: 0 });
    items.push({ type: 'penalty', width: 0, penalty: -INFINITY, flagged: false });
    const box = el.getBoundingClientRect();
    const width = box.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return { items, width, letterPx };
  }

  function addToSegment(segments, it) {
    if (!it.node || it.explicit || it.newStart === undefined) return;
    const seg = segments.get(it.node);
    if (seg) seg.end = Math.max(seg.end, it.newEnd);
    else segments.set(it.node, { start: it.newStart, end: it.newEnd });
  }

  /** Pins the chosen breaks into the text (see the top of this file). */
  function apply(plan, breaks) {
    let hyphens = 0;
    const items = plan.items;
    const chosen = new Set(breaks.map((b) => items[b]));
    const byNode = new Map();
    const keepTogether = new Map();
    items.forEach((it, k) => {
      // A hyphen or dash Chromium could break after, where the chosen breaks do not: held to the next letter.
      if (it.explicit && !chosen.has(it) && items[k - 1] && items[k - 1].node === it.node) {
        if (!keepTogether.has(it.node)) keepTogether.set(it.node, []);
        keepTogether.get(it.node).push(items[k - 1]);
      }
    });
    for (const it of items) {
      // A <wbr> not chosen goes: Chromium must not break there instead.
      if (it.wbr && !chosen.has(it)) it.wbr.remove();
      if (!it.node || it.explicit) continue;
      if (!byNode.has(it.node)) byNode.set(it.node, []);
      byNode.get(it.node).push(it);
    }
    for (const [node, list] of byNode) {
      const text = node.data;
      let out = '';
      let at = 0;
      for (const it of list.sort((a, b) => a.start - b.start)) {
        out += text.slice(at, it.start);
        let replacement = text.slice(it.start, it.end);
        if (it.type === 'glue') replacement = chosen.has(it) ? ' ' : NBSP;
        else if (it.type === 'collapsed') replacement = '';
        else if (it.type === 'penalty' && !chosen.has(it)) replacement = '';
        // Chromium does not justify a hyphens: manual paragraph whose lines are spans; the paragraph is set
        // with hyphens: none, and a chosen soft hyphen becomes the hyphen it would have shown.
        else if (it.type === 'penalty') {
          replacement = '-';
          hyphens++;
          // The tagged PDF marks this hyphen as the line break's, not the word's (runtime/structure.js).
          const word = /(\S*)$/.exec(out + text.slice(at, it.start));
          plan.softHyphens.push(`${word ? word[1] : ''}-`);
        }
        it.newStart = out.length;
        out += replacement;
        it.newEnd = out.length;
        at = it.end;
      }
      node.data = out + text.slice(at);
    }
    // Each line's text, node by node, goes into a span that carries the line's setting: tracking on a loose
    // line, tighter word spaces on a tight one. (Not white-space: nowrap: Chromium does not justify that.)
    const wraps = new Map();
    let from = 0;
    let carry = null;
    for (const b of breaks) {
      let width = items[b].type === 'penalty' ? items[b].width : 0;
      let stretch = 0;
      let letters = 0;
      let spaces = 0;
      const segments = new Map();
      if (carry) addToSegment(segments, carry);
      carry = null;
      for (let k = from; k < b; k++) {
        const it = items[k];
        if (it.type !== 'penalty') width += it.width;
        if (it.type === 'glue' && it.stretch < 1e5) stretch += it.stretch;
        if (it.type === 'box' && it.stretch) {
          stretch += it.stretch;
          letters += it.stretch;
        }
        if (it.type === 'glue' && it.node) spaces++;
        addToSegment(segments, it);
      }
      // A soft hyphen break stays with its line; a space break opens the next line's span: a space alone
      // between two spans is whitespace Paged.js drops, and with it the only place the line may break.
      if (items[b].type === 'glue') carry = items[b];
      else addToSegment(segments, items[b]);
      const last = items[b].penalty === -INFINITY;
      let css = '';
      // Measuring is exact to a pixel or so: a line that would come closer than that to the edge gives it up.
      const fit = plan.width - PARAMS.safety;
      if (width > fit && spaces > 0) css = `word-spacing:${(-((width - fit) / spaces)).toFixed(3)}px`;
      else if (!last && letters > 0 && stretch > 0) {
        const r = Math.min(1, (plan.width - width) / stretch);
        css = `letter-spacing:${(r * plan.letterPx).toFixed(3)}px`;
      }
      for (const [node, seg] of segments) {
        if (seg.end <= seg.start || !css) continue;
        if (!wraps.has(node)) wraps.set(node, []);
        wraps.get(node).push({ ...seg, css });
      }
      from = b + 1;
    }
    const wrap = (node, start, end, css) => {
      if (end < node.data.length) node.splitText(end);
      const mid = start > 0 ? node.splitText(start) : node;
      const span = document.createElement('span');
      // An explicit display: Paged.js takes an element with a style attribute and none for an undisplayed one.
      span.style.cssText = `display:inline;${css}`;
      mid.replaceWith(span);
      span.appendChild(mid);
      return mid;
    };
    for (const node of new Set([...wraps.keys(), ...keepTogether.keys()])) {
      const holds = (keepTogether.get(node) || []).map((box) => box.newEnd - 1).sort((a, b) => b - a);
      const list = (wraps.get(node) || []).sort((a, b) => b.start - a.start);
      // Line spans from the end, each first taking the holds that fall inside it; what is left is in node.
      for (const w of list) {
        const inside = holds.filter((h) => h >= w.start && h + 2 <= w.end);
        const mid = wrap(node, w.start, w.end, w.css);
        for (const h of inside) wrap(mid, h - w.start, h - w.start + 2, 'white-space:nowrap');
        for (const h of inside) holds.splice(holds.indexOf(h), 1);
      }
      for (const h of holds) if (h + 2 <= node.data.length && h < (list.length ? list[list.length - 1].start : Infinity)) wrap(node, h, h + 2, 'white-space:nowrap');
    }
    return hyphens;
  }

  /**
   * Measures the pieces itemize left open, each distinct one once: its text between the letters around it,
   * set alone on a line at the viewport's left edge, in an element inside its own (so in its font). In the
   * paragraph the same word's width moved by 1/64 px with where it stood; so a width taken from the first
   * paragraph that had it would depend on which paragraphs a document holds, and a parallel build would not
   * match a sequential one. Set alone, a piece's width is a function of its letters and font only.
   */
  function measurePieces(metrics) {
    const open = [...metrics.widths.values()].filter((w) => w.width === undefined);
    const probes = new Map();
    const lines = open.map((entry) => {
      let probe = probes.get(entry.parent);
      if (!probe) {
        probe = document.createElement('span');
        probe.style.cssText = 'position:fixed;left:0;top:0;white-space:pre;visibility:hidden;text-indent:0';
        entry.parent.appendChild(probe);
        probes.set(entry.parent, probe);
      }
      const line = document.createElement('div');
      line.textContent = `${entry.before}${entry.piece}${entry.after}`;
      probe.appendChild(line);
      return line;
    });
    const range = document.createRange();
    open.forEach((entry, k) => {
      const text = lines[k].firstChild;
      range.setStart(text, entry.before.length);
      range.setEnd(text, entry.before.length + entry.piece.length);
      let w = 0;
      for (const rect of range.getClientRects()) w += rect.width;
      entry.width = w;
    });
    for (const probe of probes.values()) probe.remove();
    for (const item of metrics.boxes) item.width = metrics.widths.get(item.widthKey).width;
    metrics.boxes = [];
  }

  /** Everything in an element's style that changes the width of its text. */
  function fontKey(element) {
    const s = getComputedStyle(element);
    return [
      s.fontFamily, s.fontSize, s.fontStyle, s.fontWeight, s.fontStretch, s.fontVariant, s.fontFeatureSettings,
      s.fontVariationSettings, s.fontKerning, s.fontSizeAdjust, s.letterSpacing, s.wordSpacing, s.textTransform,
    ].join('|');
  }

  function measureFont(sample) {
    const probe = document.createElement('span');
    probe.style.cssText = 'position:absolute;white-space:pre;visibility:hidden';
    sample.appendChild(probe);
    const widthOf = (text, css = '') => {
      probe.style.cssText = `position:absolute;white-space:pre;visibility:hidden;${css}`;
      probe.textContent = text;
      return probe.getBoundingClientRect().width;
    };
    const metrics = {
      fontSize: parseFloat(getComputedStyle(sample).fontSize),
      space: widthOf(NBSP.repeat(20)) / 20,
      hyphen: widthOf('-'),
      digit: {},
      /** Pieces by font and letters, measured once in this document (measurePieces), and the boxes that
       * wait for their width. */
      widths: new Map(),
      boxes: [],
    };
    for (let d = 0; d <= 9; d++) metrics.digit[d] = widthOf(String(d), 'font-size:0.68em;font-variant-numeric:lining-nums');
    probe.remove();
    return metrics;
  }

  /**
   * Paragraphs whose lines were chosen in an earlier build with everything the choice depends on the same:
   * their HTML (with the numbers of their notes), their computed setting and the font's measures. A watching
   * build keeps them (window.bookLineBreakReuse, given by the build); those paragraphs get the pinned HTML
   * they got then, without measuring. New outcomes are left in window.bookLineBreaks.fresh for the build.
   */
  async function rememberedBreaks(paragraphs, metrics) {
    const reuse = window.bookLineBreakReuse;
    const none = { outcomes: [], settled() {}, finish() {} };
    if (typeof reuse !== 'function') return none;
    const font = JSON.stringify([metrics.fontSize, metrics.space, metrics.hyphen, metrics.digit]);
    const keys = paragraphs.map((el) => {
      const style = getComputedStyle(el);
      const setting = [style.font, style.letterSpacing, style.wordSpacing, style.textIndent, style.lineHeight, style.paddingLeft, style.paddingRight, el.getBoundingClientRect().width];
      return `${font}\n${setting.join(' ')}\n${el.innerHTML}`;
    });
    const found = await reuse(keys);
    const outcomes = paragraphs.map((el, i) => {
      const entry = found[i];
      if (!entry) return null;
      if (entry.outcome === 'pinned') {
        el.innerHTML = entry.html;
        el.dataset.lines = 'pinned';
        for (const word of entry.softHyphens || []) insertedHyphens.add(word);
      }
      return entry.outcome;
    });
    const keyOf = new Map(paragraphs.map((el, i) => [el, keys[i]]));
    const fresh = [];
    return {
      outcomes,
      settled(el, outcome, hyphens = 0, softHyphens = []) {
        fresh.push([keyOf.get(el), { html: el.innerHTML, outcome, hyphens, softHyphens }]);
      },
      finish(stats) {
        for (const [i, outcome] of outcomes.entries()) {
          if (!outcome) continue;
          stats[outcome]++;
          if (outcome === 'pinned') stats.hyphens += found[i].hyphens || 0;
        }
        window.bookLineBreaks.fresh = fresh;
      },
    };
  }

  async function run() {
    const started = performance.now();
    await document.fonts.ready;
    const body = document.body;
    const previous = body.style.width;
    const stats = { paragraphs: 0, pinned: 0, infeasible: 0, reverted: 0, reused: 0, hyphens: 0, ms: 0 };
    // book.yaml print.lineBreaking: greedy leaves every paragraph to Chromium.
    if (getComputedStyle(document.documentElement).getPropertyValue('--line-breaking').trim() === 'greedy') {
      window.bookLineBreaks.stats = stats;
      return;
    }
    body.style.width = 'var(--text-width)';
    // Notes are still inline until Paged.js floats them; each counts as its call's width.
    const hideNotes = document.createElement('style');
    hideNotes.textContent = '.chapter .footnote { display: none !important; }';
    document.head.appendChild(hideNotes);
    const pinned = document.createElement('style');
    pinned.textContent = '[data-lines="pinned"] { hyphens: none; }';
    document.head.appendChild(pinned);
    try {
      // A list item or definition that holds blocks of its own (paragraphs, a nested list) is not one paragraph.
      const paragraphs = Array.from(document.querySelectorAll('.chapter p, .chapter li, .chapter dd')).filter(
        (el) => !el.closest('.footnote') && !el.querySelector('p, ul, ol, dl, div, blockquote, pre, table') && getComputedStyle(el).textAlign === 'justify',
      );
      if (paragraphs.length === 0) return;
      const metrics = measureFont(paragraphs[0]);
      const remembered = await rememberedBreaks(paragraphs, metrics);
      const todo = paragraphs.filter((el, i) => !remembered.outcomes[i]);
      stats.paragraphs += paragraphs.length - todo.length;
      stats.reused = paragraphs.length - todo.length;
      // Pieces are measured unjustified and unhyphenated: in the greedy layout a piece at a line end carries
      // the hyphen Chromium drew there or the justification it added, and would seem wider.
      const measuring = document.createElement('style');
      measuring.textContent = '[data-lines="measuring"] { hyphens: none !important; text-align: left !important; }';
      document.head.appendChild(measuring);
      for (const el of todo) el.dataset.lines = 'measuring';
      const plans = todo.map((el) => ({ el, softHyphens: [], ...itemize(el, metrics) }));
      measurePieces(metrics);
      for (const el of todo) delete el.dataset.lines;
      measuring.remove();
      const done = [];
      for (const plan of plans) {
        stats.paragraphs++;
        let breaks = null;
        for (const tolerance of PARAMS.tolerances) {
          breaks = knuthPlass(plan.items, () => plan.width, tolerance);
          if (breaks) break;
        }
        if (!breaks) {
          stats.infeasible++;
          remembered.settled(plan.el, 'infeasible');
          continue;
        }
        const original = Array.from(plan.el.childNodes, (c) => c.cloneNode(true));
        const hyphens = apply(plan, breaks);
        plan.el.dataset.lines = 'pinned';
        done.push({ plan, lines: breaks.length, original, hyphens });
      }
      // Chromium must now find exactly those lines; where it does not, the paragraph goes back as it was.
      for (const { plan, lines, original, hyphens } of done) {
        const style = getComputedStyle(plan.el);
        const height = plan.el.getBoundingClientRect().height;
        const found = Math.round(height / parseFloat(style.lineHeight));
        if (found !== lines || plan.el.scrollWidth > plan.el.clientWidth + 1) {
          plan.el.replaceChildren(...original);
          delete plan.el.dataset.lines;
          stats.reverted++;
          remembered.settled(plan.el, 'reverted');
        } else {
          stats.pinned++;
          stats.hyphens += hyphens;
          for (const word of plan.softHyphens) insertedHyphens.add(word);
          remembered.settled(plan.el, 'pinned', hyphens, plan.softHyphens);
        }
      }
      remembered.finish(stats);
    } finally {
      hideNotes.remove();
      body.style.width = previous;
      stats.ms = performance.now() - started;
      window.bookLineBreaks.stats = stats;
    }
  }

  /** Left parts of the words whose line-end hyphen the line breaker chose ("overwin-"). */
  const insertedHyphens = new Set();
  window.bookLineBreaks = { run, knuthPlass, stats: null, insertedHyphens };
})();
