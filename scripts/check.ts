#!/usr/bin/env tsx
// npm run check [-- --format pdf] [--manuscript DIR] [--out DIR] [--report text|json] [--list-rules] [--jobs N] [--no-cache]
// Builds what the checks need, runs every check, prints the findings; exits 1 when any is an error.
import { buildBook, requestedFormats } from './lib/build-book.ts';
import { readBook } from './lib/book.ts';
import { ALL_RULES } from './lib/rules.ts';
import { formatJson, formatRuleList, formatText, writeLayoutProof } from './lib/checks/report.ts';
import { checkSources, findingsOf, outputChecks } from './lib/checks/run-checks.ts';
import { parseCommandArgs, UsageError } from './lib/cli-args.ts';
import { checkOutputFolder } from './lib/output-folder.ts';
import { BuildError, hasErrors } from './lib/diagnostics.ts';
import { PRINT_OPTIONS, printOptions } from './lib/print/print-options.ts';
import { runCli } from './lib/run-cli.ts';

await runCli(async () => {
  const { common, values } = parseCommandArgs(process.argv.slice(2), {
    report: { type: 'string', default: 'text' },
    'list-rules': { type: 'boolean', default: false },
    ...PRINT_OPTIONS,
  });
  const report = String(values.report);
  if (report !== 'text' && report !== 'json') throw new UsageError(`--report must be text or json, not "${report}"`);
  if (values['list-rules']) {
    process.stdout.write(formatRuleList(ALL_RULES));
    return;
  }
  checkOutputFolder(common);
  // A check of every format (the default, `all`) checks the print PDF with the press PDF made from it, what a
  // printer receives. Formats named on the command line are checked alone: `--format pdf` runs the layout
  // checks without making the press PDF and preflighting it (Ghostscript), `--format pdf,press` runs both.
  const named = ((values.format as string[] | undefined) ?? ['all']).flatMap((f) => f.split(','));
  const checks = outputChecks(requestedFormats(common.formats, named.includes('all')));
  const needed = [...new Set(checks.flatMap((c) => c.needs))];
  let diagnostics;
  try {
    if (needed.length > 0) {
      const result = await buildBook({ ...common, formats: needed, quiet: true, print: printOptions(values), checks });
      diagnostics = [...result.diagnostics, ...findingsOf(result.checks)];
      await writeLayoutProof(result.outputs, result.checks);
    } else {
      diagnostics = await checkSources(await readBook({ manuscriptDir: common.manuscriptDir }), common.outDir);
    }
  } catch (error) {
    // A manuscript too broken to build is still a check result, in the same form.
    if (!(error instanceof BuildError)) throw error;
    diagnostics = error.diagnostics;
  }
  process.stdout.write(report === 'json' ? formatJson(diagnostics) : formatText(diagnostics));
  if (hasErrors(diagnostics)) process.exitCode = 1;
});
