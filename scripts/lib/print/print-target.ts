import type { Target } from '../targets/target.ts';
import { printBook } from './print-book.ts';

export type { PrintResult } from './finish-pdf.ts';

/** The print PDF, and (with `--press` or book.yaml print.press.enabled) the press PDF made from it. */
export const printTarget: Target = {
  format: 'pdf',
  async build(context) {
    // The press stage (Ghostscript, pdf-lib) is loaded only for a build that makes the press PDF.
    const pressStage = context.press ? await import('../press/press-pdf.ts') : undefined;
    if (pressStage) pressStage.resolveProfile(context.book);
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
    });
    context.outputs.pdf = result;
    const summary = { file: result.file, detail: `${result.pages} pages`, bytes: result.bytes };
    if (!pressStage) return summary;
    const press = await pressStage.buildPressPdf({ book: context.book, screenPdf: result.file, outDir: context.writeDir, date: context.date, progress: context.progress });
    context.outputs.press = press;
    const { PDFX_VERSION } = await import('../press/ghostscript.ts');
    return [summary, { file: press.file, detail: `${press.pages} pages, ${PDFX_VERSION}`, bytes: press.bytes }];
  },
};
