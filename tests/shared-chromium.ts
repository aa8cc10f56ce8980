// The Chromium of a test run (tests/run.mjs starts this): launched as a build launches its own, with the same
// flags, its endpoint printed on the first line of stdout; the builds of the run open browser contexts in it
// (SHARED_BROWSER_ENV in scripts/lib/browser.ts). It is ended when stdin or stdout closes, which happens
// however run.mjs ends (SIGKILL included), or on a signal; killed outright, its watchdog ends the Chromium.
import { launchBrowser } from '../scripts/lib/browser.ts';
import { handleInterrupts } from '../scripts/lib/interrupt.ts';

handleInterrupts(() => undefined);
const session = await launchBrowser();
const end = (): void => void session.close().then(() => process.exit(0));
process.stdout.on('error', end);
process.stdin.on('end', end);
process.stdin.on('error', end);
process.stdout.write(`${session.browser.wsEndpoint()}\n`);
process.stdin.resume();
