import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Check } from '../checks/check.ts';
import { BuildError, diagnostic, type Diagnostic } from '../diagnostics.ts';

/** The built EPUB against EPUBCheck, Ace by DAISY and, in Chromium, axe-core on every content document. */
export const epubCheck: Check = {
  name: 'epub',
  needs: ['epub'],
  async run({ outputs, browser }) {
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
      found.push(
        diagnostic(
          'epub/epubcheck-unavailable',
          { file: EPUBCHECK_JAR, source: 'java' },
          `${(error as Error).message}; on Debian: \`apt-get install epubcheck default-jre-headless\` (or set EPUBCHECK_JAR)`,
        ),
      );
    }
    try {
      const { aceDiagnostics, runAce } = await import('./ace.ts');
      found.push(...aceDiagnostics(await runAce(built.file), display));
    } catch (error) {
      found.push(diagnostic('epub/ace-failed', { file: display, source: 'ace' }, `Ace by DAISY did not finish: ${(error as Error).message.split('\n')[0]}`));
    }
    try {
      found.push(...accessibilityDiagnostics(await auditEpub((await browser()).browser, await readFile(built.file)), display));
    } catch (error) {
      if (error instanceof BuildError) found.push(...error.diagnostics);
      else {
        found.push(diagnostic('epub/a11y-failed', { file: display, source: 'chromium' }, `the accessibility check did not finish: ${(error as Error).message.split('\n')[0]}`));
      }
    }
    return found;
  },
};
