import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of this repository (where package.json, styles/ and node_modules/ are). Found by walking up: this
 * module runs from scripts/lib/ under tsx, and from the commands' bundle in .cache/cli/ (scripts/run.mjs). */
export const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));
/** The pipeline's modules and the files they read at run time (the print runtime, templates). */
export const libDir = path.join(projectRoot, 'scripts', 'lib');
export const stylesDir = path.join(projectRoot, 'styles');

const require = createRequire(path.join(projectRoot, 'package.json'));

/** Folder of an installed package. Resolved by walking up from its entry point, because some packages
 * (pagedjs) hide package.json and dist/ behind their `exports`. */
export function packageDir(name: string): string {
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    const candidate = path.join(projectRoot, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    throw new Error(`package "${name}" is not installed: run \`npm ci\``);
  }
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) {
      return dir;
    }
  }
  throw new Error(`cannot find the folder of package "${name}"`);
}

export function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')) as { version: string }).version;
}

export function projectVersion(): string {
  return (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'scripts', 'lib', 'paths.ts'))) return dir;
    if (dir === path.dirname(dir)) throw new Error(`cannot find the repository above ${from}`);
  }
}
