import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from './paths.ts';

export const FORMATS = ['pdf'] as const;
export type Format = (typeof FORMATS)[number];

export interface BuildArgs {
  manuscriptDir: string;
  outDir: string;
  formats: Format[];
  quiet: boolean;
}

export class UsageError extends Error {}

/** The CLI contract every command shares: --manuscript DIR, --out DIR, --format F. */
export function parseBuildArgs(argv: string[]): BuildArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        manuscript: { type: 'string', default: path.join(projectRoot, 'manuscript') },
        out: { type: 'string', default: path.join(projectRoot, 'build') },
        format: { type: 'string', multiple: true },
        quiet: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const requested = (parsed.values.format ?? ['all']).flatMap((f) => f.split(','));
  const formats = requested.includes('all') ? [...FORMATS] : requested;
  for (const format of formats) {
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`unknown format "${format}": choose from ${FORMATS.join(', ')} or all`);
    }
  }
  return {
    manuscriptDir: path.resolve(parsed.values.manuscript),
    outDir: path.resolve(parsed.values.out),
    formats: formats as Format[],
    quiet: parsed.values.quiet,
  };
}
