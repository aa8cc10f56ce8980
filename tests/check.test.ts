import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { minimalConfig } from './fixtures.ts';
import { makeManuscript, removeDir, runScript } from './helpers.ts';

const BROKEN = '# H\n\nEen zin.[^bron]\n';

test('check prints file:line:col diagnostics and fails on an error', async () => {
  const dir = await makeManuscript({ 'book.yaml': minimalConfig(), '01-hoofdstuk.md': BROKEN });
  try {
    const r = await runScript('check.ts', ['--manuscript', dir, '--out', path.join(dir, 'out')]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /01-hoofdstuk\.md:3:9\s+error\s+footnote reference \[\^bron\] has no definition\s+\[notes\/undefined-reference\]/);
    assert.match(r.stdout, /1 error\(s\), 0 warning\(s\)/);
  } finally {
    await removeDir(dir);
  }
});

test('book.yaml sets a rule\'s severity; JSON output carries the same findings', async () => {
  const dir = await makeManuscript({
    'book.yaml': minimalConfig('rules:\n  notes/undefined-reference: warning\n  no/such-rule: off\n'),
    '01-hoofdstuk.md': BROKEN,
  });
  try {
    // The print PDF alone: the severity setting is what is tested, not the EPUB's and web's checkers.
    const r = await runScript('check.ts', ['--manuscript', dir, '--out', path.join(dir, 'out'), '--report', 'json', '--format', 'pdf']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { diagnostics: { rule: string; severity: string; line: number }[]; summary: { errors: number; warnings: number } };
    assert.deepEqual(
      report.diagnostics.map((d) => [d.rule, d.severity, d.line]),
      [
        ['notes/undefined-reference', 'warning', 3],
        ['config/unknown-rule', 'warning', 10],
      ],
    );
    assert.deepEqual(report.summary, { errors: 0, warnings: 2, infos: 0 });
  } finally {
    await removeDir(dir);
  }
});
