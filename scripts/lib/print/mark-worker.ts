// A worker thread of print/marking-workers.ts: marks printed documents' content for the tagged PDF, one
// request at a time, and answers with the marks and the pages' new streams in one buffer (handed over, not
// copied). Its own entry in the bundle of the commands (scripts/run.mjs).
import { parentPort } from 'node:worker_threads';
import { markPrinted, type MarkRequest } from './mark-document.ts';
import type { MarkReply } from './marking-workers.ts';
import { sharePdfNumbers } from '../pdf/pdf-lib-patches.ts';
import { threadWorked } from '../start-thread.ts';

sharePdfNumbers();

const port = parentPort;
if (!port) throw new Error('print/mark-worker.ts runs as a worker thread of print/marking-workers.ts');
port.on('message', (request: MarkRequest) => {
  markPrinted(request).then(
    ({ marks, streams }) => {
      const data = new Uint8Array(streams.reduce((sum, stream) => sum + stream.bytes.length, 0));
      let at = 0;
      const pages = streams.map(({ index, bytes }): [number, number] => {
        data.set(bytes, at);
        at += bytes.length;
        return [index, bytes.length];
      });
      const reply: MarkReply = { marks, pages, data };
      threadWorked();
      port.postMessage(reply, [data.buffer]);
    },
    (error: unknown) => {
      const reply: MarkReply = { error: error instanceof Error ? { message: error.message, stack: error.stack } : { message: String(error) } };
      port.postMessage(reply);
    },
  );
});
