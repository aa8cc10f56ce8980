import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { readBook } from '../book.ts';
import { runChecks, sourceChecks } from '../checks/run-checks.ts';
import { BuildError, hasErrors, type Diagnostic } from '../diagnostics.ts';
import { buildDate } from '../output.ts';
import { projectVersion, stylesDir } from '../paths.ts';
import { digest } from '../disk-memo.ts';
import { bookUnits, unitsDocument } from '../print/parallel-build.ts';
import { buildWebEdition } from '../web/web-target.ts';

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
  /** Milliseconds the last rebuild took in Node (reading, checks, both documents). */
  buildMs: number;
}

export interface PreviewUnit {
  id: string;
  key: string;
  html: string;
}

export interface PreviewBuilder {
  readonly state: PreviewState;
  /** Reads the manuscript, runs the source checks and makes the print document. */
  rebuild(): Promise<PreviewState>;
  /** Writes the web edition of the last good build; separate so the paged view need not wait for it. */
  writeWeb(): Promise<void>;
}

/**
 * Rebuilds both views in memory and in `workDir`: the print documents, one per unit (Paged.js paginates
 * them in the browser, only those whose key changed) and the web edition (written to `workDir/web`). A broken manuscript keeps the last good
 * documents and reports its diagnostics instead of throwing.
 */
export function createPreviewBuilder(options: { manuscriptDir: string; workDir: string }): PreviewBuilder {
  const state: PreviewState = { version: 0, ok: false, diagnostics: [], units: [], fontPackages: [], buildMs: 0 };
  const cacheDir = path.join(options.workDir, 'cache');
  let pendingWeb: (() => Promise<unknown>) | undefined;
  return {
    state,
    async rebuild() {
      const start = performance.now();
      try {
        const book = await readBook({ manuscriptDir: options.manuscriptDir, cacheDir });
        const diagnostics = await runChecks(book, {}, options.workDir, sourceChecks());
        state.diagnostics = diagnostics;
        state.ok = !hasErrors(diagnostics);
        if (state.ok) {
          const version = book.config.version ?? projectVersion();
          const date = buildDate();
          const styles = await stylesDigest();
          state.units = bookUnits(book, { version, buildDate: date }).map((unit) => {
            const html = unitsDocument(book, [unit]);
            return { id: unit.id, html, key: digest([styles, html]).slice(0, 16) };
          });
          book.citations?.memo?.save();
          state.fontPackages = [book.config.print.fonts.body.package];
          pendingWeb = () => buildWebEdition({ book, outDir: options.workDir, version, date });
        }
      } catch (error) {
        state.ok = false;
        state.diagnostics =
          error instanceof BuildError
            ? error.diagnostics
            : [{ file: 'preview', line: 0, column: 0, severity: 'error', rule: 'preview/build', message: (error as Error).message }];
      }
      state.version++;
      state.buildMs = performance.now() - start;
      return state;
    },
    async writeWeb() {
      const write = pendingWeb;
      pendingWeb = undefined;
      await write?.();
    },
  };
}

/** The style sheets' contents: a changed style lays out every unit again. */
async function stylesDigest(): Promise<string> {
  const names = (await readdir(stylesDir)).filter((name) => name.endsWith('.css')).sort();
  return digest(await Promise.all(names.map(async (name) => `${name}\n${await readFile(path.join(stylesDir, name), 'utf8')}`)));
}
