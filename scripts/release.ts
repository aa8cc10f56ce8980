#!/usr/bin/env tsx
// npm run release [-- --manuscript DIR] [--out DIR] [--quiet]
// Builds every format and the press PDF, runs every check, writes <out>/release/<slug>-<version>/ with the
// files, SHA256SUMS and the check report. Exits 1, writing no release, when a check reports an error.
import path from 'node:path';
import { parseCommandArgs } from './lib/cli-args.ts';
import { checkOutputFolder } from './lib/output-folder.ts';
import { makeRelease, SUMS_FILE } from './lib/release/make-release.ts';
import { runCli } from './lib/run-cli.ts';

await runCli(async () => {
  const { common } = parseCommandArgs(process.argv.slice(2), {});
  checkOutputFolder(common);
  const release = await makeRelease(common);
  const { errors, warnings, infos } = release.summary;
  console.log(`release ${release.version}: ${path.relative(process.cwd(), release.dir) || release.dir}`);
  for (const [file, hash] of release.sums) console.log(`  ${hash.slice(0, 16)}  ${file}`);
  console.log(`checks: ${errors} error(s), ${warnings} warning(s), ${infos} info(s); ${SUMS_FILE} written`);
});
