import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { readBook, type Book } from '../scripts/lib/book.ts';
import { readBibliographies } from '../scripts/lib/citations/bibliography.ts';
import type { Diagnostic } from '../scripts/lib/diagnostics.ts';
import { diagnose, places } from './citation-fixtures.ts';
import { makeManuscript, removeDir, runScript } from './helpers.ts';

/** Reads a manuscript into the book model (no browser): what the citation stage makes of it. */
async function read(files: Record<string, string>): Promise<Book> {
  const dir = await makeManuscript(files);
  try {
    return await readBook({ manuscriptDir: dir });
  } finally {
    await removeDir(dir);
  }
}

function plain(html: string): string {
  return html.replace(/<span data-note-ref="(\d+)"><\/span>/g, '[$1]').replace(/<[^>]+>/g, '').replace(/\u00ad/g, '').replace(/[ \t]+/g, ' ');
}

const config = (language: string, citations: string, chapter = '01.md'): string => `title: T\nauthor: A\nlanguage: ${language}\nchapters: [${chapter}]\ncitations:\n${citations}`;

/** A BibTeX file as reference managers write it: accents in LaTeX, protecting braces, BibLaTeX fields. */
const BIBTEX = `@string{gennep = "Van Gennep"}

@book{vanderlinden89,
  author    = {van der Linden, Marcel},
  title     = {Westers marxisme en de {Sovjetunie}},
  publisher = gennep,
  address   = {Amsterdam},
  year      = {1989},
  langid    = {dutch}
}

@article{mueller20,
  author       = {M{\\"u}ller, J{\\"o}rg and Fran{\\c c}ois, Ren{\\'e}},
  title        = {{\\"U}ber die {Arbeiterr\\"ate} -- eine Studie},
  journaltitle = {Zeitschrift f{\\"u}r Geschichte},
  volume       = {3},
  pages        = {10--20},
  date         = {2020-05},
  langid       = {german},
  annotation   = {A starred command, \\enquote*{as BibLaTeX files have them}}
}

@article{murray98,
  author       = {Hostetler, Michael J.},
  title        = {Alkanethiolate gold cluster molecules with core diameters from 1.5 to 5.2~{nm}},
  journaltitle = {Langmuir},
  date         = 1998,
  volume       = 14,
  pages        = {17-30}
}
`;

const CSL_YAML = `---
references:
- id: roe03
  type: book
  author: [{family: Roe, given: Richard}]
  title: A Book in YAML
  publisher: Press
  issued: 2003
...
`;

describe('bibliography files', () => {
  test('BibTeX/BibLaTeX and CSL-YAML together, LaTeX accents and braces decoded, nocite "@*"', async () => {
    const book = await read({
      'book.yaml': config('en', '  bibliography: [refs.bib, more.yaml]\n  style: chicago-notes-bibliography\n  nocite: "@*"\n'),
      'refs.bib': BIBTEX,
      'more.yaml': CSL_YAML,
      '01.md': '# One\n\nText [@mueller20, p. 12].\n',
    });
    assert.deepEqual(book.diagnostics, []);
    assert.equal(plain(book.chapters[0]!.notes[0]!.html), 'Jörg Müller and René François, “Über die Arbeiterräte – eine Studie,” Zeitschrift für Geschichte 3 (May 2020): 12.');
    const list = plain(book.bibliography!.html).trim().split('\n').map((l) => l.trim()).filter(Boolean);
    assert.deepEqual(list, [
      // English titles are title-cased by the style, a {braced} word kept as written (nm); others as written.
      'Hostetler, Michael J. “Alkanethiolate Gold Cluster Molecules with Core Diameters from 1.5 to 5.2\u00a0nm.” Langmuir 14 (1998): 17–30.',
      'Linden, Marcel van der. Westers marxisme en de Sovjetunie. Van Gennep, 1989.',
      'Müller, Jörg, and René François. “Über die Arbeiterräte – eine Studie.” Zeitschrift für Geschichte 3 (May 2020): 10–20.',
      'Roe, Richard. A Book in YAML. Press, 2003.',
    ]);
    assert.equal(book.bibliography!.title, 'References');
  });

  test('a .bib syntax error: one error at the brace left open, and no unknown-key noise for the citations', async () => {
    const broken = BIBTEX.replace('title     = {Westers marxisme en de {Sovjetunie}},', 'title     = {Westers marxisme en de {Sovjetunie},');
    const d = await diagnose({
      'book.yaml': config('en', '  bibliography: refs.bib\n', '01-hoofdstuk.md'),
      'refs.bib': broken,
      '01-hoofdstuk.md': '# One\n\nText [@mueller20, p. 12] and [@vanderlinden89, p. 3].\n',
    });
    assert.deepEqual(places(d), [['refs.bib', 5, 15, 'error', 'citations/bad-bibliography']]);
    assert.match(d[0]!.message, /BibTeX syntax error/);
  });

  test('a duplicate key across two files: an error at the second, naming the first', async () => {
    const d = await diagnose({
      'book.yaml': config('en', '  bibliography: [refs.bib, again.bib]\n', '01-hoofdstuk.md'),
      'refs.bib': BIBTEX,
      'again.bib': '@book{mueller20, title = {Again}, year = 2001}\n',
      '01-hoofdstuk.md': '# One\n\n[@mueller20, p. 1] [@vanderlinden89, p. 2]\n',
    });
    assert.deepEqual(places(d).filter((p) => p[3] === 'error'), [['again.bib', 1, 7, 'error', 'citations/duplicate-key']]);
    assert.match(d[0]!.message, /first in .*refs\.bib on line 12/);
  });
});

describe('a bibliography read again (a watching build, the preview)', () => {
  test('the same text: the entries as parsed before and the same findings; another text: parsed anew', async () => {
    const dir = await makeManuscript({ 'refs.yaml': CSL_YAML, 'bad.json': '[{"id": "x"}, {"id": "ok", "type": "book", "title": "Fine"}]\n' });
    try {
      const files = [
        { absolute: path.join(dir, 'refs.yaml'), display: 'refs.yaml' },
        { absolute: path.join(dir, 'bad.json'), display: 'bad.json' },
      ];
      const read = async (): Promise<{ entries: Map<string, unknown>; found: Diagnostic[] }> => {
        const found: Diagnostic[] = [];
        const { entries } = await readBibliographies(files, found);
        return { entries, found };
      };
      const first = await read();
      assert.deepEqual([...first.entries.keys()], ['roe03', 'ok']);
      assert.deepEqual(first.found.map((d) => [d.file, d.line, d.rule]), [['bad.json', 1, 'citations/bad-bibliography']]);
      const again = await read();
      assert.equal(again.entries.get('roe03'), first.entries.get('roe03'), 'the entry as parsed before');
      assert.notEqual(again.entries, first.entries, 'a new set of sources');
      assert.deepEqual(again.found, first.found);
      assert.notEqual(again.found[0], first.found[0], 'findings of their own');

      await writeFile(files[0]!.absolute, CSL_YAML.replace('A Book in YAML', 'Another Book'));
      const changed = await read();
      assert.notEqual(changed.entries.get('roe03'), first.entries.get('roe03'));
      assert.equal((changed.entries.get('roe03') as { item: { title: string } }).item.title, 'Another Book');
      assert.equal(changed.entries.get('ok'), first.entries.get('ok'), 'the unchanged file as parsed before');
    } finally {
      await removeDir(dir);
    }
  });
});

describe('the list of sources', () => {
  const bib = '[{"id":"a","type":"book","author":[{"family":"Doe","given":"Jo"}],"title":"Een boek","publisher":"P","issued":{"date-parts":[[2001]]}}]';

  test('under the author\'s heading with id refs, in the chapter, not at the end', async () => {
    const book = await read({ 'book.yaml': config('nl', '  bibliography: b.json\n'), 'b.json': bib, '01.md': '# Een\n\nTekst.[@a, p. 1]\n\n## Literatuur {#refs}\n\nNa de lijst.\n' });
    assert.equal(book.bibliography, undefined);
    assert.match(plain(book.chapters[0]!.html), /Literatuur\s+Doe, Jo\. Een boek\. P, 2001\.\s+Na de lijst\./);
  });

  test('in a ::: {#refs} block', async () => {
    const book = await read({ 'book.yaml': config('nl', '  bibliography: b.json\n'), 'b.json': bib, '01.md': '# Een\n\nTekst.[@a, p. 1]\n\n::: {#refs}\n:::\n\nSlot.\n' });
    assert.equal(book.bibliography, undefined);
    assert.match(plain(book.chapters[0]!.html), /Doe, Jo\. Een boek\. P, 2001\.\s+Slot\./);
  });

  test('under a heading that ends the last chapter (an author\'s "References" is not left empty)', async () => {
    const book = await read({ 'book.yaml': config('en', '  bibliography: b.json\n'), 'b.json': bib, '01.md': '# One\n\nText.[@a, p. 1]\n\n# References\n' });
    assert.equal(book.bibliography, undefined);
    assert.match(plain(book.chapters[0]!.html), /References\s+Doe, Jo\. Een Boek\. P, 2001\./);
  });

  test('else at the end, titled in the book\'s language, or as book.yaml says', async () => {
    const text = { 'b.json': bib, '01.md': '# One\n\nText.[@a, p. 1]\n' };
    assert.equal((await read({ ...text, 'book.yaml': config('en', '  bibliography: b.json\n') })).bibliography?.title, 'References');
    assert.equal((await read({ ...text, 'book.yaml': config('nl', '  bibliography: b.json\n') })).bibliography?.title, 'Bronnen');
    assert.equal((await read({ ...text, 'book.yaml': config('de', '  bibliography: b.json\n') })).bibliography?.title, 'Literatur');
    assert.equal((await read({ ...text, 'book.yaml': config('en', '  bibliography: b.json\n  section: { title: Works Cited }\n') })).bibliography?.title, 'Works Cited');
  });
});

describe('notes and names', () => {
  const bib = JSON.stringify([
    { id: 'vdl', type: 'book', author: [{ family: 'Linden', given: 'Marcel', 'non-dropping-particle': 'van der' }], title: 'Westers marxisme', publisher: 'Van Gennep', issued: { 'date-parts': [[1989]] } },
    { id: 'roe', type: 'book', author: [{ family: 'Roe', given: 'Richard' }], title: 'A Book', publisher: 'P', issued: { 'date-parts': [[2003]] } },
  ]);

  test('Dutch particles: sorted under the surname, a capital without a given name before it', async () => {
    const book = await read({
      'book.yaml': config('nl', '  bibliography: b.json\n  style: chicago-notes-bibliography\n'),
      'b.json': bib,
      '01.md': '# Een\n\nEerst [@vdl, p. 3], dan [@roe, p. 1].\n\nDaarna @vdl [p. 5] en [zie @vdl].\n',
    });
    const notes = book.chapters[0]!.notes.map((n) => plain(n.html));
    assert.deepEqual(notes, ['Marcel van der Linden, Westers marxisme (Van Gennep, 1989), 3.', 'Richard Roe, A Book (P, 2003), 1.', 'Westers marxisme, 5.', 'Zie Van der Linden, Westers marxisme.']);
    assert.match(plain(book.chapters[0]!.html), /Daarna Van der Linden\[3\] en\.\[4\]/);
    assert.match(plain(book.bibliography!.html), /Linden, Marcel van der\. Westers marxisme[\s\S]*Roe, Richard/);
  });

  test('a written note\'s call moves after the punctuation too; notesAfterPunctuation: false keeps it', async () => {
    const files = (extra: string) => ({ 'book.yaml': config('en', `  bibliography: b.json\n${extra}`), 'b.json': bib, '01.md': '# One\n\nA [@roe, p. 1]. B[^n], c.\n\n[^n]: A note.\n' });
    assert.match(plain((await read(files(''))).chapters[0]!.html), /A\.\[1\] B,\[2\] c\./);
    assert.match(plain((await read(files('  notesAfterPunctuation: false\n'))).chapters[0]!.html), /A\[1\]\. B\[2\], c\./);
  });

  test('an author-date style prints citations in the text, narrative ones with the author in the sentence', async () => {
    const book = await read({ 'book.yaml': config('en', '  bibliography: b.json\n  style: apa\n'), 'b.json': bib, '01.md': '# One\n\n@roe [p. 4] says so [see @vdl, pp. 3-5].\n' });
    assert.deepEqual(book.chapters[0]!.notes, []);
    assert.match(plain(book.chapters[0]!.html), /Roe \(2003, p\. 4\) says so \(see van der Linden, 1989, pp\. 3–5\)\./);
  });
});

describe('a broken .bib, an unknown style, an unknown locale: one located error each, exit 1', () => {
  const bib = '@book{a, title = {T}, year = 2001}\n';
  for (const [what, setting, files, place, message] of [
    ['style', '  style: no-such-style\n', {}, ['book.yaml', 7, 10], /CSL style "no-such-style" not found/],
    ['locale', '  locale: xx-XX\n', {}, ['book.yaml', 7, 11], /CSL locale "xx-XX" not found/],
    ['.bib', '', { 'b.bib': '@book{a,\n  title = {T,\n  year = 2001\n}\n' }, ['b.bib', 2, 11], /BibTeX syntax error/],
  ] as const) {
    test(`${what}`, async () => {
      const dir = await makeManuscript({ 'book.yaml': config('en', `  bibliography: b.bib\n${setting}`), 'b.bib': bib, '01.md': '# One\n\nText.[@a, p. 1]\n', ...files });
      try {
        const r = await runScript('check.ts', ['--manuscript', dir, '--report', 'json']);
        assert.equal(r.code, 1, r.stderr);
        const report = JSON.parse(r.stdout) as { diagnostics: { file: string; line: number; column: number; rule: string; message: string; severity: string }[] };
        const errors = report.diagnostics.filter((d) => d.severity === 'error');
        assert.deepEqual(errors.map((d) => [d.file.split('/').pop(), d.line, d.column]), [place]);
        assert.match(errors[0]!.message, message);
      } finally {
        await removeDir(dir);
      }
    });
  }
});
