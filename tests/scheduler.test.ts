// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Semaphore, WorkerPool } from '../scripts/lib/print/scheduler.ts';

const tick = (ms = 1): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('the pool runs at most `workers` items at once, in the order added, items added late included', async () => {
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const pool = new WorkerPool<number>(2, async (item) => {
    started.push(item);
    running++;
    most = Math.max(most, running);
    await tick(5);
    running--;
  });
  pool.add(1, 2, 3);
  await tick(2);
  pool.add(4);
  pool.close();
  await pool.done;
  assert.deepEqual(started, [1, 2, 3, 4]);
  assert.equal(most, 2);
});

test('a failure starts no further item and rejects once the running ones end', async () => {
  const finished: number[] = [];
  const pool = new WorkerPool<number>(2, async (item) => {
    await tick(item === 1 ? 1 : 10);
    if (item === 1) throw new Error('item 1 failed');
    finished.push(item);
  });
  pool.add(1, 2, 3, 4);
  pool.close();
  await assert.rejects(pool.done, /item 1 failed/);
  assert.deepEqual(finished, [2], 'item 2 was under way and ends; 3 and 4 never start');
});

test('an open pool with nothing to do waits for close()', async () => {
  const pool = new WorkerPool<number>(1, async () => undefined);
  let done = false;
  void pool.done.then(() => (done = true));
  await tick(5);
  assert.equal(done, false);
  pool.close();
  await pool.done;
});

test('a semaphore lets `size` holders in and the rest in order', async () => {
  const tabs = new Semaphore(2);
  const order: string[] = [];
  await tabs.acquire();
  await tabs.acquire();
  const third = tabs.acquire().then(() => order.push('third'));
  const fourth = tabs.acquire().then(() => order.push('fourth'));
  await tick(2);
  assert.deepEqual(order, []);
  tabs.release();
  await third;
  tabs.release();
  await fourth;
  assert.deepEqual(order, ['third', 'fourth']);
});
