import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { DPUB_ROLES } from '../scripts/lib/epub/epub-types.ts';
import { commandText, pdfPageTexts } from '../scripts/lib/pdf/poppler.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { bookRelease, sharedBuild } from './shared-build.ts';

/**
 * The kitchen sink's images and tables (chapters 05 and 06), built once in every format by `npm run check`
 * and read back: where each image is on its page and at what resolution, the table header repeated on the
 * page a table continues on, notes called in a table set on their call's page, and the EPUB and web edition
 * through EPUBCheck, Ace and axe.
 */
const MANUSCRIPT = path.join(projectRoot, 'tests', 'manuscripts', 'kitchen-sink');
const MM = 72 / 25.4;

interface Finding {
  file: string;
  line: number;
  rule: string;
  severity: string;
  message: string;
}

interface PlacedImage {
  page: number;
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Every image drawn in the PDF with its box in points from the sheet's top left (poppler's pdftohtml). */
async function placedImages(pdf: string): Promise<PlacedImage[]> {
  const work = await mkdtemp(path.join(tmpdir(), 'media-images-'));
  try {
    const xml = await commandText('pdftohtml', ['-xml', '-stdout', '-q', '-zoom', '1', pdf, path.join(work, 'img')]);
    const placed: PlacedImage[] = [];
    let page = 0;
    for (const [, tag = '', attributes = ''] of xml.matchAll(/<(page|image) ([^>]*)>/g)) {
      const get = (name: string): number => Number(new RegExp(`\\b${name}="([^"]+)"`).exec(attributes)?.[1]);
      if (tag === 'page') page = get('number');
      else placed.push({ page, left: get('left'), top: get('top'), width: get('width'), height: get('height') });
    }
    return placed;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** `pdfimages -list`: pixels and resolution of every image, by page. */
async function imageResolutions(pdf: string): Promise<{ page: number; width: number; height: number; xppi: number; yppi: number }[]> {
  const list = await commandText('pdfimages', ['-list', pdf]);
  return list
    .split('\n')
    .slice(2)
    .filter((line) => line.trim())
    .map((line) => line.trim().split(/\s+/))
    .map((f) => ({ page: Number(f[0]), width: Number(f[3]), height: Number(f[4]), xppi: Number(f[12]), yppi: Number(f[13]) }));
}

const flat = (text: string): string => text.replace(/\u00ad|-\n/g, '').replace(/\s+/g, ' ').trim();

describe('the kitchen sink: images and tables in every format', () => {
  let out: string;
  let findings: Finding[];
  let pdf: string;
  let pages: string[];
  let epub: Record<string, Uint8Array>;
  let web: string;

  before(async () => {
    const build = await sharedBuild(MANUSCRIPT, ['--report', 'json'], 'check');
    out = build.out;
    findings = (JSON.parse(build.run.stdout || '{"diagnostics":[]}') as { diagnostics: Finding[] }).diagnostics;
    assert.ok(findings.length > 0 || build.run.stdout.includes('"diagnostics"'), build.run.stderr);
    pdf = path.join(out, 'kitchen-sink.pdf');
    pages = await pdfPageTexts(pdf);
    epub = unzipSync(await readFile(path.join(out, 'kitchen-sink.epub')));
    web = (await readFile(path.join(out, 'web', 'index.html'), 'utf8')).replace(/\u00ad|&shy;|&#xAD;/g, '');
  });

  test('the images and tables chapters have no errors, and the EPUB and web edition pass EPUBCheck, Ace and axe', () => {
    const mine = findings.filter((f) => f.severity === 'error' && /0[56]-\w+\.md$/.test(f.file));
    assert.deepEqual(mine, []);
    const outputs = findings.filter((f) => /^(epub|web)\//.test(f.rule));
    assert.deepEqual(outputs, []);
    assert.deepEqual(findings.filter((f) => f.rule.startsWith('images/')), []);
  });

  test('every image is inside the text block of its page', async () => {
    // pdftohtml also renders a page's vector drawing (the code chapter's continuation marks) as one
    // sheet-sized background image; only pages that hold raster images (pdfimages) are about images.
    const rasterPages = new Set((await imageResolutions(pdf)).map((image) => image.page));
    const placed = (await placedImages(pdf)).filter((image) => rasterPages.has(image.page));
    // Four raster images, on the pages of chapter 05; the SVG is drawn as vectors.
    assert.equal(placed.length, 5, JSON.stringify(placed));
    // 135 × 210 mm, 3 mm bleed; margins 17 top, 22 bottom, 18 inner, 15 outer.
    for (const image of placed) {
      const recto = image.page % 2 === 1;
      const left = (3 + (recto ? 18 : 15)) * MM;
      const block = { left, right: left + 102 * MM, top: 20 * MM, bottom: (20 + 171) * MM };
      const where = `p. ${image.page}: ${JSON.stringify(image)}`;
      assert.ok(image.left >= block.left - 1 && image.left + image.width <= block.right + 1, `outside the measure, ${where}`);
      assert.ok(image.top >= block.top - 1 && image.top + image.height <= block.bottom + 1, `outside the page's height, ${where}`);
    }
  });

  test('no image is set larger than its pixels allow at 300 ppi unless asked; the 1,800-pixel photograph fills the measure', async () => {
    const images = await imageResolutions(pdf);
    assert.equal(images.length, 5);
    for (const image of images) assert.ok(image.xppi >= 299 && image.yppi >= 299, JSON.stringify(image));
    const photo = images.find((i) => i.width === 1800);
    const placed = (await placedImages(pdf)).find((p) => p.page === photo?.page && p.width > 250);
    assert.ok(photo && placed);
    assert.ok(Math.abs(placed.width - 102 * MM) < 1, `the photograph is ${placed.width} pt wide`);
    // Half the measure, as asked: {width=50%}.
    const half = (await placedImages(pdf)).find((p) => Math.abs(p.width - 51 * MM) < 1);
    assert.ok(half, 'no image at half the measure');
  });

  test('an image-only paragraph is a figure with its alt text as caption; the plate has a page of its own', () => {
    const photoPage = pages.findIndex((p) => flat(p).includes('The harbour at dusk, seen from the north pier'));
    assert.ok(photoPage >= 0);
    const platePage = pages.findIndex((p) => flat(p).includes('A plate: a mountain under a pale sky'));
    assert.ok(platePage > photoPage);
    const body = pages[platePage]?.split('\n').map((l) => l.trim()).filter((l) => l && !/^\d+$/.test(l)).slice(1);
    assert.deepEqual(body, ['A plate: a mountain under a pale sky']);
  });

  test('a table that breaks across pages repeats its header row at the head of the next page', () => {
    const first = pages.findIndex((p) => flat(p).includes('Events in the life of a harbour town'));
    assert.ok(first >= 0);
    const next = pages[first + 1] ?? '';
    const lines = next.split('\n').map((l) => flat(l)).filter(Boolean);
    // The running head, then the header row again (a cell a line), then the rows that did not fit.
    assert.deepEqual(lines.slice(1, 4), ['Year', 'Event', 'Place'], next.slice(0, 300));
    assert.match(lines[4] ?? '', /^1\d{3}$/);
    assert.ok(!(pages[first] ?? '').split('\n').includes(lines[4] ?? ''), `the row of ${lines[4]} is on both pages`);
  });

  test('a note called in a table cell is set at the foot of the call\'s page', () => {
    const page = pages.find((p) => flat(p).includes('Rotterdam Netherlands'));
    assert.ok(page, 'no page with the Rotterdam row');
    assert.ok(flat(page).includes('A note called from a cell of a table is set at the foot of the page'));
    assert.deepEqual(findings.filter((f) => f.rule === 'notes/wrong-page'), []);
  });

  test('a table too wide for the measure is set smaller, a wider one turned; neither overflows', () => {
    assert.deepEqual(findings.filter((f) => f.rule === 'layout/overflow' && /06-tables\.md$/.test(f.file)), []);
    const turned = pages.findIndex((p) => flat(p).includes('A table of twelve columns, turned on a page of its own'));
    assert.ok(turned >= 0);
    // On a page of its own: the paragraph after it begins the next page. Set upright and condensed, it would
    // fit only with its heads broken at every syllable, and the paragraph would follow it on its page.
    assert.ok(!flat(pages[turned] ?? '').includes('The chapter ends with a paragraph after the tables'), pages[turned]);
    assert.ok(flat(pages[turned + 1] ?? '').includes('The chapter ends with a paragraph after the tables'), pages[turned + 1]);
  });

  test('EPUB: figures with captions, tables with caption and header scope, every epub:type with its role, ids unique', () => {
    const documents = Object.entries(epub).filter(([name]) => name.endsWith('.xhtml')).map(([name, data]) => [name, strFromU8(data)] as const);
    const all = documents.map(([, text]) => text.replaceAll('&#xAD;', '')).join('\n');
    assert.match(all, /<figure class="figure"[^>]*><img src="images\/img-[0-9a-f]+\.jpe?g" alt="The harbour at dusk, seen from the north pier"/);
    assert.match(all, /<figcaption aria-hidden="true">The harbour at dusk, seen from the <em>north<\/em> pier<\/figcaption>/);
    assert.match(all, /<caption>Four ports of Europe, with a note inside the table<\/caption>/);
    assert.match(all, /<th [^>]*scope="col"[^>]*>Port<\/th>/);
    for (const [name, text] of documents) {
      for (const [tag = '', type = ''] of text.matchAll(/<[^>]*\bepub:type="([^"]+)"[^>]*>/g)) {
        const role = DPUB_ROLES[type];
        // The landmarks list names types in links; those are not the things themselves.
        if (role && !tag.startsWith('<a ')) assert.match(tag, new RegExp(`role="${role}"`), `${name}: ${tag}`);
      }
      const ids = [...text.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], `${name} has duplicate ids`);
    }
    // In reading order: the title page, then the chapters.
    const reading = documents
      .filter(([name]) => /\/(titelpagina|ch\d+)\.xhtml$/.test(name))
      .sort(([a], [b]) => (a.includes('titelpagina') ? -1 : b.includes('titelpagina') ? 1 : Number(/ch(\d+)/.exec(a)?.[1]) - Number(/ch(\d+)/.exec(b)?.[1])));
    const pageIds = reading.flatMap(([, text]) => [...text.matchAll(/id="pagina-(\d+)"/g)].map((m) => Number(m[1])));
    assert.deepEqual(pageIds, Array.from({ length: pageIds.length }, (_, i) => i + 1));
  });

  test('web: the images copied from the manuscript, figures and accessible tables', async () => {
    const copied = (await readdir(path.join(out, 'web', 'images', 'images'))).sort();
    assert.deepEqual(copied, ['diagram.svg', 'half-width.png', 'harbour.jpg', 'mark.png', 'note-diagram.png', 'plate.png']);
    assert.match(web, /<img src="images\/images\/harbour\.jpg" alt="The harbour at dusk, seen from the north pier" width="1800" height="1200">/);
    assert.match(web, /<img src="images\/images\/half-width\.png" alt="A frame drawn at half the measure" width="800" height="500" style="width: 50%">/);
    // Each table in a box that scrolls sideways rather than squeeze its columns, focusable, named by the caption.
    assert.match(web, /<div class="table-scroll" role="group" tabindex="0" aria-labelledby="([^"]+)"><table[^>]*>\s*<caption id="\1">Events in the life of a harbour town, year by year<\/caption>/);
    assert.equal([...web.matchAll(/<div class="table-scroll"/g)].length, [...web.matchAll(/<table\b/g)].length);
    assert.match(web, /<th [^>]*scope="col"[^>]*>Year<\/th>/);
  });
});

describe('the book itself through Ace by DAISY', () => {
  test('its EPUB has no Ace findings (the colophon carries doc-colophon)', async () => {
    // The book's shared release ran Ace on its EPUB with the other checks.
    const release = await bookRelease();
    assert.equal(release.run.code, 0, release.run.stderr + release.run.stdout);
    const epubFile = (await readdir(release.out)).find((name) => name.endsWith('.epub'));
    assert.ok(epubFile);
    assert.deepEqual((await release.report()).diagnostics.filter((d) => d.rule === 'epub/ace' || d.rule === 'epub/ace-failed'), []);
  });
});
