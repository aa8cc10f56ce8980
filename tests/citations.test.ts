import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseCluster } from '../scripts/lib/citations/syntax.ts';
import { pdfPageTexts } from '../scripts/lib/pdf/poppler.ts';
import { BIBLIOGRAPHY, BIBLIOGRAPHY_UNCONFIRMED, CLEAN_CHAPTER, citedBook, diagnose, places } from './citation-fixtures.ts';
import { minimalConfig } from './fixtures.ts';
import { listFiles, makeManuscript, removeDir, runScript, type RunResult } from './helpers.ts';

describe('citation syntax', () => {
  test('reads keys, locators, prefixes, suffixes and suppressed authors', () => {
    const cluster = parseCluster('[zie @marx-1867, pp. 12–14, noot; -@lenin-1917]', 0);
    assert.ok(cluster);
    assert.equal(cluster.length, 47);
    const [a, b] = cluster.items;
    assert.deepEqual(
      [a?.key, a?.prefix, a?.locator, a?.label, a?.suffix, a?.keyOffset, a?.suppressAuthor],
      ['marx-1867', 'zie', '12–14', 'page', ', noot', 5, false],
    );
    assert.deepEqual([b?.key, b?.suppressAuthor, b?.locator], ['lenin-1917', true, undefined]);
  });

  test('links, footnote references and e-mail addresses are not citations', () => {
    assert.equal(parseCluster('[tekst](http://x)', 0), undefined);
    assert.equal(parseCluster('[^noot]', 0), undefined);
    assert.equal(parseCluster('[mail anna@example.org]', 0), undefined);
  });
});

describe('citation and quotation rules', () => {
  test('a clean manuscript yields no findings', async () => {
    assert.deepEqual(places(await diagnose(citedBook(CLEAN_CHAPTER))), []);
  });

  test('unknown citation key: error at the @', async () => {
    const d = await diagnose(citedBook(`${CLEAN_CHAPTER}\nEen zin.[@nergens]\n`));
    assert.deepEqual(places(d), [['01-hoofdstuk.md', 7, 10, 'error', 'citations/unknown-key']]);
    assert.match(d[0]!.message, /unknown citation key @nergens/);
  });

  test('bibliography entry never cited: warning at its id in the bibliography', async () => {
    const d = await diagnose(citedBook(CLEAN_CHAPTER.replace('; @krant, p. 1', '')));
    assert.deepEqual(places(d), [['bronnen.json', 20, 11, 'warning', 'citations/unused-entry']]);
  });

  test('duplicate keys: error at the second id', async () => {
    const duplicate = BIBLIOGRAPHY.replace('"id": "lenin-1917"', '"id": "marx-1867"');
    const d = await diagnose(citedBook(CLEAN_CHAPTER.replace('@lenin-1917, pp. 3–5; ', ''), '', duplicate));
    assert.deepEqual(places(d), [['bronnen.json', 12, 11, 'error', 'citations/duplicate-key']]);
    assert.match(d[0]!.message, /first on line 3/);
  });

  test('malformed locators: what the style cannot repair, and a label the locale does not know', async () => {
    // p. for a range is the style's to repair (it chooses pp.); a hyphen in a page range too, where the
    // locale's range delimiter is an en dash (en-US), but nl-NL's is a hyphen: there it stays one.
    const chapter = `# H\n\nEen.[@marx-1867, pp. 12—14]\n\nTwee.[@marx-1867, p. 3-5]\n\nDrie.[@lenin-1917, pg. 4]\n\nVier.[@krant, p. 1–2]\n`;
    const d = await diagnose(citedBook(chapter));
    assert.deepEqual(places(d).filter((p) => p[4] === 'citations/malformed-locator'), [
      ['01-hoofdstuk.md', 3, 18, 'error', 'citations/malformed-locator'],
      ['01-hoofdstuk.md', 5, 19, 'error', 'citations/malformed-locator'],
      ['01-hoofdstuk.md', 7, 20, 'error', 'citations/malformed-locator'],
    ]);
    assert.match(d[0]!.message, /cannot turn/);
    assert.match(d[1]!.message, /locale prints page ranges with a hyphen/);
    assert.match(d.find((x) => x.line === 7)!.message, /"pg\." is not a locator term/);
    const english = await diagnose(citedBook(chapter.replace('\n\nDrie', '\n\nDrie'), '  locale: en-US\n'));
    assert.deepEqual(places(english).filter((p) => p[4] === 'citations/malformed-locator').map((p) => p[1]), [3, 7]);
  });

  test('a key that differs from a bibliography key only in case: the error says which key is meant', async () => {
    const d = await diagnose(citedBook(`${CLEAN_CHAPTER}\nEen zin.[@Marx-1867, p. 3]\n`));
    assert.deepEqual(places(d), [['01-hoofdstuk.md', 7, 10, 'error', 'citations/unknown-key']]);
    assert.match(d[0]!.message, /case-sensitive: the bibliography has @marx-1867/);
  });

  test('citations in code spans and code blocks are not read', async () => {
    const d = await diagnose(citedBook(`${CLEAN_CHAPTER}\nCode: \`[@nergens, p. 33]\` en \`\` @ook\` \`\`.\n\n    [@nergens]\n\n~~~\n@nergens\n~~~\n`));
    assert.deepEqual(places(d), []);
  });

  test('unconfirmed source: info at each citation of it', async () => {
    const d = await diagnose(citedBook(`${CLEAN_CHAPTER}\nNog eens.[@krant, p. 2]\n`, '', BIBLIOGRAPHY_UNCONFIRMED));
    assert.deepEqual(places(d), [
      ['01-hoofdstuk.md', 5, 91, 'info', 'citations/unconfirmed-source'],
      ['01-hoofdstuk.md', 7, 11, 'info', 'citations/unconfirmed-source'],
    ]);
    assert.match(d[0]!.message, /unconfirmed: datum onbekend/);
  });

  test('citation without locator where the note style prints one: info', async () => {
    const d = await diagnose(citedBook(CLEAN_CHAPTER.replace('[@marx-1867, p. 12]', '[@marx-1867]')));
    assert.deepEqual(places(d), [['01-hoofdstuk.md', 3, 90, 'info', 'citations/missing-locator']]);
  });

  test('a style that does not exist is an error in book.yaml', async () => {
    const d = await diagnose(citedBook(CLEAN_CHAPTER, '  style: geen-stijl\n'));
    assert.deepEqual(places(d).filter((p) => p[4] === 'citations/bad-style'), [['book.yaml', 10, 10, 'error', 'citations/bad-style']]);
  });

  test('a bibliography that is not valid JSON: error at the place it breaks', async () => {
    const broken = BIBLIOGRAPHY.replace('"title": "Staat en revolutie",', '"title": "Staat en revolutie"');
    const d = await diagnose(citedBook(CLEAN_CHAPTER, '', broken));
    assert.equal(d[0]?.rule, 'citations/bad-bibliography');
    assert.deepEqual([d[0]?.file, d[0]?.line, d[0]?.column], ['bronnen.json', 16, 5]);
  });

  test('book.yaml rules: sets a citation rule\'s severity', async () => {
    const d = await diagnose(citedBook(`${CLEAN_CHAPTER}\nNog eens.[@krant, p. 2]\n`, 'rules:\n  citations/unconfirmed-source: warning\n', BIBLIOGRAPHY_UNCONFIRMED));
    assert.deepEqual(places(d).map((p) => p[3]), ['warning', 'warning']);
  });

  test('footnote rules still hold next to citations', async () => {
    const d = await diagnose(citedBook(`${CLEAN_CHAPTER}\nZin.[^a]\n\n[^b]: Niemand verwijst hiernaar.\n`));
    assert.deepEqual(places(d), [
      ['01-hoofdstuk.md', 7, 5, 'error', 'notes/undefined-reference'],
      ['01-hoofdstuk.md', 9, 1, 'error', 'notes/unused-definition'],
    ]);
  });
});

describe('check CLI on citations', () => {
  test('exits 1 on an unknown key and reports it as JSON', async () => {
    const dir = await makeManuscript(citedBook(`${CLEAN_CHAPTER}\nEen zin.[@nergens]\n`));
    try {
      const r = await runScript('check.ts', ['--manuscript', dir, '--report', 'json']);
      assert.equal(r.code, 1, r.stderr);
      const report = JSON.parse(r.stdout) as { diagnostics: { file: string; line: number; column: number; rule: string }[] };
      assert.deepEqual(
        report.diagnostics.map((d) => [path.basename(d.file), d.line, d.column, d.rule]),
        [['01-hoofdstuk.md', 7, 10, 'citations/unknown-key']],
      );
    } finally {
      await removeDir(dir);
    }
  });

  test('the build stops on a citation error and writes nothing', async () => {
    const dir = await makeManuscript(citedBook(`${CLEAN_CHAPTER}\nEen zin.[@nergens]\n`));
    try {
      const out = path.join(dir, 'out');
      const r = await runScript('build.ts', ['--manuscript', dir, '--out', out, '--format', 'pdf']);
      assert.equal(r.code, 1);
      assert.match(r.stderr + r.stdout, /01-hoofdstuk\.md:7:10\s+error\s+unknown citation key @nergens .*\[citations\/unknown-key\]/);
      assert.deepEqual(await listFiles(out), []);
    } finally {
      await removeDir(dir);
    }
  });
});

describe('citations in the print PDF', () => {
  let dir: string;
  let run: RunResult;
  let pages: string[];
  let text: string;

  const chapter = `# Hoofdstuk

${'Een lange alinea die de eerste noot draagt. '.repeat(3)}Eerste citaat.[@marx-1867, p. 12]

Meteen daarna dezelfde bron.[@marx-1867, p. 14]

Een andere bron, zonder datum.[@krant]

Weer de eerste bron.[@marx-1867, pp. 20–22] En een gewone noot met een citaat erin.[^eigen]

Twee bronnen tegelijk.[@lenin-1917; @marx-1867]

Zonder auteur: [-@lenin-1917, p. 7].

[^eigen]: Zie hierover ook [@lenin-1917, p. 9], waar het anders staat.
`;

  before(async () => {
    dir = await makeManuscript({
      'book.yaml': minimalConfig('slug: bronnen\ncitations:\n  bibliography: bronnen.json\n  locale: nl-NL\n'),
      'bronnen.json': BIBLIOGRAPHY,
      '01-hoofdstuk.md': chapter,
    });
    run = await runScript('build.ts', ['--manuscript', dir, '--out', path.join(dir, 'out'), '--format', 'pdf']);
    if (run.code === 0) {
      pages = await pdfPageTexts(path.join(dir, 'out', 'bronnen.pdf'));
      text = pages.join('\n').replace(/\s+/g, ' ');
    }
  });
  after(() => removeDir(dir));

  test('the build succeeds', () => {
    assert.equal(run.code, 0, run.stderr);
  });

  test('the first citation of a source is full, in the style of the bibliography', () => {
    assert.match(text, /1 Karl Marx, Het Kapitaal \(Pegasus, 1867\), 12\./);
  });

  test('a citation right after the same source shortens to Ibid. (the Dutch locale’s term)', () => {
    assert.match(text, /2 Ibid\., 14\./);
  });

  test('the Dutch locale renders a missing date as z.d.', () => {
    assert.match(text, /3 Staffan Skott, “Een artikel”, Dagens Nyheter, z\.d\./);
  });

  test('a later citation of a source takes the short form', () => {
    assert.match(text, /4 Marx, Het Kapitaal, 20–22\./);
  });

  test('a citation inside a written footnote is rendered in that note, numbered in reading order', () => {
    assert.match(text, /5 Zie hierover ook V\. I\. Lenin, Staat en revolutie \(Pegasus, 1917\), 9, waar het anders staat\./);
  });

  test('several sources in one citation share a note; [-@key] leaves out the author', () => {
    assert.match(text, /6 Lenin, Staat en revolutie; Marx, Het Kapitaal\./);
    assert.match(text, /7 Staat en revolutie, 7\./);
  });

  test('a generated Bronnen section lists the cited sources', () => {
    const last = (pages.filter((p) => p.trim()).at(-1) ?? '').replace(/\s+/g, ' ');
    assert.match(last, /Bronnen/);
    assert.match(last, /Marx, Karl\. Het Kapitaal\. Pegasus, 1867\./);
    assert.match(last, /Lenin, V\. I\. Staat en revolutie\. Pegasus, 1917\./);
  });
});
