// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, test } from 'node:test';
import type CiteprocModule from 'citeproc';
import type { CiteprocCitation, Engine } from 'citeproc';
import { patchCiteproc, type CiteprocInternals } from '../scripts/lib/citations/citeproc-patches.ts';
import { CSL_DIR } from '../scripts/lib/citations/csl.ts';
import { projectRoot } from '../scripts/lib/paths.ts';

type Csl = typeof CiteprocModule & { getSortKeys(this: Engine, item: unknown, area: string): string[] };
type Source = Record<string, unknown> & { id: string };

/** A copy of citeproc of its own, apart from the one the pipeline loads (and patches). */
function freshCiteproc(): Csl {
  const require = createRequire(import.meta.url);
  const file = require.resolve('citeproc');
  const cached = require.cache[file];
  delete require.cache[file];
  try {
    return require('citeproc') as Csl;
  } finally {
    if (cached) require.cache[file] = cached;
  }
}

const unpatched = freshCiteproc();
const patched = freshCiteproc();
patchCiteproc(patched as unknown as CiteprocInternals);

/** Sources that sort on ties: one author's several works, same years, no author, particles, many authors. */
const VARIED_SOURCES: Source[] = [
  { id: 'v1', type: 'book', author: [{ family: 'Deutscher', given: 'Isaac' }], title: 'Stalin', issued: { 'date-parts': [[1949]] } },
  { id: 'v2', type: 'book', author: [{ family: 'Deutscher', given: 'Isaac' }], title: 'Stalin', edition: '2', issued: { 'date-parts': [[1967]] } },
  { id: 'v3', type: 'book', author: [{ family: 'Deutscher', given: 'Isaac' }], title: 'The Prophet Armed', issued: { 'date-parts': [[1954]] } },
  { id: 'v4', type: 'book', author: [{ family: 'Smith', given: 'John' }], title: 'B book', issued: { 'date-parts': [[2001]] } },
  { id: 'v5', type: 'book', author: [{ family: 'Smith', given: 'John' }], title: 'A book', issued: { 'date-parts': [[2001]] } },
  { id: 'v6', type: 'book', author: [{ family: 'Smith', given: 'Jim' }], translator: [{ family: 'Trans', given: 'T.' }], title: 'C book', issued: { 'date-parts': [[2001]] } },
  {
    id: 'v7', type: 'report', title: 'Many authors', number: '42', publisher: 'Inst.', issued: { 'date-parts': [[2001]] },
    author: ['Smith', 'Brown', 'Green', 'White', 'Black', 'Grey', 'Blue', 'Red'].map((family) => ({ family, given: 'A.' })),
  },
  { id: 'v8', type: 'thesis', author: [{ family: 'Linden', given: 'Marcel', 'non-dropping-particle': 'van der' }], title: 'Westers marxisme', genre: 'proefschrift', publisher: 'UvA', issued: { 'date-parts': [[1989]] } },
  { id: 'v9', type: 'book', editor: [{ family: 'Carr', given: 'E. H.' }], title: 'De bolsjewistische revolutie', issued: { 'date-parts': [[1950]] } },
  { id: 'v10', type: 'book', title: 'Anoniem werk', issued: { literal: 'z.d.' } },
  { id: 'v11', type: 'article-journal', author: [{ family: 'Ng', given: 'A.' }], title: 'Ordering', 'container-title': 'J. Sort', volume: '2', page: '5', issued: { 'date-parts': [[2001, 5]] } },
  { id: 'v12', type: 'article-journal', author: [{ family: 'Ng', given: 'A.' }], title: 'Ordering again', 'container-title': 'J. Sort', volume: '3', page: '7', issued: { 'date-parts': [[2001, 2]] } },
  { id: 'v13', type: 'webpage', title: 'Lenin Internet Archive', URL: 'https://www.marxists.org/', accessed: { 'date-parts': [[2020, 5, 1]] } },
  { id: 'v14', type: 'manuscript', author: [{ family: 'Kroepskaja', given: 'N.' }], title: 'Brief', archive: 'RGASPI', archive_location: 'f. 2, op. 1', issued: { 'date-parts': [[1923, 3, 5]] } },
  { id: 'v15', type: 'legal_case', title: 'Roe v. Wade', 'container-title': 'U.S.', volume: '410', page: '113', authority: 'Supreme Court', issued: { 'date-parts': [[1973]] } },
];

/**
 * An author-date style whose sort keys call nested macros (one of them twice, one with a date), with
 * year suffixes and sorted citations: the parts of citeproc the sort-key patch touches, small enough to read.
 */
const AUTHOR_DATE_STYLE = `<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0" default-locale="en-US">
  <info><title>Test author-date</title><id>test-author-date</id><updated>2026-11-28T00:00:00+00:00</updated></info>
  <macro name="names-of"><names variable="author"><name name-as-sort-order="all" initialize-with=". "/><substitute><names variable="editor"/><text macro="title"/></substitute></names></macro>
  <macro name="contributors"><group delimiter=", "><text macro="names-of"/><names variable="translator" prefix="trans. "/></group></macro>
  <macro name="year"><choose><if variable="issued"><date variable="issued"><date-part name="year"/></date></if><else><text term="no date" form="short"/></else></choose></macro>
  <macro name="title"><choose><if type="book thesis report" match="any"><text variable="title" font-style="italic"/></if><else><text variable="title" quotes="true"/></else></choose></macro>
  <citation disambiguate-add-year-suffix="true" et-al-min="3" et-al-use-first="1">
    <sort><key macro="contributors"/><key macro="year"/><key variable="issued"/></sort>
    <layout prefix="(" suffix=")" delimiter="; "><group delimiter=", "><text macro="contributors"/><text macro="year"/><text variable="locator"/></group></layout>
  </citation>
  <bibliography>
    <sort><key macro="contributors" names-min="3" names-use-first="1"/><key macro="year"/><key macro="title"/><key variable="issued" sort="descending"/></sort>
    <layout suffix="."><group delimiter=". "><text macro="contributors"/><text macro="year"/><text macro="title"/><text variable="container-title"/></group></layout>
  </bibliography>
</style>`;

function engine(csl: Csl, styleXml: string, locale: string, sources: Source[]): Engine {
  const locales = (lang: string): string => {
    const file = path.join(CSL_DIR, 'locales', `locales-${lang}.xml`);
    return readFileSync(file, 'utf8');
  };
  const made = new csl.Engine(
    { retrieveLocale: (lang) => (lang === 'nl-NL' ? locales('nl-NL') : locales('en-US')), retrieveItem: (id) => sources.find((s) => s.id === id) },
    styleXml,
    locale,
    true,
  );
  made.setOutputFormat('html');
  return made;
}

/** Everything a style makes of the sources: both areas' sort keys, the bibliography, a run of citations. */
function output(csl: Csl, styleXml: string, locale: string, sources: Source[]): unknown {
  const made = engine(csl, styleXml, locale, sources);
  const ids = sources.map((s) => s.id);
  made.updateItems(ids);
  const keys = ids.map((id) => {
    const item = (made as unknown as { retrieveItem(id: string): unknown }).retrieveItem(id);
    return [csl.getSortKeys.call(made, item, 'bibliography_sort'), csl.getSortKeys.call(made, item, 'citation_sort')];
  });
  const bibliography = made.makeBibliography();
  // Full notes, an ibid. with and without a locator, a short form after another source, a cluster of several.
  const clusters: CiteprocCitation[] = [
    ...ids.map((id, i) => ({ citationID: `a${i}`, citationItems: [{ id, locator: String(i + 3), label: 'page' }], properties: { noteIndex: i + 1 } })),
    { citationID: 'b1', citationItems: [{ id: ids.at(-1) ?? '' }], properties: { noteIndex: ids.length + 1 } },
    { citationID: 'b2', citationItems: [{ id: ids.at(-1) ?? '', locator: '9' }], properties: { noteIndex: ids.length + 2 } },
    { citationID: 'b3', citationItems: [{ id: ids[0] ?? '' }], properties: { noteIndex: ids.length + 3 } },
    { citationID: 'b4', citationItems: ids.slice(0, 6).map((id) => ({ id })), properties: { noteIndex: ids.length + 4 } },
  ];
  const notes = made.rebuildProcessorState(clusters, 'html');
  return { keys, bibliography, notes };
}

function bibliographySortTokens(made: Engine): number {
  return (made as unknown as { bibliography_sort: { tokens: unknown[] } }).bibliography_sort.tokens.length;
}

describe('citeproc patches', () => {
  const chicago = readFileSync(path.join(CSL_DIR, 'styles', 'chicago-notes-bibliography-subsequent-ibid.csl'), 'utf8');
  const bookSources = JSON.parse(readFileSync(path.join(projectRoot, 'manuscript', 'bronnen.json'), 'utf8')) as Source[];
  const sources = [...bookSources, ...VARIED_SOURCES];

  test('the book\'s Chicago style sorts and renders the same with them as without (Dutch and English)', () => {
    for (const locale of ['nl-NL', 'en-US']) {
      const expected = output(unpatched, chicago, locale, sources);
      assert.deepEqual(output(patched, chicago, locale, sources), expected, locale);
    }
  });

  test('an author-date style with nested sort macros, year suffixes and sorted citations: the same', () => {
    const expected = output(unpatched, AUTHOR_DATE_STYLE, 'en-US', sources) as { bibliography: [unknown, string[]] };
    // The ties must really be there to sort: the two 2001 books by J. Smith get year suffixes.
    assert.match(expected.bibliography[1].join(''), /2001a[\s\S]*2001b/);
    assert.deepEqual(output(patched, AUTHOR_DATE_STYLE, 'en-US', sources), expected);
  });

  test('with them, a sort key calls its macros instead of holding copies of them', () => {
    const before = bibliographySortTokens(engine(unpatched, chicago, 'nl-NL', sources));
    const after = bibliographySortTokens(engine(patched, chicago, 'nl-NL', sources));
    assert.ok(after * 20 < before, `bibliography sort tokens: ${after} with the patches, ${before} without`);
  });
});
