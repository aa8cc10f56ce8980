import path from 'node:path';
import { outputBaseName, writeFileAtomic } from '../output.ts';
import { whenIdle, type Target, type TargetContext } from '../targets/target.ts';
import { contentDocuments } from './content-documents.ts';
import { coverAlt, renderCover } from './cover.ts';
import { planPageBreaks } from './page-breaks.ts';
import { printedLayout, printLayout } from './print-layout.ts';
import type { PageLayout } from '../print/runtime/contract.ts';

/** The packager's module (epub-gen-memory and what it loads), loaded while Node waits on the layout. */
type Packager = typeof import('./package-epub.ts');

/** What each build begins before the print edition is laid out. Once its documents are loaded and Node waits
 * on their layout (`whenIdle`): the cover image, which needs nothing but the book, its tab on the core the
 * layout leaves (a small book is one document), and the packager's modules (epub-gen-memory). Drawn as soon as
 * Chromium was up, the cover's window, page and screenshot took the browser process and both cores from the print
 * edition's page on its way in. Once the layout is known (`printLayout`), before the print edition is printed,
 * the EPUB itself, packaged while Chromium prints. */
const begun = new WeakMap<TargetContext, { cover: () => Promise<Uint8Array>; packager: () => Promise<Packager>; packaged: Promise<Packaged>; layoutKnown: () => boolean }>();

const packager = (): Promise<Packager> => import('./package-epub.ts');

/** The EPUB's bytes, and the print layout its page list was made from. */
interface Packaged {
  layout: PageLayout;
  epub: Uint8Array;
  documents: number;
  pages: number;
}

/** The EPUB whose page list names the pages of `layout`, the print edition's with its blanks (`printedLayout`). */
async function packaged(context: TargetContext, layout: PageLayout, cover: Promise<Uint8Array>, packaging: Promise<Packager>): Promise<Omit<Packaged, 'layout'>> {
  const { book } = context;
  const plan = planPageBreaks(layout);
  const { packageEpub } = await packaging;
  const documents = contentDocuments(book, plan, coverAlt(book), { version: context.version, date: context.date });
  const epub = await packageEpub({ book, documents, plan, cover: await cover, date: context.date, version: context.version, printFile: `${outputBaseName(book)}.pdf` });
  return { epub, documents: documents.length, pages: plan.pages.length };
}

/** Book model + print layout -> content documents with notes and page breaks -> cover -> EPUB 3. */
export const epubTarget: Target = {
  format: 'epub',
  needs: [],
  // The page list names the print edition's pages: from its layout when this build made it.
  reads: ['pdf'],
  begin(context) {
    const cover = whenIdle(context, () => context.browser().then((session) => renderCover(context.book, session)));
    const packaging = whenIdle(context, packager);
    let known = false;
    const early = context.printLayout.then(async (layout): Promise<Packaged> => {
      known = true;
      return { layout, ...(await packaged(context, printedLayout(context.book, layout), cover(), packaging())) };
    });
    early.catch(() => undefined);
    begun.set(context, { cover, packager: packaging, packaged: early, layoutKnown: () => known });
  },
  async build(context) {
    const { book, progress } = context;
    const started = begun.get(context);
    begun.delete(context);
    const base = outputBaseName(book);
    let made: Omit<Packaged, 'layout'>;
    const printed = context.outputs.pdf?.layout;
    // Packaged while the print edition was printed, from the layout it was printed with (the same object).
    const early = printed && started?.layoutKnown() ? await started.packaged : undefined;
    if (early && early.layout === printed) {
      progress.step('epub: rendering the cover');
      progress.step(`epub: packaging ${early.documents} documents, ${early.pages} page-break markers`);
      made = early;
    } else {
      const session = await context.browser();
      if (!printed) progress.step('epub: paginating the print edition for the page list');
      const layout = await printLayout({ book, session, version: context.version, date: context.date, reuse: printed, jobs: context.print?.jobs, loaded: context.waitingOnLayout });
      progress.step('epub: rendering the cover');
      const cover = started?.cover() ?? renderCover(book, session);
      made = await packaged(context, layout, cover, started?.packager() ?? packager());
      progress.step(`epub: packaging ${made.documents} documents, ${made.pages} page-break markers`);
    }
    const file = path.join(context.writeDir, `${base}.epub`);
    await writeFileAtomic(file, made.epub);
    context.outputs.epub = { file, bytes: made.epub.byteLength, pages: made.pages };
    return { file, detail: `${made.documents} documents, page list of ${made.pages} pages`, bytes: made.epub.byteLength };
  },
};
