import type { Target } from '../targets/target.ts';
import { printBook } from './print-book.ts';

/** The print PDF: the book laid out by Paged.js in Chromium, finished for a printer and a reader. */
export const printTarget: Target = {
  format: 'pdf',
  needs: [],
  reads: [],
  async build(context) {
    // One start for every document: the build's browser() is not safe to call twice at once.
    let started: ReturnType<typeof context.browser> | undefined;
    const result = await printBook({
      book: context.book,
      outDir: context.outDir,
      writeDir: context.writeDir,
      browser: async () => (await (started ??= context.browser())).browser,
      progress: context.progress,
      version: context.version,
      date: context.date,
      jobs: context.print?.jobs,
      cache: context.print?.cache,
      lineBreaks: context.lineBreaks,
      keptDocuments: context.keptDocuments,
      loaded: context.waitingOnLayout,
      layoutKnown: context.printLaidOut,
      heldTabs: context.heldTabs,
      ...(context.sourcesChecked ? { sourcesChecked: context.sourcesChecked } : {}),
      ...(context.settled ? { settled: context.settled } : {}),
      ...(context.markingWorkers ? { markingWorkers: context.markingWorkers } : {}),
      afterOutput: context.afterOutput,
    });
    context.outputs.pdf = result;
    return { file: result.file, detail: `${result.pages} pages`, bytes: result.bytes };
  },
};
