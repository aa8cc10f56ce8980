import { pagedHandler, type HandlerClass } from './paged.ts';

/**
 * Running heads are set in capitals, their folios not: a roman folio is lower case ("viii") wherever it is
 * printed. `text-transform: uppercase` on the margin box would take the folio in the same `content` with it,
 * so the heads' strings are put in capitals here instead, in the book's language, as each page is laid out
 * (every string Paged.js sets, `--pagedjs-string-*`, is a running head's: styles/print.css).
 */
export function capitalRunningHeads(): HandlerClass {
  return class CapitalRunningHeads extends pagedHandler() {
    afterPageLayout(fragment: HTMLElement): void {
      for (const name of Array.from(fragment.style)) {
        if (name.startsWith('--pagedjs-string-')) fragment.style.setProperty(name, capitals(fragment.style.getPropertyValue(name)));
      }
    }
  };
}

/** `text` in capitals as the book's language writes them (Dutch "ij" as "IJ"). */
export function capitals(text: string): string {
  return text.toLocaleUpperCase(document.documentElement.lang || undefined);
}
