#!/usr/bin/env tsx
// npm run build [-- --format pdf] [--manuscript DIR] [--out DIR]
import path from 'node:path';
import { buildBook } from './lib/build-book.ts';
import { parseBuildArgs } from './lib/cli-args.ts';
import { runCli } from './lib/run-cli.ts';

await runCli(async () => {
  const args = parseBuildArgs(process.argv.slice(2));
  const result = await buildBook(args);
  if (result.pdf) {
    const { file, pages, bytes } = result.pdf;
    console.log(`PDF   ${path.relative(process.cwd(), file)}   ${pages} pages   ${(bytes / 1024).toFixed(0)} KB`);
  }
  console.log(`done in ${result.seconds.toFixed(1)} s`);
});
