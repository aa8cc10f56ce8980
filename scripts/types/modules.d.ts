declare module 'hyphen/nl/index.js' {
  interface HyphenateOptions {
    hyphenChar?: string;
    minWordLength?: number;
    exceptions?: string[];
  }
  const hyphenNl: {
    hyphenateSync(text: string, options?: HyphenateOptions): string;
    hyphenate(text: string, options?: HyphenateOptions): Promise<string>;
  };
  export default hyphenNl;
}

declare module 'markdown-it-attrs' {
  import type { MarkdownIt } from 'markdown-it';
  const attrs: (md: MarkdownIt, options?: { allowedAttributes?: string[] }) => void;
  export default attrs;
}
