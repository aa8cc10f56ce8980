declare module 'markdown-it-attrs' {
  import type { MarkdownIt } from 'markdown-it';
  const attrs: (md: MarkdownIt, options?: { allowedAttributes?: string[] }) => void;
  export default attrs;
}

declare module 'markdown-it-deflist' {
  import type { MarkdownIt } from 'markdown-it';
  const deflist: (md: MarkdownIt) => void;
  export default deflist;
}

declare module 'markdown-it-sup' {
  import type { MarkdownIt } from 'markdown-it';
  const sup: (md: MarkdownIt) => void;
  export default sup;
}

declare module 'markdown-it-sub' {
  import type { MarkdownIt } from 'markdown-it';
  const sub: (md: MarkdownIt) => void;
  export default sub;
}

declare module 'markdown-it-bracketed-spans' {
  import type { MarkdownIt } from 'markdown-it';
  const bracketedSpans: (md: MarkdownIt) => void;
  export default bracketedSpans;
}

declare module 'epub-gen-memory/dist/lib/util/constants.js' {
  const constants: { allowedAttributes: string[] };
  export default constants;
}

declare module 'epub-gen-memory/dist/lib/util/html-parse.js' {
  export function fixHTML(this: { warn(message: string): void; options: { version: number } }, index: number, html: string, imgCB: (src: string) => string): string;
}

declare module '@citation-js/core' {
  /** The part of citation.js the BibTeX reader uses: its input chain, to CSL-JSON. */
  export const plugins: {
    input: { chain(data: string, options: { target: string; generateGraph?: boolean; forceType?: string }): unknown };
    config: { get(name: string): unknown };
  };
}

declare module '@citation-js/plugin-bibtex';
