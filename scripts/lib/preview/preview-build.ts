import path from 'node:path';
import { readBook, type RenderedChapter } from '../book.ts';
import { checkSources } from '../checks/run-checks.ts';
import { BuildError, diagnostic, hasErrors, type Diagnostic } from '../diagnostics.ts';
import { imageFiles } from '../images.ts';
import { buildDate } from '../output.ts';
import { projectVersion, stylesDir } from '../paths.ts';
import { digest } from '../disk-memo.ts';
import { stylesheetsText } from '../print/font-faces.ts';
import { bookUnits, unitsDocument } from '../print/units.ts';
import { buildWebEdition } from '../web/web-target.ts';
import { bookFontPackages } from '../fonts/book-fonts.ts';

/** What the preview shows after a rebuild: the last good documents and what the checks found now. */
export interface PreviewState {
  /** Counts every rebuild; the browser reloads a view when it changes. */
  version: number;
  ok: boolean;
  diagnostics: Diagnostic[];
  /** The units of the last good build (front matter, chapters, sources), each a print document of its own
   * that the paged view lays out in a frame; the key changes exactly when the document or a style does. */
  units: PreviewUnit[];
  fontPackages: string[];
  /** The files of the manuscript folder the documents load (images), relative to it: the preview serves
   * these from /manuscript/ and nothing else there (not book.yaml, not a link to elsewhere). */
  manuscriptFiles: Set<string>;
  /** Milliseconds the last rebuild took in Node (reading, checks, both documents). */
  buildMs: number;
}

export interface PreviewUnit {
  id: string;
  key: string;
  html: string;
  /** Folioed in roman (print/units.ts). */
  roman?: true;
}

export interface PreviewBuilder {
  readonly state: PreviewState;
  /** Reads the manuscript, runs the source checks and makes the print document. */
  rebuild(): Promise<PreviewState>;
  /** Writes the web edition of the last good build, if not written yet: the server calls it when the web
   * view asks, so a save lays out pages without the web edition competing for the processor. */
  writeWeb(): Promise<void>;
}

/**
 * Rebuilds both views in memory and in `workDir`: the print documents, one per unit (Paged.js paginates
 * them in the browser, only those whose key changed) and the web edition (written to `workDir/web`). A broken manuscript keeps the last good
 * documents and reports its diagnostics instead of throwing.
 */
export function createPreviewBuilder(options: { manuscriptDir: string; workDir: string }): PreviewBuilder {
  const state: PreviewState = { version: 0, ok: false, diagnostics: [], units: [], fontPackages: [], manuscriptFiles: new Set(), buildMs: 0 };
  const cacheDir = path.join(options.workDir, 'cache');
  const renderedChapters = new Map<string, RenderedChapter>();
  let pendingWeb: (() => Promise<unknown>) | undefined;
  let writing: Promise<void> = Promise.resolve();
  return {
    state,
    async rebuild() {
      const start = performance.now();
      try {
        const book = await readBook({ manuscriptDir: options.manuscriptDir, cacheDir, renderedChapters });
        const diagnostics = await checkSources(book, options.workDir);
        state.diagnostics = diagnostics;
        state.ok = !hasErrors(diagnostics);
        if (state.ok) {
          const version = book.config.version ?? projectVersion();
          const date = buildDate();
          const styles = digest([stylesheetsText(stylesDir)]);
          state.units = bookUnits(book, { version, buildDate: date }).map((unit) => {
            const html = unitsDocument(book, [unit], 'preview');
            return { id: unit.id, html, key: digest([styles, html]).slice(0, 16), ...(unit.roman ? { roman: unit.roman } : {}) };
          });
          book.citations?.memo?.save();
          state.fontPackages = bookFontPackages(book);
          state.manuscriptFiles = new Set(imageFiles(book.chapters.flatMap((chapter) => chapter.images)).map((image) => image.relative));
          pendingWeb = () => buildWebEdition({ book, outDir: options.workDir, version, date });
        }
      } catch (error) {
        state.ok = false;
        state.diagnostics =
          error instanceof BuildError
            ? error.diagnostics
            : [diagnostic('preview/build', { source: 'preview' }, (error as Error).message)];
      }
      state.version++;
      state.buildMs = performance.now() - start;
      return state;
    },
    writeWeb() {
      // One write at a time, in order: a request for the web view waits for the one under way.
      const write = pendingWeb;
      pendingWeb = undefined;
      if (!write) return writing;
      const written = writing.then(() => write()).then(() => undefined);
      // A failed write fails the request that waited for it, not the writes after it.
      writing = written.catch(() => undefined);
      return written;
    },
  };
}
