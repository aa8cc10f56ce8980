import path from 'node:path';
import { outputBaseName, writeFileAtomic } from '../output.ts';
import type { Target, TargetContext } from '../targets/target.ts';
import { contentDocuments } from './content-documents.ts';
import { coverAlt, renderCover } from './cover.ts';
import { packageEpub } from './package-epub.ts';
import { planPageBreaks } from './page-breaks.ts';
import { printLayout } from './print-layout.ts';

/** The cover image of each build, begun before the print edition is laid out: it needs nothing but the
 * book, and its tab runs on the core the print edition's layout leaves (a small book is one document). */
const covers = new WeakMap<TargetContext, Promise<Uint8Array>>();

/** Book model + print layout -> content documents with notes and page breaks -> cover -> EPUB 3. */
export const epubTarget: Target = {
  format: 'epub',
  needs: [],
  // The page list names the print edition's pages: from its layout when this build made it.
  reads: ['pdf'],
  begin(context) {
    const cover = context.browser().then((session) => renderCover(context.book, session));
    // Awaited by build; handled here too, should an earlier target fail the build first.
    cover.catch(() => undefined);
    covers.set(context, cover);
  },
  async build(context) {
    const { book, progress } = context;
    const session = await context.browser();
    if (!context.outputs.pdf) progress.step('epub: paginating the print edition for the page list');
    const layout = await printLayout({ book, session, version: context.version, date: context.date, reuse: context.outputs.pdf?.layout, jobs: context.print?.jobs });
    const plan = planPageBreaks(layout);
    progress.step('epub: rendering the cover');
    const cover = await (covers.get(context) ?? renderCover(book, session));
    covers.delete(context);
    const documents = contentDocuments(book, plan, coverAlt(book), { version: context.version, date: context.date });
    progress.step(`epub: packaging ${documents.length} documents, ${plan.pages.length} page-break markers`);
    const base = outputBaseName(book);
    const epub = await packageEpub({ book, documents, plan, cover, date: context.date, version: context.version, printFile: `${base}.pdf` });
    const file = path.join(context.writeDir, `${base}.epub`);
    await writeFileAtomic(file, epub);
    context.outputs.epub = { file, bytes: epub.byteLength, pages: plan.pages.length };
    return { file, detail: `${documents.length} documents, page list of ${plan.pages.length} pages`, bytes: epub.byteLength };
  },
};
