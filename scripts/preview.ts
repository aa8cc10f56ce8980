#!/usr/bin/env tsx
// npm run preview [-- --port 4173] [--host 127.0.0.1] [--manuscript DIR]
// Serves the paged view (Paged.js in the browser, as spreads) and the web view, and updates the open page
// whenever manuscript/ or styles/ change.
import { parseCommandArgs, UsageError } from './lib/cli-args.ts';
import { formatDiagnostic } from './lib/diagnostics.ts';
import { onStopRequest } from './lib/interrupt.ts';
import { startPreviewServer } from './lib/preview/preview-server.ts';
import { runCli } from './lib/run-cli.ts';

await runCli(async () => {
  const { common, values } = parseCommandArgs(process.argv.slice(2), {
    port: { type: 'string', default: '4173' },
    host: { type: 'string', default: '127.0.0.1' },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not "${String(values.port)}"`);
  const server = await startPreviewServer({
    manuscriptDir: common.manuscriptDir,
    host: String(values.host),
    port,
    onBuild(state) {
      const time = new Date().toLocaleTimeString('nl-NL');
      if (state.ok) console.log(`[${time}] rebuilt in ${Math.round(state.buildMs)} ms`);
      else console.log(`[${time}] the manuscript has errors:\n${state.diagnostics.map(formatDiagnostic).join('\n')}`);
    },
  });
  console.log(`preview: ${server.url}  (paged view and web view; Ctrl-C stops)`);
  await new Promise<void>((resolve) => onStopRequest(resolve));
  await server.close();
});
