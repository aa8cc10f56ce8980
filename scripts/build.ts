#!/usr/bin/env tsx
// npm run build [-- --format pdf] [--press] [--manuscript DIR] [--out DIR] [--quiet] [--jobs N] [--no-cache]
import path from 'node:path';
import { buildBook } from './lib/build-book.ts';
import { parseCommandArgs } from './lib/cli-args.ts';
import { PRINT_OPTIONS, printOptions } from './lib/print/print-options.ts';
import { runCli } from './lib/run-cli.ts';

await runCli(async () => {
  const { common, values } = parseCommandArgs(process.argv.slice(2), { ...PRINT_OPTIONS, press: { type: 'boolean', default: false } });
  const result = await buildBook({ ...common, press: Boolean(values.press), print: printOptions(values) });
  for (const { file, detail, bytes } of result.summaries) {
    const format = file.endsWith('-press.pdf') ? 'PRESS' : path.extname(file).slice(1).toUpperCase() || 'WEB';
    console.log(`${format.padEnd(5)} ${path.relative(process.cwd(), file)}   ${detail}   ${(bytes / 1024).toFixed(0)} KB`);
  }
  console.log(`done in ${result.seconds.toFixed(1)} s`);
});
