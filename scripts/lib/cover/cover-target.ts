import type { Target } from '../targets/target.ts';

/** The full-wrap cover (PDF/X), its spine from the page count of the print PDF as the printer binds it. */
export const coverTarget: Target = {
  format: 'cover',
  needs: ['pdf'],
  reads: [],
  async prepare({ book }) {
    (await import('../press/press-pdf.ts')).resolveProfile(book);
  },
  async build(context) {
    const pdf = context.outputs.pdf;
    if (!pdf) throw new Error('the cover is sized from the print PDF, which this build did not make');
    // The print PDF is padded to the signature already (print/pad-pages.ts): the printer binds that many pages.
    const pages = pdf.pages;
    const { buildCover } = await import('./cover-pdf.ts');
    const cover = await buildCover({ book: context.book, pages, session: await context.browser(), writeDir: context.writeDir, date: context.date, progress: context.progress });
    context.outputs.cover = cover;
    const mm = ((cover.spine * 25.4) / 72).toFixed(1);
    return { file: cover.file, detail: `spine ${mm} mm for ${pages} pages, ${context.book.config.print.press.pdfx}`, bytes: cover.bytes };
  },
};
