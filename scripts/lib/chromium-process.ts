import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { atInterrupt } from './interrupt.ts';
import { logRun } from './run-log.ts';

/**
 * Chromium's process, started without puppeteer: the build command starts it before it loads anything else
 * (puppeteer itself and the pipeline take 0.3-0.9 s to load), and browser.ts connects to it once puppeteer is
 * in. Chromium's launch, ~1 s from spawn to a tab, then runs beside all of that loading and the reading of the
 * manuscript, instead of starting after the loading and ending after the reading.
 */

export const BROWSER_ENV = 'CHROMIUM_PATH';
/**
 * Debian's headless shell first (package chromium-headless-shell): the same Chromium, Blink and PDF printer
 * as /usr/bin/chromium, without a browser's windows, tab strips and services, which the full browser builds
 * and runs even headless: it starts with less work and opens tabs sooner.
 */
const SYSTEM_CHROMIUM = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Whether a Chromium binary is a headless shell (Debian's chromium-headless-shell, puppeteer's chrome-headless-shell),
 * which puppeteer starts with `--headless` instead of `--headless=new`. */
export function isHeadlessShell(executablePath: string): boolean {
  return path.basename(executablePath).includes('headless-shell');
}

/**
 * The DevTools WebSocket endpoint of a Chromium that `npm test` starts once for the builds of a test run
 * (tests/run.mjs): each build then opens its pages in a browser context of its own there instead of starting a
 * Chromium (about 3 s of processor time each, most of a small test build's). Empty or unset: every build starts
 * its own. A test about the browser's own life (a crash, an interrupt, a launch that fails, what a build leaves
 * running) unsets it for the builds it runs.
 */
export const SHARED_BROWSER_ENV = 'BOOK_SHARED_CHROMIUM';

/** Headless flags that keep Chromium quiet on a machine without network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-dev-shm-usage',
  '--disable-sync',
  '--no-first-run',
  '--font-render-hinting=none',
  // Headless Chrome still builds the omnibox popups of its hidden window, as two WebUI renderers for every
  // browser context: ~0.7 s of CPU per context, a second of a 20× build on two cores. The book needs none.
  // Nor a spare renderer: Chromium starts one ahead each time a tab takes the one it had, and a build opens
  // its few tabs when it knows it needs them; the 1× book in every format started two or three it never used.
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup,SpareRendererForSitePerProcess',
  // The network service in the browser process, not a process of its own (~25-35 MB): the build's pages load
  // only what request interception serves them.
  '--enable-features=NetworkServiceInProcess2',
  // No window and tab at start (about:blank, in the default context): the browser process and that tab's
  // renderer took ~0.45 s of processor time while the build loads and reads, and the build opens the tabs it
  // needs, each in a window of its own.
  '--no-startup-window',
];

/** The switches puppeteer 24 starts Chromium with before the caller's (`puppeteer.defaultArgs`), but for the
 * features, which it merges with the caller's. tests/processes.test.ts checks `chromiumArguments` against
 * puppeteer's own, so an upgrade that changes them fails there. */
const PUPPETEER_SWITCHES = [
  '--allow-pre-commit-input',
  '--disable-background-networking',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-breakpad',
  '--disable-client-side-phishing-detection',
  '--disable-component-extensions-with-background-pages',
  '--disable-crash-reporter',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
  '--disable-hang-monitor',
  '--disable-infobars',
  '--disable-ipc-flooding-protection',
  '--disable-popup-blocking',
  '--disable-prompt-on-repost',
  '--disable-renderer-backgrounding',
  '--disable-search-engine-choice-screen',
  '--disable-sync',
  '--enable-automation',
  '--export-tagged-pdf',
  '--force-color-profile=srgb',
  '--generate-pdf-document-outline',
  '--metrics-recording-only',
  '--no-first-run',
  '--password-store=basic',
  '--use-mock-keychain',
];
const PUPPETEER_DISABLED_FEATURES = ['Translate', 'AcceptCHFrame', 'MediaRouter', 'OptimizationHints', 'WebUIReloadButton', 'ProcessPerSiteUpToMainFrameThreshold', 'IsolateSandboxedIframes'];
const PUPPETEER_ENABLED_FEATURES = ['PdfOopif'];
const puppeteerHeadless = (shell: boolean) => [shell ? '--headless' : '--headless=new', '--hide-scrollbars', '--mute-audio', '--disable-extensions', 'about:blank'];

/** The features a list of switches names with `--<name>=A,B`. */
function features(args: readonly string[], name: string): string[] {
  return args.filter((a) => a.startsWith(`--${name}=`)).flatMap((a) => a.slice(name.length + 3).split(',').filter(Boolean));
}

/** Chromium's command line as `puppeteer.launch({ headless: true, args: CHROMIUM_ARGS, userDataDir })` made it
 * (`headless: 'shell'` for a headless shell). */
export function chromiumArguments(userDataDir: string, headlessShell = false): string[] {
  const own = CHROMIUM_ARGS.filter((a) => !a.startsWith('--disable-features=') && !a.startsWith('--enable-features='));
  return [
    ...PUPPETEER_SWITCHES,
    `--disable-features=${[...PUPPETEER_DISABLED_FEATURES, ...features(CHROMIUM_ARGS, 'disable-features')].join(',')}`,
    `--enable-features=${[...PUPPETEER_ENABLED_FEATURES, ...features(CHROMIUM_ARGS, 'enable-features')].join(',')}`,
    `--user-data-dir=${userDataDir}`,
    ...puppeteerHeadless(headlessShell),
    ...own,
    '--remote-debugging-port=0',
  ];
}

/** The Chromium named by $CHROMIUM_PATH (or $PUPPETEER_EXECUTABLE_PATH) or the system's; `missing` when the
 * variable names no file; undefined when neither is set or installed (puppeteer's download may be). */
export function configuredChromium(env: NodeJS.ProcessEnv = process.env): string | { missing: string } | undefined {
  const fromEnv = env[BROWSER_ENV] ?? env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : { missing: fromEnv };
  return SYSTEM_CHROMIUM.find((p) => existsSync(p));
}

/** Ends a process group at once; a group already gone is fine. */
export function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

/**
 * A shell that outlives this process only to clean up after it. It waits for the end of a pipe this process
 * holds, which closes however the process ends (SIGKILL included), then ends the browser's process group
 * (its pid comes down the pipe once Chromium is spawned), every other process that names the browser's folder
 * in its command line or environment (one started before the pid was known; the crash handlers, which leave
 * the group), and removes the folder. A build that closes its browser in order ends the watchdog first.
 */
const WATCHDOG = `
read -r pid
cat >/dev/null
[ -n "$pid" ] && kill -9 -"$pid" 2>/dev/null
for f in $(grep -lsF "$1" /proc/[0-9]*/cmdline /proc/[0-9]*/environ); do
  p=\${f#/proc/}
  p=\${p%%/*}
  [ "$p" = "$$" ] || kill -9 "$p" 2>/dev/null
done
rm -rf "$1"
`;

function startWatchdog(home: string): ChildProcess | undefined {
  try {
    const watchdog = spawn('sh', ['-c', WATCHDOG, 'book-browser-watchdog', home], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.on('error', () => undefined);
    watchdog.stdin?.on('error', () => undefined);
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return watchdog;
  } catch {
    return undefined;
  }
}

/** Chromium started for one build (or one watching session), not yet connected to. */
export interface ChromiumProcess {
  executablePath: string;
  child: ChildProcess;
  /** The folder of its profile and temporary files. */
  home: string;
  /** The DevTools WebSocket address, once Chromium says it listens; rejects if it exits first or does not say
   * so within the time given. */
  endpoint: Promise<string>;
  /** Kills its process group and leaves the folder to the watchdog (`exiting`), or removes it now and ends
   * the watchdog. */
  stop(options?: { exiting?: boolean }): Promise<void>;
}

/** The line Chromium writes to stderr once it takes DevTools connections (as puppeteer reads it), whole: a
 * chunk of stderr may end inside the address. */
const ENDPOINT_LINE = /^DevTools listening on (ws:\/\/\S+)\r?\n/m;

/**
 * Starts Chromium: in a process group of its own, with its profile and its temporary files
 * (--disable-dev-shm-usage puts shared memory there) in one folder of its own, so that stopping it ends every
 * process it started (zygote, renderers) and leaves no file. On SIGINT, SIGTERM and SIGHUP the same happens from
 * interrupt.ts; when this process is killed outright, from the watchdog.
 */
export function startChromium(executablePath: string, timeoutMs = 30_000): ChromiumProcess {
  logRun('chromium');
  const home = mkdtempSync(path.join(tmpdir(), 'book-chromium-'));
  const removeHome = (): void => rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  // Started before Chromium, so that no moment of the launch is left uncovered.
  const watchdog = startWatchdog(home);
  const endWatchdog = (): void => {
    if (watchdog?.pid) killGroup(watchdog.pid);
  };
  let child: ChildProcess | undefined;
  // The watchdog is left running: interrupted during the launch, Chromium may still write its profile after
  // the folder is removed here; the watchdog, once this process has exited, ends every process naming the
  // folder and removes it again.
  const unregister = atInterrupt(() => {
    killGroup(child?.pid);
    removeHome();
  });
  mkdirSync(path.join(home, 'tmp'));
  child = spawn(executablePath, chromiumArguments(path.join(home, 'profile'), isHeadlessShell(executablePath)), {
    detached: true,
    env: { ...process.env, TMPDIR: path.join(home, 'tmp') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const started = child;
  watchdog?.stdin?.write(`${started.pid ?? ''}\n`);
  const endpoint = new Promise<string>((resolve, reject) => {
    let said = '';
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`${why}${said.trim() ? `: ${said.trim().split('\n').slice(-3).join(' / ')}` : ''}`));
    };
    timer = setTimeout(() => fail(`no DevTools address within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    timer.unref();
    started.once('error', (error) => fail(error.message));
    started.once('exit', (code, signal) => fail(`it exited (${signal ?? `code ${code}`})`));
    // Read to the end, or Chromium blocks once the pipe is full.
    started.stderr?.on('data', (chunk: Buffer) => {
      if (said.length > 20_000) return;
      said += chunk.toString();
      const found = settled ? null : ENDPOINT_LINE.exec(said);
      if (found) {
        settled = true;
        clearTimeout(timer);
        resolve(found[1] as string);
      }
    });
  });
  endpoint.catch(() => undefined);
  let stopping: Promise<void> | undefined;
  return {
    executablePath,
    child: started,
    home,
    endpoint,
    stop({ exiting = false } = {}) {
      stopping ??= (async () => {
        // Nothing of the profile is kept, so there is nothing to close in order: the whole group goes at
        // once (a graceful close left the zygote and renderers running, holding this process's pipes open).
        if (exiting && watchdog) return killGroup(started.pid);
        const exited = started.exitCode === null && started.signalCode === null ? new Promise<void>((resolve) => started.once('exit', () => resolve())) : Promise.resolve();
        killGroup(started.pid);
        await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref())]);
        await rm(home, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
        endWatchdog();
        unregister();
      })();
      return stopping;
    },
  };
}

/**
 * Chromium started now for a build that will lay pages out, if it will start its own (not in the test run's
 * shared Chromium) and one is installed or named where no puppeteer is needed to find it; otherwise none, and
 * the build starts one as it always did.
 */
export function startChromiumEarly(env: NodeJS.ProcessEnv = process.env): ChromiumProcess | undefined {
  if (env[SHARED_BROWSER_ENV]) return undefined;
  const found = configuredChromium(env);
  if (typeof found !== 'string') return undefined;
  try {
    return startChromium(found);
  } catch {
    return undefined;
  }
}
