// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { $ } from 'zx';
import { renderChapter } from '../scripts/lib/book.ts';
import { bookConfigSchema } from '../scripts/lib/config/schema.ts';
import type { Diagnostic } from '../scripts/lib/diagnostics.ts';
import { figureLabelHtml, placeImages, resolveImages } from '../scripts/lib/images.ts';
import { parseImageAttributes, parseImageSize } from '../scripts/lib/markdown/images.ts';
import { figureReserve, printedWidth, textBlock } from '../scripts/lib/print/image-layout.ts';
import { makeManuscript, removeDir } from './helpers.ts';

const config = bookConfigSchema.parse({ title: 'T', author: 'A', language: 'en', chapters: ['a.md'], print: { hyphenation: { enabled: false } } });

function render(source: string) {
  const diagnostics: Diagnostic[] = [];
  const chapter = renderChapter({ index: 0, file: 'a.md', source, config, diagnostics });
  return { chapter, diagnostics };
}

describe('images in Markdown', () => {
  test('each image is recorded with its place in the file and left as a placeholder', () => {
    const { chapter } = render('# T\n\nText with ![a *small* mark](img/mark.png) inside,\nand  ![second](b%20c.png "B") too.\n');
    assert.deepEqual(
      chapter.imageReferences.map((r) => [r.src, r.alt, r.title, r.line, r.column, r.figure]),
      [
        ['img/mark.png', 'a small mark', undefined, 3, 11, false],
        ['b c.png', 'second', 'B', 4, 6, false],
      ],
    );
    assert.match(chapter.html, /Text with <img data-image="0"> inside/);
  });

  test('a paragraph holding only an image is a figure; the alt text is its caption, else the title', () => {
    const { chapter } = render('![A *harbour*](h.jpg)\n\n![](d.svg "A drawing")\n\n* ![in a tight list](l.png)\n');
    assert.deepEqual(chapter.imageReferences.map((r) => r.figure), [true, true, false]);
    assert.match(chapter.html, /<figure class="figure" data-line="1"><img data-image="0"><figcaption aria-hidden="true">A <em>harbour<\/em><\/figcaption><\/figure>/);
    assert.match(chapter.html, /<figure class="figure" data-line="3"><img data-image="1"><figcaption>A drawing<\/figcaption><\/figure>/);
    assert.equal(chapter.imageReferences[1]?.alt, 'A drawing');
  });

  test('sizes and the plate class are read from the braces after the image, as Pandoc writes them', () => {
    const { chapter, diagnostics } = render('![Half](h.png){width=50%}\n\n![Plate](p.png){.plate}\n\nA line ![x](x.png){height=2cm .wide} here.\n\n![Bad](b.png){width=huge}\n');
    const [half, plate, inline, bad] = chapter.imageReferences;
    assert.deepEqual(half?.width, { value: 50, unit: '%' });
    assert.equal(plate?.plate, true);
    assert.match(chapter.html, /<figure class="figure plate" data-line="3">/);
    assert.deepEqual(inline?.height, { value: 2, unit: 'cm' });
    assert.deepEqual(inline?.classes, ['wide']);
    assert.match(chapter.html, /<img data-image="2"> here\./);
    assert.equal(bad?.width, undefined);
    assert.deepEqual(diagnostics.map((d) => [d.rule, d.line, d.column]), [['images/bad-size', 7, 1]]);
  });

  test('an image in a note is found at its line, and no figure is made of it', () => {
    const { chapter } = render('Text.[^1]\n\n[^1]: See ![the map](map.png){width=30%}\n');
    assert.deepEqual(chapter.imageReferences.map((r) => [r.src, r.line, r.column, r.figure, r.width?.value]), [['map.png', 3, 11, false, 30]]);
    assert.match(chapter.notes[0]?.html ?? '', /See <img data-image="0">/);
  });

  test('attribute blocks', () => {
    assert.deepEqual(parseImageAttributes('{width=50% .plate #map}, then'), { attributes: { classes: ['plate'], id: 'map', values: { width: '50%' } }, length: 23 });
    assert.equal(parseImageAttributes('{see below}'), undefined);
    assert.deepEqual(parseImageSize('300'), { value: 300, unit: 'px' });
    assert.equal(parseImageSize('0%'), undefined);
  });
});

describe('the printed size of an image', () => {
  const block = textBlock(config.print);
  const image = (width: number, height: number, extra = {}) => ({ pixels: { width, height }, format: 'png', plate: false, ...extra });

  test('the text block of the default page: 102 mm by 171 mm', () => {
    assert.equal(Math.round((block.width / 72) * 25.4), 102);
    assert.equal(Math.round((block.height / 72) * 25.4), 171);
  });

  test('at most what its pixels allow at 300 ppi, never wider than the measure nor taller than the page', () => {
    assert.equal(printedWidth(image(300, 200), block), 72);
    assert.equal(printedWidth(image(1800, 1200), block), block.width);
    const tall = printedWidth(image(1000, 4000), block);
    assert.ok(Math.abs(tall * 4 - block.height) < 0.01, `${tall * 4} against ${block.height}`);
    // A figure keeps room for its caption: four lines of 10.5 pt at 1.38.
    const figure = printedWidth(image(1000, 4000), block, figureReserve(config.print));
    assert.ok(Math.abs(figure * 4 - (block.height - 4 * 10.5 * 1.38)) < 0.01, `${figure * 4}`);
  });

  test('the size the author asks for, inside the text block; a plate fills it', () => {
    assert.equal(printedWidth(image(300, 200, { width: { value: 50, unit: '%' } }), block), block.width / 2);
    assert.equal(printedWidth(image(300, 200, { width: { value: 1, unit: 'in' } }), block), 72);
    assert.equal(printedWidth(image(300, 200, { width: { value: 20, unit: 'in' } }), block), block.width);
    assert.equal(printedWidth(image(1500, 2400, { plate: true }), block), Math.min(block.width, (block.height * 1500) / 2400));
    assert.equal(printedWidth({ pixels: { width: 240, height: 120 }, format: 'svg', plate: false }, block), 180);
  });
});

describe('resolving images', () => {
  let dir: string;
  let manuscript: string;
  before(async () => {
    dir = await makeManuscript({ 'outside.png': '' });
    manuscript = path.join(dir, 'book');
    await mkdir(path.join(manuscript, 'images'), { recursive: true });
    await $({ quiet: true })`convert -size 30x20 xc:gray50 ${path.join(manuscript, 'images', 'good.png')}`;
    await $({ quiet: true })`convert -size 30x20 xc:gray50 ${path.join(dir, 'outside.png')}`;
    await $({ quiet: true })`convert -size 300x200 gradient: ${path.join(dir, 'full.jpg')}`;
    const full = await import('node:fs/promises').then((fs) => fs.readFile(path.join(dir, 'full.jpg')));
    await writeFile(path.join(manuscript, 'images', 'truncated.jpg'), full.subarray(0, Math.floor(full.length / 2)));
    await writeFile(path.join(manuscript, 'images', 'text.png'), 'not an image at all');
    await symlink(path.join(dir, 'outside.png'), path.join(manuscript, 'images', 'link.png'));
    await symlink(path.join(manuscript, 'images', 'good.png'), path.join(manuscript, 'images', 'inner-link.png'));
  });
  after(() => removeDir(dir));

  test('each bad image is one error at its place; good ones get their file and pixels', async () => {
    const source = [
      '![good](images/good.png)', // 1
      '![link inside](images/inner-link.png)', // 2
      '![missing](images/none.png)', // 3
      'A remote ![r](http://example.com/x.png) one.', // 4
      '![climbing](../outside.png)', // 5
      '![link](images/link.png)', // 6
      '![truncated](images/truncated.jpg)', // 7
      '![text](images/text.png)', // 8
      '![rooted](/etc/hostname)', // 9
    ].join('\n\n');
    const { chapter } = render(source);
    const { images, diagnostics } = await resolveImages(chapter.imageReferences, 'a.md', manuscript);
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.column, d.rule, d.severity]),
      [
        [5, 1, 'images/missing', 'error'],
        [7, 10, 'images/remote', 'error'],
        [9, 1, 'images/outside', 'error'],
        [11, 1, 'images/outside', 'error'],
        [13, 1, 'images/unreadable', 'error'],
        [15, 1, 'images/unreadable', 'error'],
        [17, 1, 'images/outside', 'error'],
      ],
    );
    assert.deepEqual(
      images.map((i) => [i.src, i.relative, i.pixels, i.format]),
      [
        ['images/good.png', 'images/good.png', { width: 30, height: 20 }, 'png'],
        ['images/inner-link.png', 'images/good.png', { width: 30, height: 20 }, 'png'],
      ],
    );
  });

  test('targets place images from the model, with a numbered figure label when asked', async () => {
    const { chapter } = render('![A grey field](images/good.png)\n');
    const { images } = await resolveImages(chapter.imageReferences, 'a.md', manuscript);
    const numbered = { ...config, figures: { numbering: true } };
    const html = placeImages(chapter.html, [{ ...(images[0] as (typeof images)[number]), figureNumber: 4 }], (i) => `<img src="${i.relative}">`, (i) => figureLabelHtml(numbered, i));
    assert.match(html, /<img src="images\/good\.png"><figcaption aria-hidden="true"><span class="figure-label">Figure 4\.<\/span> A grey field<\/figcaption>/);
  });
});
