import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { launchBrowser } from '../browser.ts';
import type { Check } from '../checks/check.ts';
import { BuildError, type Diagnostic } from '../diagnostics.ts';

/** The built EPUB against EPUBCheck and, in Chromium, axe-core on every content document. */
export const epubCheck: Check = {
  name: 'epub',
  needs: ['epub'],
  rules: [
    { id: 'epub/epubcheck-fatal', severity: 'error', description: 'EPUBCheck could not read the EPUB' },
    { id: 'epub/epubcheck-error', severity: 'error', description: 'EPUBCheck found an error (shops reject the file)' },
    { id: 'epub/epubcheck-warning', severity: 'warning', description: 'EPUBCheck found a warning' },
    { id: 'epub/epubcheck-unavailable', severity: 'error', description: 'EPUBCheck (and a Java runtime) is not installed' },
    { id: 'epub/a11y-violation', severity: 'error', description: 'axe-core found a WCAG 2.x A/AA or best-practice violation in a content document' },
    { id: 'epub/a11y-failed', severity: 'error', description: 'the accessibility check could not run (browser crashed or timed out)' },
  ],
  async run({ outputs }) {
    const built = outputs.epub;
    if (!built) return [];
    const display = path.relative(process.cwd(), built.file) || built.file;
    const found: Diagnostic[] = [];
    // Loaded when the check runs: a build that does not check the EPUB does not pay for them at start-up.
    const [{ accessibilityDiagnostics, auditEpub }, { EPUBCHECK_JAR, epubcheckDiagnostics, runEpubcheck }] = await Promise.all([
      import('./accessibility.ts'),
      import('./epubcheck.ts'),
    ]);
    try {
      found.push(...epubcheckDiagnostics(await runEpubcheck(built.file), display));
    } catch (error) {
      found.push({
        file: EPUBCHECK_JAR,
        line: 0,
        column: 0,
        severity: 'error',
        rule: 'epub/epubcheck-unavailable',
        message: `${(error as Error).message}; on Debian: \`apt-get install epubcheck default-jre-headless\` (or set EPUBCHECK_JAR)`,
      });
    }
    let session;
    try {
      session = await launchBrowser();
      found.push(...accessibilityDiagnostics(await auditEpub(session.browser, await readFile(built.file)), display));
    } catch (error) {
      if (error instanceof BuildError) found.push(...error.diagnostics);
      else {
        found.push({
          file: display,
          line: 0,
          column: 0,
          severity: 'error',
          rule: 'epub/a11y-failed',
          message: `the accessibility check did not finish: ${(error as Error).message.split('\n')[0]}`,
        });
      }
    } finally {
      await session?.close();
    }
    return found;
  },
};
