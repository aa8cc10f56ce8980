// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readBibliographies, type Bibliography } from '../scripts/lib/citations/bibliography.ts';
import { CitationPool, type CitationSetup } from '../scripts/lib/citations/citation-pool.ts';
import { loadStyle, renderBibliography, renderCitations, type CitationRequest, type CslStyle } from '../scripts/lib/citations/csl.ts';
import { loadConfig } from '../scripts/lib/config/load-config.ts';
import { projectRoot } from '../scripts/lib/paths.ts';

const MANUSCRIPT = path.join(projectRoot, 'manuscript');

/** Chapters' citations as the Markdown stage hands them over: repeats (ibid., short forms), locators,
 * prefixes and suffixes, a narrative citation, a citation in a written note, an unknown key. */
function chapters(keys: string[]): CitationRequest[][] {
  const [a = '', b = '', c = '', d = ''] = keys;
  const chapter = (shift: number): CitationRequest[] => [
    { noteIndex: 1, narrative: false, items: [{ key: keys[shift % keys.length]!, locator: '12', label: 'page', prefix: 'zie', suffix: '' }] },
    { noteIndex: 2, narrative: false, items: [{ key: keys[shift % keys.length]!, locator: '13', label: 'page', prefix: '', suffix: '' }] },
    { noteIndex: 3, narrative: true, items: [{ key: b, prefix: '', suffix: '' }] },
    { noteIndex: 4, narrative: false, items: [{ key: c, prefix: '', suffix: ', <i>passim</i>' }, { key: d, locator: '3–5', label: 'page', prefix: '', suffix: '' }] },
    { noteIndex: 4, narrative: false, items: [{ key: a, suppressAuthor: true, prefix: '', suffix: '' }] },
    { noteIndex: 5, narrative: false, items: [{ key: 'geen-bron', prefix: '', suffix: '' }] },
    { noteIndex: 6, narrative: false, items: [{ key: b, prefix: '', suffix: '' }] },
  ] as CitationRequest[];
  return [0, 1, 2, 3, 4, 5].map(chapter);
}

describe('the citation pool', () => {
  let setup: CitationSetup;
  let style: CslStyle;
  let bibliography: Bibliography;
  let pool: CitationPool;

  before(async () => {
    const { config } = await loadConfig(MANUSCRIPT);
    assert.ok(config.citations);
    setup = { config: config.citations, manuscriptDir: MANUSCRIPT, language: config.language };
    style = loadStyle(config.citations, MANUSCRIPT, config.language);
    const file = path.join(MANUSCRIPT, String(config.citations.bibliography));
    bibliography = await readBibliographies([{ absolute: file, display: file }], []);
    pool = new CitationPool(2, { spawnAt: 1 });
    pool.start(setup);
    pool.sources([...bibliography.entries].map(([id, entry]) => [id, entry.item]));
  });
  after(() => pool.close());

  test('renders each chapter and the list of sources as the main thread does', async () => {
    const keys = [...bibliography.entries.keys()];
    assert.ok(keys.length >= 4, 'the book has sources to cite');
    const requests = chapters(keys);
    const [threads, list] = await Promise.all([Promise.all(requests.map((chapter) => pool.renderCitations(chapter))), pool.renderBibliography(keys)]);
    assert.equal(pool.threads, 2, 'the chapters waiting started a second thread');
    const inLine = requests.map((chapter) => renderCitations(chapter, bibliography, style));
    assert.deepEqual(threads, inLine);
    assert.equal(list, renderBibliography(keys, bibliography, style));
    // Ibid., a short form and an unknown key are among them: the chapters' states were each their own.
    assert.match(inLine[1]!.map((c) => c.html).join('\n'), /Ibid/i);
    assert.match(inLine[0]![5]!.html, /citation-unknown/);
  });

  test('a failing job is reported with the worker\'s error, and the pool goes on', async () => {
    const broken = [{ noteIndex: 1, narrative: false, items: null }] as unknown as CitationRequest[];
    await assert.rejects(pool.renderCitations(broken), /citation worker: .*null/);
    const [first] = chapters([...bibliography.entries.keys()]);
    assert.deepEqual(await pool.renderCitations(first!), renderCitations(first!, bibliography, style));
  });

  test('a worker that cannot start or stops refuses its jobs instead of leaving them waiting', async () => {
    const missing = new CitationPool(1, { workerUrl: new URL('./no-such-worker.js', import.meta.url) });
    missing.start(setup);
    await assert.rejects(missing.renderCitations([]), /no-such-worker|Cannot find/);
    assert.equal(missing.usable, false);
    await assert.rejects(missing.renderBibliography([]));
    await missing.close();

    const stopping = new CitationPool(2, { workerUrl: new URL(`data:text/javascript,${encodeURIComponent('process.exit(3)')}`), spawnAt: 1 });
    stopping.start(setup);
    const jobs = [stopping.renderCitations([]), stopping.renderCitations([]), stopping.renderCitations([])];
    for (const job of jobs) await assert.rejects(job, /stopped \(exit code 3\)/);
    await stopping.close();
  });

  test('a second thread starts only for citations enough to pay for it', async () => {
    const own = new CitationPool(2);
    try {
      own.start(setup);
      own.sources([...bibliography.entries].map(([id, entry]) => [id, entry.item]));
      const few = chapters([...bibliography.entries.keys()]).slice(0, 2);
      await Promise.all(few.map((chapter) => own.renderCitations(chapter)));
      assert.equal(own.threads, 1);
      const many = chapters([...bibliography.entries.keys()]).flatMap(() => chapters([...bibliography.entries.keys()]));
      await Promise.all(many.map((chapter) => own.renderCitations(chapter)));
      assert.equal(own.threads, 2);
    } finally {
      await own.close();
    }
  });

  test('a source read after the style is started is found, and other sources replace it', async () => {
    const own = new CitationPool(1);
    try {
      own.start(setup);
      const [id, entry] = [...bibliography.entries][0]!;
      const renamed = { ...entry.item, id: 'hernoemd', title: 'Een andere titel' };
      own.sources([['hernoemd', renamed]]);
      const request: CitationRequest[] = [{ noteIndex: 1, narrative: false, items: [{ key: 'hernoemd' } as CitationRequest['items'][number]] }];
      const [first] = await own.renderCitations(request);
      assert.match(first!.html, /Een andere titel/);
      own.sources([[id, entry.item]]);
      const [again] = await own.renderCitations(request);
      assert.match(again!.html, /citation-unknown/);
    } finally {
      await own.close();
    }
  });
});
