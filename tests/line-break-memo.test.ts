// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineBreakMemo, type ParagraphBreaks } from '../scripts/lib/print/line-break-memo.ts';

const breaks = (html: string): ParagraphBreaks => ({ html, outcome: 'pinned', hyphens: 0 });

describe('LineBreakMemo', () => {
  test('a snapshot holds every entry by its key, and is current until the entries change', () => {
    const memo = new LineBreakMemo();
    memo.useEnvironment('omgeving');
    memo.store([
      ['sleutel een', breaks('<span>een</span>')],
      ['sleutel twee', breaks('<span>twee</span>')],
    ]);
    const snapshot = memo.snapshot();
    assert.ok(snapshot);
    assert.deepEqual(new Map(snapshot.entries), new Map([
      ['sleutel een', breaks('<span>een</span>')],
      ['sleutel twee', breaks('<span>twee</span>')],
    ]));
    // What the page finds in the snapshot is what the build would answer.
    assert.deepEqual(memo.lookup(['sleutel twee', 'onbekend']), [breaks('<span>twee</span>'), null]);
    assert.ok(memo.unchangedSince(snapshot.version));
    memo.useEnvironment('omgeving');
    memo.store([]);
    assert.ok(memo.unchangedSince(snapshot.version), 'nothing changed');
    memo.store([['sleutel drie', breaks('drie')]]);
    assert.ok(!memo.unchangedSince(snapshot.version), 'an entry added');
    const after = memo.snapshot();
    assert.ok(after);
    memo.useEnvironment('een andere omgeving');
    assert.ok(!memo.unchangedSince(after.version), 'every entry dropped');
    assert.deepEqual(memo.lookup(['sleutel een']), [null]);
    assert.deepEqual(memo.snapshot()?.entries, []);
  });

  test('too many entries: all are dropped, and a changed entry counts once', () => {
    const memo = new LineBreakMemo(2);
    memo.store([['a', breaks('a')]]);
    memo.store([['a', breaks('a2')]]);
    assert.deepEqual(memo.lookup(['a']), [breaks('a2')]);
    memo.store([['b', breaks('b')], ['c', breaks('c')]]);
    assert.deepEqual(memo.lookup(['a', 'b', 'c']), [null, breaks('b'), breaks('c')]);
  });

  test('a printed document\'s decisions loaded once, only what the memo lacks stored; none from a read begun for another environment', async () => {
    const memo = new LineBreakMemo();
    memo.useEnvironment('omgeving');
    memo.store([['sleutel een', breaks('een')]]);
    const snapshot = memo.snapshot();
    assert.ok(snapshot);
    let reads = 0;
    const kept = async (): Promise<[string, ParagraphBreaks][]> => {
      reads++;
      return [['sleutel een', breaks('een, anders')], ['sleutel twee', breaks('twee')]];
    };
    await memo.loadDocument('doc1', kept);
    await memo.loadDocument('doc1', kept);
    assert.equal(reads, 1, 'read once');
    // The entry the memo held stays as it was; the one it lacked is added.
    assert.deepEqual(memo.lookup(['sleutel een', 'sleutel twee']), [breaks('een'), breaks('twee')]);
    assert.ok(!memo.unchangedSince(snapshot.version));
    // A document whose decisions the memo holds all: nothing changes, a snapshot given ahead stays current.
    const current = memo.snapshot();
    assert.ok(current);
    await memo.loadDocument('doc2', async () => [['sleutel twee', breaks('twee')]]);
    assert.ok(memo.unchangedSince(current.version));
    // One the memo stored as it was laid out is not read.
    memo.holdsDocument('doc3');
    await memo.loadDocument('doc3', kept);
    assert.equal(reads, 1);
    // The environment changed while the file was read: its keys say nothing of the new one.
    let finish!: (entries: [string, ParagraphBreaks][]) => void;
    const loading = memo.loadDocument('doc4', () => new Promise((resolve) => (finish = resolve)));
    memo.useEnvironment('andere omgeving');
    finish([['sleutel vier', breaks('vier')]]);
    await loading;
    assert.deepEqual(memo.lookup(['sleutel vier', 'sleutel een']), [null, null]);
    // A new environment forgets which documents were loaded.
    await memo.loadDocument('doc1', kept);
    assert.equal(reads, 2);
  });
});
