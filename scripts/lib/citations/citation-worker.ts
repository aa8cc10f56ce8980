/**
 * A thread of the citation pool (citation-pool.ts): compiles the book's style into an engine of its own as
 * soon as it is told the style, takes the sources when they are read, then renders chapters' citations and
 * the list of sources, one job at a time, with the same functions as the main thread (csl.ts).
 */
import { parentPort } from 'node:worker_threads';
import type { Engine } from 'citeproc';
import type { CslItem } from './bibliography.ts';
import type { PoolReply, PoolRequest } from './citation-pool.ts';
import { threadWorked } from '../start-thread.ts';
import { createEngine, loadStyle, renderBibliography, renderCitations, type CitedSources, type CslStyle } from './csl.ts';

interface Compiled {
  setupKey: string;
  style: CslStyle;
  sources: { entries: Map<string, { item: CslItem }> };
  /** Set when the sources have been given: an engine renders from the sources it was given first. */
  sourcesKey?: string;
  engine: Engine;
}

let compiled: Compiled | undefined;
/** Why the style could not be loaded: every job is answered with it. */
let setupError: Error | undefined;

function reply(message: PoolReply): void {
  parentPort!.postMessage(message);
}

function describe(error: unknown): { message: string; stack?: string } {
  return error instanceof Error ? { message: error.message, ...(error.stack ? { stack: error.stack } : {}) } : { message: String(error) };
}

function ready(): { style: CslStyle; sources: CitedSources; engine: Engine } {
  if (setupError) throw setupError;
  if (!compiled?.sourcesKey) throw new Error('citation worker: a job came before the style and the sources');
  return compiled;
}

parentPort!.on('message', (message: PoolRequest) => {
  switch (message.kind) {
    case 'setup': {
      if (compiled?.setupKey === message.key) return;
      try {
        setupError = undefined;
        const style = loadStyle(message.setup.config, message.setup.manuscriptDir, message.setup.language);
        const sources = { entries: new Map<string, { item: CslItem }>() };
        compiled = { setupKey: message.key, style, sources, engine: createEngine(sources, style) };
      } catch (error) {
        compiled = undefined;
        setupError = error instanceof Error ? error : new Error(String(error));
      }
      return;
    }
    case 'sources': {
      if (!compiled || compiled.sourcesKey === message.key) return;
      // An engine keeps what it read of the sources it rendered: other sources get a new one.
      if (compiled.sourcesKey !== undefined) {
        compiled.sources = { entries: new Map() };
        compiled.engine = createEngine(compiled.sources, compiled.style);
      }
      for (const [id, item] of message.items) compiled.sources.entries.set(id, { item });
      compiled.sourcesKey = message.key;
      return;
    }
    case 'citations':
    case 'bibliography': {
      try {
        const { style, sources, engine } = ready();
        const value = message.kind === 'citations' ? renderCitations(message.requests, sources, style, engine) : renderBibliography(message.ids, sources, style, engine);
        threadWorked();
        reply({ job: message.job, ok: true, value });
      } catch (error) {
        reply({ job: message.job, ok: false, error: describe(error) });
      }
      return;
    }
  }
});
