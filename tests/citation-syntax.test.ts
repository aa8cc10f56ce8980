// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { findCitations, locatorTerms, maskCode, parseCitation, type CitationItem } from '../scripts/lib/citations/syntax.ts';
import { readFileSync } from 'node:fs';
import { CSL_DIR } from '../scripts/lib/citations/csl.ts';

const locale = (lang: string): string => readFileSync(path.join(CSL_DIR, 'locales', `locales-${lang}.xml`), 'utf8');
const ENGLISH = locatorTerms(locale('en-US'), locale('en-US'), 'en-US');
const DUTCH = locatorTerms(locale('nl-NL'), locale('en-US'), 'nl-NL');

/** One paragraph per form of the syntax that Pandoc's manual describes. */
const CASES = [
  'Plain [@doe99] cite.',
  'Prefix, locator, suffix [see @doe99, pp. 33-35, and elsewhere].',
  'Two [@doe99; @smith04, chap. 1].',
  'No comma [@doe99 p. 34-35] and [@doe99 chap. 3].',
  'Narrative @doe99 says.',
  'Narrative with locator @doe99 [p. 30] says.',
  'Narrative with more @doe99 [-@smith04 p. 30; see also @roe10].',
  'Suppressed [-@doe99].',
  'Markdown [*see* @doe99 p. **32**].',
  'Unicode key [@пункт3, p. 7].',
  'Braced key [@{ibm:2020}, p. 5].',
  'Internal punctuation [@doe:1999.a, l. 7] and @doe99.',
  'Braced locator [@doe99, {II, A.3}] and [@doe99, {pp. iv, vi-xi}].',
  'Roman [@doe99, p. xii] and bare roman [@doe99, xii].',
  'Volume and page [@doe99, vol. 2, p. 3].',
  'Bare number [@doe99, 33] and list [@doe99, 33, 35].',
  'Line, section, paragraph [@doe99, l. 10]; [@doe99, sec. 2]; [@doe99, para. 4].',
  'Mail anna@example.org is no citation, nor [text].',
  'Suffix only [@doe99, with a remark].',
];

const LOCATORS = ['page', 'chapter', 'volume', 'line', 'section', 'paragraph', 'book', 'part', 'note', 'column', 'figure', 'issue', 'verse', 'folio', 'opus'];

/** A CSL style that prints, for every cite, its locator's type and value: what Pandoc's locator parser found. */
const LOCATOR_STYLE = `<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Locators</title><id>locators</id><updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation><layout prefix="(" suffix=")" delimiter="; "><text variable="title"/><group><choose>
    ${LOCATORS.map((name, i) => `<${i ? 'else-if' : 'if'} locator="${name}"><text value="=${name}:"/></${i ? 'else-if' : 'if'}>`).join('\n    ')}
  </choose><text variable="locator"/></group></layout></citation>
</style>`;

const REFS = ['doe99', 'smith04', 'roe10', 'пункт3', 'ibm:2020', 'doe:1999.a'].map((id) => ({ id, type: 'book', title: id }));

/** Ours, in the same form: `(key=label:locator suffix; ...)`, prefixes first. */
function ours(item: CitationItem): string {
  const prefix = item.prefix ? `${item.prefix.replace(/[*_]/g, '')} ` : '';
  const locator = item.locator ? `=${item.label}:${item.locator}` : '';
  const suffix = item.suffix ? (/^[,.;:]/.test(item.suffix) ? item.suffix : ` ${item.suffix}`).replace(/[*_]/g, '') : '';
  return `${prefix}${item.key}${locator}${suffix}`;
}

describe('citation syntax against Pandoc', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'citations-syntax-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the same citations, keys, locators and suffixes as Pandoc reads, paragraph by paragraph', () => {
    writeFileSync(path.join(dir, 'style.csl'), LOCATOR_STYLE);
    writeFileSync(path.join(dir, 'refs.json'), JSON.stringify(REFS));
    const output = execFileSync('pandoc', ['--citeproc', '--bibliography', path.join(dir, 'refs.json'), '--csl', path.join(dir, 'style.csl'), '-M', 'lang=en-US', '-t', 'plain', '--wrap=none'], {
      input: CASES.join('\n\n'),
      encoding: 'utf8',
    });
    // The style makes a page range's hyphen an en dash (ours is left to it, as here).
    const theirs = output.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ').replace(/–/g, '-').trim()).filter(Boolean);
    const mine = CASES.map((paragraph) => {
      let text = '';
      let last = 0;
      for (const { offset, cluster } of findCitations(paragraph, ENGLISH)) {
        const before = paragraph.slice(last, offset);
        // The style prints no names, so a narrative cite is its cluster alone.
        text += `${before}(${cluster.items.map(ours).join('; ')})`;
        last = offset + cluster.length;
      }
      return (text + paragraph.slice(last)).replace(/\s+/g, ' ').replace(/\*\*?([^*]+)\*\*?/g, '$1').trim();
    });
    assert.deepEqual(mine, theirs);
  });
});

describe('citation syntax', () => {
  test('narrative citations: alone, with a locator, with more sources', () => {
    const one = parseCitation('@doe99 says', 0, ENGLISH)!;
    assert.deepEqual([one.narrative, one.length, one.items.length], [true, 6, 1]);
    const located = parseCitation('@doe99 [p. 30] says', 0, ENGLISH)!;
    assert.deepEqual([located.length, located.items[0]!.locator, located.items[0]!.label], [14, '30', 'page']);
    const more = parseCitation('@doe99 [-@smith04 p. 30; see also @roe10].', 0, ENGLISH)!;
    assert.deepEqual(more.items.map((i) => [i.key, i.suppressAuthor, i.prefix, i.locator ?? null]), [
      ['doe99', false, '', null],
      ['smith04', true, '', '30'],
      ['roe10', false, 'see also', null],
    ]);
    assert.equal(parseCitation('-@doe99 says', 0, ENGLISH)!.narrative, false);
  });

  test('keys as Pandoc defines them: letters of any script, internal punctuation, braces; no trailing punctuation', () => {
    const key = (text: string): string | undefined => parseCitation(text, 0, ENGLISH)?.items[0]?.key;
    assert.equal(key('@пункт3.'), 'пункт3');
    assert.equal(key('@doe:1999.a,'), 'doe:1999.a');
    assert.equal(key('@{a key}'), undefined);
    assert.equal(key('@{key:with/odd.chars}'), 'key:with/odd.chars');
    assert.equal(key('@_under_score'), '_under_score');
    assert.equal(key('@http://x.org/a'), 'http://x.org/a');
    assert.equal(parseCitation('anna@example.org', 4, ENGLISH), undefined);
  });

  test('locator terms of the book\'s locale and English, and the abbreviations Dutch editors write', () => {
    const locator = (text: string): [string | undefined, string | undefined] => {
      const item = parseCitation(text, 0, DUTCH)!.items[0]!;
      return [item.label, item.locator];
    };
    assert.deepEqual(locator('[@a, blz. 12]'), ['page', '12']);
    assert.deepEqual(locator('[@a hfdst. 3]'), ['chapter', '3']);
    assert.deepEqual(locator('[@a, hfst. 3]'), ['chapter', '3']);
    assert.deepEqual(locator('[@a, dl. 2]'), ['volume', '2']);
    assert.deepEqual(locator('[@a, chap. 2]'), ['chapter', '2']);
    assert.deepEqual(locator('[@a, pagina 9]'), ['page', '9']);
    assert.deepEqual(locator('[@a, p. xiv]'), ['page', 'xiv']);
  });

  test('what the style cannot repair, and an unknown label, are problems; a hyphen in a page range is not', () => {
    const problem = (text: string): string | undefined => parseCitation(text, 0, ENGLISH)!.items[0]!.locatorProblem;
    assert.equal(problem('[@a, pp. 12-14]'), undefined);
    assert.equal(problem('[@a, p. 3–5]'), undefined);
    assert.match(problem('[@a, pp. 12—14]') ?? '', /cannot turn/);
    assert.match(problem('[@a, {(xv)-(xvii)}]') ?? '', /not a range of numbers/);
    assert.match(problem('[@a, bladz. 4]') ?? '', /"bladz\." is not a locator term/);
  });

  test('code is blanked before reading: spans of any backtick count, fenced and indented blocks', () => {
    const source = 'a `[@x]` b ``[@y] ` z`` c\n\n    [@z]\n\n```\n@w\n```\n\n~~~~\n[@v]\n~~~~\n\n[@u] and @t.';
    assert.equal(maskCode(source).length, source.length);
    assert.deepEqual(findCitations(source, ENGLISH).map((f) => f.cluster.items[0]!.key), ['u', 't']);
  });
});
