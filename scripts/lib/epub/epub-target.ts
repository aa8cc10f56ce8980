import path from 'node:path';
import type { Book } from '../book.ts';
import { outputBaseName, writeFileAtomic } from '../output.ts';
import { whenIdle, type Target, type TargetContext } from '../targets/target.ts';
import { contentDocuments } from './content-documents.ts';
import { coverAlt, renderCover } from './cover.ts';
import { planPageBreaks } from './page-breaks.ts';
import { printLayout } from './print-layout.ts';
import type { DeflatedAhead } from './zip.ts';

/** The packager's module and what it deflated ahead. */
interface Packager {
  packageEpub: (typeof import('./package-epub.ts'))['packageEpub'];
  ahead: DeflatedAhead;
}

/** What each build begins before the print edition is laid out: the cover image, which needs nothing but the
 * book, its tab on the core the print edition's layout leaves (a small book is one document); and, while Node
 * waits on that layout, the packager's modules (epub-gen-memory: ~0.15 s) and the fonts and cover deflated. */
const begun = new WeakMap<TargetContext, { cover: Promise<Uint8Array>; packager: () => Promise<Packager> }>();

async function packager(book: Book, cover: Promise<Uint8Array>): Promise<Packager> {
  const { packageEpub, deflateAhead } = await import('./package-epub.ts');
  return { packageEpub, ahead: await deflateAhead(book, cover) };
}

/** Book model + print layout -> content documents with notes and page breaks -> cover -> EPUB 3. */
export const epubTarget: Target = {
  format: 'epub',
  needs: [],
  // The page list names the print edition's pages: from its layout when this build made it.
  reads: ['pdf'],
  begin(context) {
    const render = (): Promise<Uint8Array> => context.browser().then((session) => renderCover(context.book, session));
    const cover = context.epubCover ? context.epubCover.then((image) => image ?? render()) : render();
    // Awaited by build; handled here too, should an earlier target fail the build first.
    cover.catch(() => undefined);
    begun.set(context, { cover, packager: whenIdle(context, () => packager(context.book, cover)) });
  },
  async build(context) {
    const { book, progress } = context;
    const session = await context.browser();
    if (!context.outputs.pdf) progress.step('epub: paginating the print edition for the page list');
    const layout = await printLayout({ book, session, version: context.version, date: context.date, reuse: context.outputs.pdf?.layout, jobs: context.print?.jobs, loaded: context.waitingOnLayout });
    const plan = planPageBreaks(layout);
    progress.step('epub: rendering the cover');
    const started = begun.get(context);
    begun.delete(context);
    const cover = started?.cover ?? renderCover(book, session);
    const { packageEpub, ahead } = await (started?.packager() ?? packager(book, cover));
    const documents = contentDocuments(book, plan, coverAlt(book), { version: context.version, date: context.date });
    progress.step(`epub: packaging ${documents.length} documents, ${plan.pages.length} page-break markers`);
    const base = outputBaseName(book);
    const epub = await packageEpub({ book, documents, plan, cover: await cover, date: context.date, version: context.version, printFile: `${base}.pdf`, ahead });
    const file = path.join(context.writeDir, `${base}.epub`);
    await writeFileAtomic(file, epub);
    context.outputs.epub = { file, bytes: epub.byteLength, pages: plan.pages.length };
    return { file, detail: `${documents.length} documents, page list of ${plan.pages.length} pages`, bytes: epub.byteLength };
  },
};
