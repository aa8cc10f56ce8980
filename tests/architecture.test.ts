import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CHECKS } from '../scripts/lib/checks/index.ts';
import { FORMATS, type Format } from '../scripts/lib/formats.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { TARGETS } from '../scripts/lib/targets/index.ts';
import { orderTargets, planTargets, type Planned } from '../scripts/lib/targets/plan.ts';

const lib = path.join(projectRoot, 'scripts', 'lib');

/**
 * Every module under scripts/lib and the modules it imports among them: static and dynamic imports, and
 * type-only ones (`import type`, `export type … from`) unless `values` is set.
 */
function importGraph(values = false): Map<string, string[]> {
  const files = readdirSync(lib, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|js)$/.test(f)).map((f) => path.join(lib, f));
  const known = new Set(files);
  return new Map(
    files.map((file) => {
      const text = readFileSync(file, 'utf8');
      const imports = [...text.matchAll(/((?:import|export)\s+type\b[^'"]*?from\s+|from\s+|import\s*\(\s*|import\s+)['"](\.[^'"]+)['"]/g)]
        .filter((m) => !(values && /^(import|export)\s+type\b/.test(m[1] as string)))
        .map((m) => path.resolve(path.dirname(file), m[2] as string));
      return [file, [...new Set(imports.filter((i) => known.has(i)))]];
    }),
  );
}

/** The import cycles of a graph, each as a path of files relative to scripts/lib. */
function cyclesOf(graph: Map<string, string[]>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push(stack.slice(stack.indexOf(next)).concat(next).map((f) => path.relative(lib, f)).join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

test('the modules of scripts/lib import each other without a cycle, not even through types', () => {
  const graph = importGraph();
  assert.ok(graph.size > 50 && [...graph.values()].flat().length > 100, 'the graph was read');
  const values = importGraph(true);
  assert.ok([...graph.values()].flat().length > [...values.values()].flat().length + 20, 'type-only imports were read');
  // A cycle through a type is still two modules that each need the other to be understood: a type both name
  // goes to a leaf module (targets/outputs.ts, print/runtime/contract.ts, contributor-roles.ts).
  assert.deepEqual(cyclesOf(graph), []);
  assert.deepEqual(cyclesOf(values), []);
});

test('checks read what the build made: none starts a browser or builds a format of its own', () => {
  const checkModules = [...importGraph().keys()].filter((f) => /-check\.ts$|checks\/(preflight|pdf-ua)-run\.ts$/.test(f));
  assert.ok(checkModules.length >= 5, checkModules.join(', '));
  for (const file of checkModules) {
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /launchBrowser|buildPressPdf|printBook|writeProofReport/, path.relative(lib, file));
  }
  for (const check of CHECKS) for (const format of check.needs) assert.ok((FORMATS as readonly string[]).includes(format), `${check.name} needs ${format}`);
});

test('targets are built after what they need and what they read; asking for one builds what it needs', async () => {
  const t = (format: Format, needs: Format[] = [], reads: Format[] = []): Planned => ({ format, needs, reads });
  const order = (targets: Planned[]): string[] => orderTargets(targets).map((p) => p.format);
  assert.deepEqual(order([t('web'), t('epub', [], ['pdf']), t('press', ['pdf']), t('pdf')]), ['web', 'pdf', 'epub', 'press']);
  assert.throws(() => orderTargets([t('pdf', ['press']), t('press', ['pdf'])]), /depend on each other: pdf -> press -> pdf/);
  // The real targets: the press PDF needs the print PDF, the EPUB reads its layout when both are built.
  const planned = async (formats: Format[]): Promise<string[]> => (await planTargets(formats, (f) => TARGETS[f]())).map((p) => p.format);
  assert.deepEqual(await planned(['press']), ['pdf', 'press']);
  assert.deepEqual(await planned(['web', 'epub', 'pdf']), ['pdf', 'epub', 'web']);
  assert.deepEqual(await planned(['epub']), ['epub']);
  // The cover is sized from the print PDF's pages.
  assert.deepEqual(await planned(['cover']), ['pdf', 'cover']);
});
