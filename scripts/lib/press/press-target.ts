import type { Target } from '../targets/target.ts';

/** The press PDF (PDF/X-1a, CMYK), made from the print PDF of the same build. */
export const pressTarget: Target = {
  format: 'press',
  needs: ['pdf'],
  reads: [],
  async prepare({ book }) {
    // The CMYK profile is found (or the setting refused) before a page is laid out.
    (await import('./press-pdf.ts')).resolveProfile(book);
  },
  async build(context) {
    const pdf = context.outputs.pdf;
    if (!pdf) throw new Error('the press PDF is made from the print PDF, which this build did not make');
    const { buildPressPdf } = await import('./press-pdf.ts');
    const press = await buildPressPdf({ book: context.book, screenPdf: pdf.file, outDir: context.writeDir, date: context.date, progress: context.progress });
    context.outputs.press = press;
    return { file: press.file, detail: `${press.pages} pages, ${context.book.config.print.press.pdfx}`, bytes: press.bytes };
  },
};
