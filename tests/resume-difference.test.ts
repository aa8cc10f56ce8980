import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { launchBrowser, type BrowserSession } from '../scripts/lib/browser.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import type { Outcome } from './resume-difference.page.ts';

/**
 * resume-layout.ts firstDifference (where the preview's new source first differs from the last layout's, which
 * says how many pages are kept) against the plain walk it replaced: both documents node by node in document
 * order, name, attributes, text and depth compared. Random changes to a chapter-like tree, in Chromium.
 */

let session: BrowserSession;
let script: string;

before(async () => {
  const [started, bundled] = await Promise.all([
    launchBrowser(),
    build({ entryPoints: [path.join(projectRoot, 'tests', 'resume-difference.page.ts')], bundle: true, format: 'iife', write: false, logLevel: 'silent' }),
  ]);
  session = started;
  script = (bundled.outputFiles[0] as { text: string }).text;
});
after(async () => {
  await session?.close();
});

test('firstDifference finds the first differing node where a walk of both trees does, after any change', async () => {
  const page = await session.browser.newPage();
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ content: script });
  const results: Outcome[] = await page.evaluate(() => window.differences.trials());
  await page.close();
  const wrong = results.filter((r) => r.expected !== r.found);
  assert.deepEqual(wrong, [], `${wrong.length} of ${results.length} differ`);
  // The changes reach every part of the tree, and some leave it as it was.
  const total = Math.max(...results.map((r) => r.expected));
  assert.ok(results.some((r) => r.expected < total / 4) && results.some((r) => r.expected > (total * 3) / 4), 'changes near the start and near the end');
});
