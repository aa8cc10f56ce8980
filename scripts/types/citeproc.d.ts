declare module 'citeproc' {
  export interface CiteprocSys {
    retrieveLocale(lang: string): string;
    retrieveItem(id: string): Record<string, unknown> | undefined;
  }
  export interface CiteprocCitationItem {
    id: string;
    locator?: string;
    label?: string;
    prefix?: string;
    suffix?: string;
    'suppress-author'?: boolean;
    /** Only the author's names (for a narrative citation's author in the sentence). */
    'author-only'?: boolean;
    /** For makeCitationCluster: the position to render at (first, subsequent, ...). */
    position?: number;
  }
  export interface CiteprocCitation {
    citationID: string;
    citationItems: CiteprocCitationItem[];
    properties: { noteIndex: number };
  }
  /** [citationID, noteIndex] of the citations around the one being processed. */
  export type CitationPosition = [string, number];
  export class Engine {
    constructor(sys: CiteprocSys, style: string, lang?: string, forceLang?: boolean);
    setOutputFormat(format: 'html' | 'text' | 'rtf'): void;
    processCitationCluster(
      citation: CiteprocCitation,
      pre: CitationPosition[],
      post: CitationPosition[],
    ): [{ bibchange: boolean; citation_errors: unknown[] }, [number, string, string][]];
    updateItems(ids: string[]): void;
    restoreProcessorState(citations: unknown[]): void;
    /** Processes a document's citations in order from a fresh state: [citationID, noteIndex, html] each. */
    rebuildProcessorState(citations: CiteprocCitation[], mode?: 'html' | 'text' | 'rtf'): [string, number, string][];
    /** Renders a cluster outside the document's state (its positions taken from the items). */
    makeCitationCluster(items: CiteprocCitationItem[]): string;
    makeBibliography(): false | [{ entry_ids: string[][] }, string[]];
  }
  const CSL: { Engine: typeof Engine; POSITION_FIRST: number; POSITION_SUBSEQUENT: number };
  export default CSL;
}
