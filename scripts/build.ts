#!/usr/bin/env tsx
// npm run build [-- --format pdf|press|epub|web] [--press] [--manuscript DIR] [--out DIR] [--quiet] [--jobs N] [--no-cache] [--watch]
import path from 'node:path';
import type { BuildResult } from './lib/build-book.ts';
import { startChromiumEarly } from './lib/chromium-process.ts';
import { parseBuildArgs, takeEarlyChromium } from './lib/early-chromium.ts';
import { onStopRequest } from './lib/interrupt.ts';
import { checkOutputFolder } from './lib/output-folder.ts';
import { printOptions } from './lib/print/print-options.ts';
import { runCli } from './lib/run-cli.ts';

function printSummary(result: BuildResult): void {
  for (const { file, detail, bytes } of result.summaries) {
    const format = file.endsWith('-press.pdf') ? 'PRESS' : file.endsWith('-cover.pdf') ? 'COVER' : path.extname(file).slice(1).toUpperCase() || 'WEB';
    console.log(`${format.padEnd(5)} ${path.relative(process.cwd(), file)}   ${detail}   ${(bytes / 1024).toFixed(0)} KB`);
  }
  console.log(`done in ${result.seconds.toFixed(1)} s`);
}

// Not awaited at the top: runCli ends the process itself, and a module without top-level await can also be
// bundled as a CommonJS script (scripts/run.mjs runs the build from one, with V8's code cache).
void runCli(async () => {
  const { common, values, laysOutPages } = parseBuildArgs(process.argv.slice(2));
  const options = { ...common, press: Boolean(values.press), print: printOptions(values) };
  checkOutputFolder(common);
  if (!values.watch) {
    // Chromium starts before anything else is loaded (puppeteer, then the citation engine, Markdown, the checks:
    // 0.3-0.9 s), on the core that loading leaves idle, if scripts/run.mjs has not started it already;
    // puppeteer connects to it once it is loaded.
    const chromium = laysOutPages ? (takeEarlyChromium() ?? startChromiumEarly()) : undefined;
    const browser = laysOutPages ? import('./lib/browser.ts').then(({ launchBrowser }) => launchBrowser(undefined, chromium)) : undefined;
    browser?.catch(() => undefined);
    const { buildBook } = await import('./lib/build-book.ts');
    printSummary(await buildBook({ ...options, browser, exiting: true }));
    return;
  }
  const { watchBuild } = await import('./lib/watch-build.ts');
  const watching = await watchBuild(options, {
    built: printSummary,
    failed: (message) => process.stderr.write(`${message}\nbuild failed; the last good book stays in ${path.relative(process.cwd(), common.outDir) || '.'}\n`),
    changed: (paths) => {
      if (!common.quiet) process.stderr.write(`changed: ${paths.map((p) => path.relative(process.cwd(), p)).join(', ')}\n`);
    },
    unsettled: (paths) => {
      if (!common.quiet) process.stderr.write(`changed again while read: ${paths.map((p) => path.relative(process.cwd(), p)).join(', ')}; read again\n`);
    },
  });
  process.stderr.write(`watching ${path.relative(process.cwd(), common.manuscriptDir) || '.'} and styles/ (Ctrl-C stops)\n`);
  // The first Ctrl-C or SIGTERM stops in order (watcher, then Chromium); a second one at once.
  onStopRequest(() => void watching.stop());
  await watching.stopped;
});
