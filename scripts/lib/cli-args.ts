import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ALL_FORMATS, FORMATS, isFormat, type Format } from './formats.ts';
import { projectRoot } from './paths.ts';

export interface CommonArgs {
  manuscriptDir: string;
  outDir: string;
  formats: Format[];
  quiet: boolean;
  /** Write into an output folder that holds other things, and replace a web/ the build did not write. */
  force: boolean;
  /** Print: documents paginated at once (1: the whole book as one document), and whether to use the cache. */
  print?: PrintBuildOptions;
}

export interface PrintBuildOptions {
  jobs?: number;
  cache?: boolean;
}

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON_OPTIONS = {
  manuscript: { type: 'string', default: path.join(projectRoot, 'manuscript') },
  out: { type: 'string', default: path.join(projectRoot, 'build') },
  format: { type: 'string', multiple: true },
  quiet: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  /** Internal errors with their stack (run-cli.ts reads it from the command line). */
  debug: { type: 'boolean', default: false },
} as const satisfies Options;

/**
 * The CLI contract every command shares: --manuscript DIR, --out DIR, --format F (repeatable or
 * comma-separated, `all` by default), --quiet, --force, --debug; `extra` adds a command's own options.
 */
export function parseCommandArgs<T extends Options>(argv: string[], extra: T, formatNames: readonly string[] = FORMATS) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...extra }, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as Record<string, unknown>;
  const requested = ((values.format as string[] | undefined) ?? ['all']).flatMap((f) => f.split(','));
  const formats = requested.includes('all') ? [...ALL_FORMATS] : requested;
  for (const format of formats) {
    if (!formatNames.includes(format) || !isFormat(format)) {
      throw new UsageError(`unknown format "${format}": choose from ${FORMATS.join(', ')} or all`);
    }
  }
  const common: CommonArgs = {
    manuscriptDir: path.resolve(String(values.manuscript)),
    outDir: path.resolve(String(values.out)),
    formats: formats as Format[],
    quiet: Boolean(values.quiet),
    force: Boolean(values.force),
  };
  return { common, values: parsed.values };
}
