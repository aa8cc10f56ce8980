// Runs pagedjs-cli with the DevTools protocol timeout of its puppeteer lifted: `node <this file> <pagedjs-cli's
// src/cli.js> [its options]`. pagedjs-cli 0.4.3 launches puppeteer 20 with puppeteer's default protocolTimeout,
// 180 s, and its own `--timeout` sets only the page's: a book the page takes longer than that to lay out (the
// bench's 100× book on a slow machine) fails with "Runtime.callFunctionOn timed out" whatever `--timeout` says.
// The bench gives the peer the same time as our build, which has no such limit. BOOK_PAGEDJS_CLI_PROTOCOL_TIMEOUT
// (ms) sets another, for tests/bench.test.ts to see that it reaches pagedjs-cli's puppeteer.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [cli, ...args] = process.argv.slice(2);
if (!cli) throw new Error('usage: node pagedjs-cli-protocol-timeout.mjs <pagedjs-cli src/cli.js> [options]');
const timeout = Number(process.env.BOOK_PAGEDJS_CLI_PROTOCOL_TIMEOUT ?? 3_600_000);
// The puppeteer pagedjs-cli imports (its own, nested or hoisted), as an ES module: the instance it launches with.
const manifest = createRequire(cli).resolve('puppeteer/package.json');
const entry = JSON.parse(readFileSync(manifest, 'utf8')).exports['.'].import;
const { default: puppeteer } = await import(pathToFileURL(path.join(path.dirname(manifest), typeof entry === 'string' ? entry : entry.default)).href);
const launch = puppeteer.launch.bind(puppeteer);
puppeteer.launch = (options = {}) => launch({ protocolTimeout: timeout, ...options });
// pagedjs-cli reads its options from process.argv, as when run itself.
process.argv = [process.argv[0], cli, ...args];
await import(pathToFileURL(cli).href);
