// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderChapter } from '../scripts/lib/book.ts';
import { parseConfig } from '../scripts/lib/config/load-config.ts';
import type { Diagnostic } from '../scripts/lib/diagnostics.ts';
import { hyphenateText, SOFT_HYPHEN } from '../scripts/lib/markdown/hyphenation.ts';
import { withLinkNotes } from '../scripts/lib/print/link-notes.ts';
import { MINIMAL_CONFIG } from './helpers.ts';

const { config } = parseConfig(MINIMAL_CONFIG, 'book.yaml');

function render(source: string): { html: string; diagnostics: Diagnostic[]; chapter: ReturnType<typeof renderChapter> } {
  const diagnostics: Diagnostic[] = [];
  const chapter = renderChapter({ index: 0, file: 'ch.md', source, config, diagnostics });
  return { html: chapter.html, diagnostics, chapter };
}

test('Dutch words get soft hyphens from the patterns, with the minimums kept', () => {
  const hyphenated = hyphenateText('arbeidersdemocratie en bureaucratie', { language: 'nl', leftmin: 2, rightmin: 3, minWordLength: 6 });
  assert.equal(hyphenated.replaceAll(SOFT_HYPHEN, '|'), 'ar|bei|ders|de|mo|cra|tie en bu|reau|cra|tie');
  const short = hyphenateText('kapitalisme', { language: 'nl', leftmin: 4, rightmin: 4, minWordLength: 6 });
  assert.ok(!short.replaceAll(SOFT_HYPHEN, '|').startsWith('ka|'), short);
  assert.ok(!/\u00ad.{1,3}$/u.test(short));
});

test('headings are not hyphenated, running text is', () => {
  const { html } = render('## Bureaucratisering van de arbeidersstaat\n\nDe arbeidersstaat bureaucratiseerde.\n');
  const heading = /<h2[^>]*>(.*?)<\/h2>/.exec(html)?.[1] ?? '';
  assert.ok(!heading.includes(SOFT_HYPHEN));
  assert.ok(/<p[^>]*>.*\u00ad.*<\/p>/.test(html));
});

test('blocks carry their source line and headings an id', () => {
  const { html, chapter } = render('# Titel\n\nEerste alinea.\n\n## Deel twee\n\nTweede alinea.\n');
  assert.match(html, /<p data-line="3">/);
  assert.match(html, /<h2 id="ch1-deel-twee" data-line="5">/);
  assert.deepEqual(
    chapter.headings.map((h) => [h.level, h.text, h.line]),
    [
      [1, 'Titel', 1],
      [2, 'Deel twee', 5],
    ],
  );
});

test('notes are lifted into the model and called by placeholder', () => {
  const { html, chapter, diagnostics } = render('Tekst.[^a] Meer.[^b]\n\n[^a]: Eerste *bron*.\n[^b]: Tweede bron.\n');
  assert.deepEqual(diagnostics, []);
  assert.equal(chapter.notes.length, 2);
  assert.equal(chapter.notes[0]?.label, 'a');
  assert.match(chapter.notes[0]?.html ?? '', /Eerste <em>bron<\/em>/);
  assert.equal(chapter.notes[0]?.line, 3);
  assert.match(html, /<span data-note-ref="1"><\/span>.*<span data-note-ref="2"><\/span>/);
  assert.doesNotMatch(html, /footnotes|Eerste/);
});

test('a note reference without definition is an error at its line and column', () => {
  const { diagnostics } = render('Eerste regel.\n\nDit citaat mist zijn bron.[^weg]\n');
  assert.equal(diagnostics.length, 1);
  assert.deepEqual(
    [diagnostics[0]?.rule, diagnostics[0]?.line, diagnostics[0]?.column, diagnostics[0]?.severity],
    ['notes/undefined-reference', 3, 27, 'error'],
  );
});

test('a definition nobody references is an error at its line', () => {
  const { diagnostics } = render('Tekst.\n\n[^los]: Niemand verwijst hiernaar.\n');
  assert.equal(diagnostics[0]?.rule, 'notes/unused-definition');
  assert.equal(diagnostics[0]?.line, 3);
});

test('English text is hyphenated with the English patterns, and a language without patterns is left alone', () => {
  const options = { leftmin: 2, rightmin: 3, minWordLength: 6 };
  assert.equal(hyphenateText('paragraph without', { ...options, language: 'en' }).replaceAll(SOFT_HYPHEN, '|'), 'para|graph with|out');
  assert.equal(hyphenateText('Silbentrennung', { ...options, language: 'de-CH' }).replaceAll(SOFT_HYPHEN, '|'), 'Sil|ben|tren|nung');
  assert.equal(hyphenateText('paragraph', { ...options, language: 'tlh' }), 'paragraph');
});

test('ordered lists keep their start, and Pandoc fancy lists their letters and numerals', () => {
  const { html } = render('3. drie\n4. vier\n\na. een\nb. twee\n\nIV) vier\nV) vijf\n\n1. een\n2. twee\n{.lower-roman}\n');
  assert.match(html, /<ol start="3" data-line="1">/);
  assert.match(html, /<ol type="a" data-line="4">/);
  assert.match(html, /<ol type="I" start="4" data-line="7">/);
  assert.match(html, /<ol class="lower-roman" data-line="10">/);
});

test('definition lists, super- and subscript, small capitals', () => {
  const { html } = render('Term\n:   Kort.\n\nH~2~O en 2^10^ en [Karl Marx]{.smallcaps}.\n');
  assert.match(html, /<dl data-line="1">\n<dt data-line="1">Term<\/dt>\n<dd data-line="2">Kort\.<\/dd>/);
  assert.match(html, /H<sub>2<\/sub>O en 2<sup>10<\/sup>/);
  assert.match(html, /<span class="smallcaps">K<span class="sc">arl<\/span> M<span class="sc">arx<\/span><\/span>/);
});

test('line blocks keep their lines, leading spaces and empty lines; a continuation line joins its line', () => {
  const { html } = render('Tekst.\n\n| Eerste regel\n|    ingesprongen\n  vervolg\n|\n| *Laatste* regel\n\nNa.\n');
  const block = /<div class="line-block" data-line="3">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
  const lines = [...block.matchAll(/<span class="line">(.*?)<\/span><br>/g)].map((m) => (m[1] ?? '').replaceAll(SOFT_HYPHEN, ''));
  assert.deepEqual(lines, ['Eerste regel', '\u00a0\u00a0\u00a0ingesprongen vervolg', '', '<em>Laatste</em> regel']);
  assert.match(html, /<p data-line="9">Na\.<\/p>/);
});

test('a line block does not take a table, nor interrupt a paragraph', () => {
  const { html } = render('Tekst\n| geen regel\n\n| a | b |\n|---|---|\n| 1 | 2 |\n');
  assert.doesNotMatch(html, /line-block/);
  assert.match(html, /<table/);
});

test('an inline note is lifted into the model with the line of its call', () => {
  const { chapter, diagnostics } = render('Eerste alinea.\n\nTweede regel\nmet een noot.^[Een *noot* ter plaatse.] En een gewone.[^a]\n\n[^a]: Gewoon.\n');
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(chapter.notes.map((n) => [n.number, n.line]), [[1, 4], [2, 6]]);
  assert.match(chapter.notes[0]?.html ?? '', /Een <em>noot<\/em> ter plaatse\./);
});

test('a code block keeps its lines, each in a span, with its language and source line; its syntax stays literal', () => {
  const { html, chapter, diagnostics } = render('Tekst.\n\n```js\nconst a = 1; // [@doe99, p. 3]\n\n[^x]: geen noot\n```\n\n    ingesprongen code\n');
  assert.deepEqual(diagnostics, []);
  assert.equal(chapter.notes.length, 0);
  assert.match(
    html,
    /<pre data-line="3" class="code"><code class="language-js"><span class="code-line">const a = 1; \/\/ \[@doe99, p\. 3\]\n<\/span><span class="code-line">\n<\/span><span class="code-line">\[\^x\]: geen noot\n<\/span><\/code><\/pre>/,
  );
  assert.match(html, /<pre data-line="9" class="code"><code><span class="code-line">ingesprongen code\n<\/span><\/code><\/pre>/);
});

test('inline code stays literal and a long name in it may break after _ . / : ,', () => {
  const { html, chapter } = render('Zie `[^x]` en `a_very_long_identifier.name` en `kort_woord`.\n');
  assert.equal(chapter.notes.length, 0);
  assert.match(html, /<code>\[\^x\]<\/code>/);
  assert.match(html, /<code>a_<wbr>very_<wbr>long_<wbr>identifier\.<wbr>name<\/code>/);
  assert.match(html, /<code>kort_woord<\/code>/);
});

function renderIn(language: string, source: string, extra = ''): string {
  const { config: other } = parseConfig(MINIMAL_CONFIG.replace('language: nl', `language: ${language}`) + extra, 'book.yaml');
  return renderChapter({ index: 0, file: 'ch.md', source, config: other, diagnostics: [] }).html.replaceAll(SOFT_HYPHEN, '');
}

test('plainly typed quotes, dashes and ellipses become the language’s; code, escapes and curly quotes stay', () => {
  const source = 'Hij zei: "Dat is \'s avonds \'t mooiste -- echt." Zij: \'ja\'... In de jaren \'80 --- toen. `"code" --` en \\"los\\".\n\nAl “gekruld” en ‘enkel’.\n';
  const nl = renderIn('nl', source);
  assert.match(nl, /Hij zei: “Dat is ’s avonds ’t mooiste – echt\.” Zij: ‘ja’… In de jaren ’80 — toen\. <code>&quot;code&quot; --<\/code> en &quot;los&quot;\./);
  assert.match(nl, /Al “gekruld” en ‘enkel’\./);
  assert.match(renderIn('en', "She said: \"It's 'mine' -- 1914--1918.\"\n"), /She said: “It’s ‘mine’ – 1914–1918\.”/);
  assert.match(renderIn('en-GB', 'She said: "It\'s \'mine\'."\n'), /She said: ‘It’s “mine”\.’/);
  assert.match(renderIn('de', 'Er sagte: "Das ist \'gut\'."\n'), /Er sagte: „Das ist ‚gut‘\.“/);
  assert.match(renderIn('nl', 'Zo "zo".\n', '\ntypography: { quotes: ["«", "»", "‹", "›"] }\n'), /Zo «zo»\./);
  assert.match(renderIn('nl', 'Zo "zo" -- zo.\n', '\ntypography: { smart: false }\n'), /Zo &quot;zo&quot; -- zo\./);
});

test('no-break spaces between a number and its unit, after p. and nr., never where none was typed', () => {
  const html = renderIn('nl', 'Zie p. 12 en blz. 3, nr. 5: 80 % van 12 km en 3 kg, € 10 en § 4; maar 80% en 5 mannen en de m. `p. 12`.\n');
  assert.match(html, /Zie p\.\u00a012 en blz\.\u00a03, nr\.\u00a05: 80\u00a0% van 12\u00a0km en 3\u00a0kg, €\u00a010 en §\u00a04; maar 80% en 5 mannen en de m\. <code>p\. 12<\/code>\./);
  assert.doesNotMatch(renderIn('nl', 'Zie p. 12.\n', '\ntypography: { nonBreakingSpaces: false }\n'), /\u00a0/);
});

test('raw HTML is left out of the book, with one warning a paragraph at its first tag; as code or entities it is text', () => {
  const { html, diagnostics } = render('# Titel\n\nTekst met <span class="x">iets</span> en <!-- opmerking --> erin.\n\n<!-- alleen dit -->\n\nCode `<b>` en &lt;b&gt; ook.\n');
  assert.match(html, /<p data-line="3">Tekst met iets en {2}erin\.<\/p>/);
  assert.doesNotMatch(html, /opmerking|alleen dit|data-line="5"/);
  assert.match(html, /<code>&lt;b&gt;<\/code> en &lt;b&gt; ook/);
  assert.deepEqual(
    diagnostics.map((d) => [d.rule, d.severity, d.line, d.column]),
    [
      ['markdown/raw-html', 'warning', 3, 11],
      ['markdown/raw-html', 'warning', 5, 1],
    ],
  );
  assert.match(diagnostics[0]?.message ?? '', /`<span class="x">`, `<\/span>`, the comment `<!-- … -->` are left out of the book/);
});

test('an address written out as a link may break after its slashes and dots', () => {
  const { html } = render('Zie <https://example.org/een/lang/pad.html>.\n');
  assert.match(html, /<a href="https:\/\/example\.org\/een\/lang\/pad\.html">https:\/\/<wbr>example\.<wbr>org\/<wbr>een\/<wbr>lang\/<wbr>pad\.<wbr>html<\/a>/);
});

test('links as notes (print): each outside link gets a note with its address, numbered among the written ones', () => {
  const { chapter } = render('Eerst een noot.[^a] Dan [de handleiding](https://pandoc.org/MANUAL.html), <https://example.org>, [intern](#elders) en [mail](mailto:a@b.nl).^[Noot met [link](https://example.org/x).]\n\n[^a]: De eerste.\n');
  const printed = withLinkNotes(chapter);
  assert.deepEqual(
    printed.notes.map((n) => [n.number, n.html.replace(/<[^>]+>/g, '')]),
    [
      [1, 'De eerste.'],
      [2, 'https://pandoc.org/MANUAL.html'],
      [3, 'a@b.nl'],
      [4, 'Noot met link (https://example.org/x).'],
    ],
  );
  assert.match(printed.html, /<a href="https:\/\/pandoc\.org\/MANUAL\.html">de handleiding<\/a><span data-note-ref="2"><\/span>/);
  assert.match(printed.html, /<a href="#elders">intern<\/a> en/);
  assert.equal(chapter.notes.length, 2, 'the model itself keeps its notes');
});

test('a table\'s caption paragraph is its caption also where the book hyphenates "Table" (words of five letters)', () => {
  const source = '| a | b |\n|---|---|\n| 1 | 2 |\n\nTable: Lonen in frank {#lonen}\n';
  const html = renderIn('nl', source, 'print:\n  hyphenation: { enabled: true, leftmin: 2, rightmin: 2, minWordLength: 5 }\n');
  assert.match(html, /<table id="lonen"[^>]*>\n<caption>Lonen in frank<\/caption>/);
  assert.doesNotMatch(html, /Table:/);
});
