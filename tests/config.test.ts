// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseConfig } from '../scripts/lib/config/load-config.ts';
import { printLimitProblems } from '../scripts/lib/config/print-limits.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { BuildError } from '../scripts/lib/diagnostics.ts';
import { configDiagnostics, MINIMAL_CONFIG } from './helpers.ts';

test('a minimal config gets the default print settings', () => {
  const { config } = parseConfig(MINIMAL_CONFIG, 'book.yaml');
  assert.equal(config.print.trim.width, '135mm');
  assert.equal(config.print.trim.height, '210mm');
  assert.equal(config.print.bleed, '3mm');
  assert.equal(config.print.fonts.body.package, '@fontsource/eb-garamond');
  assert.equal(config.language, 'nl');
});

test('an unknown key is named with its line and column', () => {
  const [d, ...rest] = configDiagnostics(`${MINIMAL_CONFIG}print:\n  trim: { width: 140mm, height: 210mm }\n  bleeding: 3mm\n`);
  assert.equal(rest.length, 0);
  assert.equal(d?.rule, 'config/unknown-key');
  assert.match(d?.message ?? '', /print\.bleeding/);
  assert.equal(d?.line, 10);
  assert.equal(d?.column, 3);
});

test('print.press.signature and print.press.marks are refused at their lines, naming the one setting to use', () => {
  const diagnostics = configDiagnostics(`${MINIMAL_CONFIG}print:\n  signature: 8\n  press:\n    enabled: true\n    signature: 16\n    marks: true\n`);
  assert.deepEqual(
    diagnostics.map((d) => `${d.line}:${d.column} ${d.rule} ${d.message}`),
    [
      '12:5 config/unknown-key "print.press.signature" is no longer a key: use "print.signature", one setting for the screen and the press PDF',
      '13:5 config/unknown-key "print.press.marks" is no longer a key: use "print.marks", one setting for the screen and the press PDF',
    ],
  );
  const mixed = configDiagnostics(`${MINIMAL_CONFIG}print:\n  press:\n    marks: true\n    colour: cmyk\n`);
  assert.deepEqual(mixed.map((d) => `${d.line} ${d.message.slice(0, 32)}`), ['10 "print.press.marks" is no longer', '11 unknown key "print.press.colour"']);
});

test('broken YAML reports where it broke', () => {
  const [d] = configDiagnostics('title: [Proefboek\nauthor: A\n');
  assert.equal(d?.rule, 'config/yaml');
  assert.equal(d?.file, 'book.yaml');
  assert.ok((d?.line ?? 0) >= 1);
});

test('a bad value names the key and points at the value', () => {
  const [d] = configDiagnostics(MINIMAL_CONFIG.replace('chapters:', 'print:\n  trim: { width: 135, height: 210mm }\nchapters:'));
  assert.equal(d?.rule, 'config/invalid');
  assert.match(d?.message ?? '', /"print\.trim\.width"/);
  assert.equal(d?.line, 7);
  assert.equal(d?.column, 18);
});

test('a missing required key is reported by name', () => {
  const diagnostics = configDiagnostics(MINIMAL_CONFIG.replace(/^author:.*\n/m, ''));
  assert.ok(diagnostics.some((d) => d.rule === 'config/missing-key' && d.message.includes('"author"')));
});

describe('print settings that cannot make a book are refused, with the reason, at the setting', () => {
  const withPrint = (print: string): string => `${MINIMAL_CONFIG}print:\n${print}`;
  const only = (text: string): BuildError['diagnostics'][number] => {
    const diagnostics = configDiagnostics(text);
    assert.equal(diagnostics.length, 1, diagnostics.map((d) => d.message).join('\n'));
    return diagnostics[0]!;
  };

  test('the defaults, the book and an A5 book pass', async () => {
    assert.deepEqual(printLimitProblems(parseConfig(MINIMAL_CONFIG, 'book.yaml').config.print), []);
    const book = await readFile(path.join(projectRoot, 'manuscript', 'book.yaml'), 'utf8');
    assert.deepEqual(printLimitProblems(parseConfig(book, 'book.yaml').config.print), []);
    parseConfig(withPrint('  trim: { width: 148mm, height: 210mm }\n  margins: { top: 20mm, bottom: 25mm, inner: 20mm, outer: 15mm }\n  fontSize: 11pt\n'), 'book.yaml');
  });

  test('margins of 120 mm on a 210 mm page leave no text area', () => {
    const d = only(withPrint('  margins: { top: 120mm, bottom: 22mm, inner: 18mm, outer: 15mm }\n'));
    assert.equal(d.rule, 'config/print-limit');
    assert.equal(d.line, 9);
    assert.equal(d.column, 19);
    assert.match(d.message, /^"print\.margins\.top": margins top 120 mm \+ bottom 22 mm leave a text area 68 mm high on a 210 mm page; it needs at least 70 mm/);
  });

  test('side margins that leave a text area narrower than 40 mm', () => {
    const d = only(withPrint('  margins: { top: 17mm, bottom: 22mm, inner: 50mm, outer: 50mm }\n'));
    assert.match(d.message, /"print\.margins\.inner": .*text area 35 mm wide/);
  });

  test('type of 0.1 pt, and of 40 pt', () => {
    const tiny = only(withPrint('  fontSize: 0.1pt\n'));
    assert.equal(tiny.line, 9);
    assert.equal(tiny.column, 13);
    assert.match(tiny.message, /"print\.fontSize": a body size of 0\.1 pt is too small to read \(at least 5 pt\)/);
    assert.match(only(withPrint('  fontSize: 40pt\n')).message, /40 pt is display type/);
    assert.match(only(withPrint('  fontSize: 0.5in\n')).message, /36 pt is display type/, 'any unit, in points');
  });

  test('type too large for its measure: fewer than about 25 characters a line', () => {
    const d = only(withPrint('  trim: { width: 80mm, height: 190mm }\n  margins: { top: 17mm, bottom: 22mm, inner: 10mm, outer: 10mm }\n  fontSize: 16pt\n'));
    assert.match(d.message, /"print\.fontSize": at 16 pt a line of the 60 mm text area holds about \d+ characters/);
  });

  test('a bleed larger than a margin, and an absurd bleed', () => {
    const d = only(withPrint('  bleed: 16mm\n'));
    assert.match(d.message, /"print\.bleed": a bleed of 16 mm is larger than the outer margin \(15 mm\)/);
    assert.match(only(withPrint('  bleed: 25mm\n  margins: { top: 30mm, bottom: 30mm, inner: 30mm, outer: 30mm }\n')).message, /more than any printer asks for/);
  });

  test('line height, widows, a trim too small, a signature too large', () => {
    assert.match(only(withPrint('  lineHeight: 0.5\n')).message, /"print\.lineHeight": .*over each other/);
    assert.match(only(withPrint('  widows: 20\n')).message, /"print\.widows"/);
    const trim = configDiagnostics(withPrint('  trim: { width: 30mm, height: 210mm }\n'));
    assert.ok(trim.some((d) => /"print\.trim\.width": a trim width of 30 mm is smaller than any book/.test(d.message)));
    assert.match(only(withPrint('  signature: 128\n')).message, /"print\.signature"/);
  });

  test('several problems are each reported', () => {
    const diagnostics = configDiagnostics(withPrint('  fontSize: 0.1pt\n  bleed: 16mm\n  lineHeight: 9\n'));
    assert.deepEqual(diagnostics.map((d) => d.message.split(':')[0]).sort(), ['"print.bleed"', '"print.fontSize"', '"print.lineHeight"']);
  });
});
