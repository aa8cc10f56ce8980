import { readBook } from '../book.ts';
import { runChecks, sourceChecks } from '../checks/run-checks.ts';
import { BuildError, hasErrors, type Diagnostic } from '../diagnostics.ts';
import { buildDate } from '../output.ts';
import { projectVersion } from '../paths.ts';
import { printHtml } from '../print/print-html.ts';
import { buildWebEdition } from '../web/web-target.ts';

/** What the preview shows after a rebuild: the last good documents and what the checks found now. */
export interface PreviewState {
  /** Counts every rebuild; the browser reloads a view when it changes. */
  version: number;
  ok: boolean;
  diagnostics: Diagnostic[];
  /** The print document of the last good build (undefined until one succeeded). */
  printHtml?: string;
  fontPackages: string[];
  /** Milliseconds the last rebuild took in Node (reading, checks, both documents). */
  buildMs: number;
}

export interface PreviewBuilder {
  readonly state: PreviewState;
  /** Reads the manuscript, runs the source checks and makes the print document. */
  rebuild(): Promise<PreviewState>;
  /** Writes the web edition of the last good build; separate so the paged view need not wait for it. */
  writeWeb(): Promise<void>;
}

/**
 * Rebuilds both views in memory and in `workDir`: the print document (Paged.js paginates it in the
 * browser) and the web edition (written to `workDir/web`). A broken manuscript keeps the last good
 * documents and reports its diagnostics instead of throwing.
 */
export function createPreviewBuilder(options: { manuscriptDir: string; workDir: string }): PreviewBuilder {
  const state: PreviewState = { version: 0, ok: false, diagnostics: [], fontPackages: [], buildMs: 0 };
  let pendingWeb: (() => Promise<unknown>) | undefined;
  return {
    state,
    async rebuild() {
      const start = performance.now();
      try {
        const book = await readBook({ manuscriptDir: options.manuscriptDir });
        const diagnostics = await runChecks(book, {}, options.workDir, sourceChecks());
        state.diagnostics = diagnostics;
        state.ok = !hasErrors(diagnostics);
        if (state.ok) {
          const version = book.config.version ?? projectVersion();
          const date = buildDate();
          state.printHtml = printHtml(book, { version, buildDate: date });
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
