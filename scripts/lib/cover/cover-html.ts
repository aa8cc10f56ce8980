import type { Book } from '../book.ts';
import { authorNames, contributorsOf } from '../contributors.ts';
import { fontStylesheets } from '../fonts/font-css.ts';
import { escapeHtml } from '../html.ts';
import type { CoverGeometry } from './spine.ts';

/** The cover names the authors; a book without one (a collection) names its editors or whoever book.yaml has. */
export function coverNames(c: Book['config']): string {
  return authorNames(c) || contributorsOf(c).map((person) => person.name).join(', ');
}

/** The front of the cover, the same markup for the ebook's cover image and the printed cover (styles/cover.css). */
export function frontHtml(book: Pick<Book, 'config'>): string {
  const c = book.config;
  return `<section class="front">
<div><div class="rule"></div><p class="author">${escapeHtml(coverNames(c))}</p></div>
<div><h1 class="title">${escapeHtml(c.title)}</h1>${c.subtitle ? `<p class="subtitle">${escapeHtml(c.subtitle)}</p>` : ''}</div>
<div>${c.publisher ? `<p class="publisher">${escapeHtml(c.publisher)}</p>` : '<div class="rule"></div>'}</div>
</section>`;
}

/** A page of the cover design: the book's fonts and styles/cover.css, with `variables` and extra CSS in the head. */
export function coverPage(book: Pick<Book, 'config'>, body: string, css: string): string {
  const c = book.config;
  const links = fontStylesheets(c.print.fonts.body).map((href) => `<link rel="stylesheet" href="${href}">`).join('\n');
  return `<!doctype html>
<html lang="${escapeHtml(c.language)}">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escapeHtml(c.title)}</title>
${links}
<link rel="stylesheet" href="/styles/cover.css">
<style>${css}</style>
</head>
<body>
${body}
</body>
</html>`;
}

const mm = (points: number): string => `${((points * 25.4) / 72).toFixed(3)}mm`;

export interface WrapContent {
  /** The back cover's text as HTML. */
  back: string;
  /** The barcode as SVG markup, when the book has an ISBN. */
  barcode?: string;
  spineText: boolean;
}

/**
 * The full-wrap cover as one page: bleed, back, spine, front, bleed. Sizes come from the geometry (points,
 * written in mm); the design's sizes are in units of --u, 1/1600 of the front's width, as on the ebook's cover.
 */
export function wrapHtml(book: Book, g: CoverGeometry, content: WrapContent): string {
  const c = book.config;
  // Spine type: at most 10 pt, and no more than about half the spine's width.
  const spineType = Math.min(10, g.spine * 0.45);
  const css = `@page { size: ${mm(g.width)} ${mm(g.height)}; margin: 0; }
:root { --u: ${mm(g.trimWidth / 1600)}; --front-w: ${mm(g.trimWidth)}; --front-h: ${mm(g.trimHeight)}; }
.wrap { width: ${mm(g.width)}; height: ${mm(g.height)}; }
.back { left: ${mm(g.bleed)}; top: ${mm(g.bleed)}; }
.spine { left: ${mm(g.folds[0])}; top: ${mm(g.bleed)}; width: ${mm(g.spine)}; height: ${mm(g.trimHeight)}; font-size: ${spineType.toFixed(2)}pt; }
.wrap > .front { left: ${mm(g.folds[1])}; top: ${mm(g.bleed)}; }`;
  const spine = content.spineText
    ? `<p><span class="spine-author">${escapeHtml(coverNames(c))}</span><span class="spine-title">${escapeHtml(c.title)}</span></p>`
    : '';
  const body = `<div class="wrap">
<section class="back">
<div><div class="rule"></div><div class="blurb">${content.back}</div></div>
<div class="imprint">${c.publisher ? `<p class="publisher">${escapeHtml(c.publisher)}</p>` : '<p></p>'}${content.barcode ? `<div class="barcode">${content.barcode}</div>` : ''}</div>
</section>
<section class="spine">${spine}</section>
${frontHtml(book)}
</div>`;
  return coverPage(book, body, css);
}
