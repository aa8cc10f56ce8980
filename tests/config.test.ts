import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../scripts/lib/config/load-config.ts';
import { BuildError } from '../scripts/lib/diagnostics.ts';
import { MINIMAL_CONFIG } from './helpers.ts';

function diagnosticsOf(text: string): BuildError['diagnostics'] {
  try {
    parseConfig(text, 'book.yaml');
  } catch (error) {
    assert.ok(error instanceof BuildError);
    return error.diagnostics;
  }
  assert.fail('expected the config to be rejected');
}

test('a minimal config gets the default print settings', () => {
  const { config } = parseConfig(MINIMAL_CONFIG, 'book.yaml');
  assert.equal(config.print.trim.width, '135mm');
  assert.equal(config.print.trim.height, '210mm');
  assert.equal(config.print.bleed, '3mm');
  assert.equal(config.print.fonts.body.package, '@fontsource/eb-garamond');
  assert.equal(config.language, 'nl');
});

test('an unknown key is named with its line and column', () => {
  const [d, ...rest] = diagnosticsOf(`${MINIMAL_CONFIG}print:\n  trim: { width: 140mm, height: 210mm }\n  bleeding: 3mm\n`);
  assert.equal(rest.length, 0);
  assert.equal(d?.rule, 'config/unknown-key');
  assert.match(d?.message ?? '', /print\.bleeding/);
  assert.equal(d?.line, 10);
  assert.equal(d?.column, 3);
});

test('broken YAML reports where it broke', () => {
  const [d] = diagnosticsOf('title: [Proefboek\nauthor: A\n');
  assert.equal(d?.rule, 'config/yaml');
  assert.equal(d?.file, 'book.yaml');
  assert.ok((d?.line ?? 0) >= 1);
});

test('a bad value names the key and points at the value', () => {
  const [d] = diagnosticsOf(MINIMAL_CONFIG.replace('chapters:', 'print:\n  trim: { width: 135, height: 210mm }\nchapters:'));
  assert.equal(d?.rule, 'config/invalid');
  assert.match(d?.message ?? '', /"print\.trim\.width"/);
  assert.equal(d?.line, 7);
  assert.equal(d?.column, 18);
});

test('a missing required key is reported by name', () => {
  const diagnostics = diagnosticsOf(MINIMAL_CONFIG.replace(/^author:.*\n/m, ''));
  assert.ok(diagnostics.some((d) => d.rule === 'config/missing-key' && d.message.includes('"author"')));
});
