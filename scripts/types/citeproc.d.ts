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
    makeBibliography(): false | [{ entry_ids: string[][] }, string[]];
  }
  const CSL: { Engine: typeof Engine };
  export default CSL;
}
