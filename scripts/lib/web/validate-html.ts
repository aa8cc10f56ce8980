import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { diagnostic, type Diagnostic } from '../diagnostics.ts';
import { SHORT_RUN_JVM_OPTIONS } from '../java-options.ts';
import { logRun } from '../run-log.ts';
import { packageDir } from '../paths.ts';

const run = promisify(execFile);

interface VnuMessage {
  type: 'error' | 'info' | 'non-document-error';
  subType?: 'warning' | 'fatal' | 'io' | 'schema' | 'internal';
  message: string;
  lastLine?: number;
  firstColumn?: number;
  lastColumn?: number;
  extract?: string;
}

/** The Nu Html Checker (vnu.jar, the W3C validator) on HTML files; one diagnostic per message. */
export async function validateHtml(files: string[], displayName: (file: string) => string = (f) => f): Promise<Diagnostic[]> {
  logRun('vnu');
  const jar = path.join(packageDir('vnu-jar'), 'build', 'dist', 'vnu.jar');
  const java = process.env.JAVA ?? 'java';
  let output: string;
  try {
    // vnu exits 1 when it finds errors; the JSON report is on stderr either way.
    const { stderr } = await run(java, [...SHORT_RUN_JVM_OPTIONS, '-jar', jar, '--format', 'json', '--also-check-css', ...files], { timeout: 120_000, maxBuffer: 32 * 2 ** 20 });
    output = stderr;
  } catch (error) {
    const failed = error as { stderr?: string; code?: string | number; message: string };
    if (failed.code === 'ENOENT') {
      return [diagnostic('web/validator-unavailable', { source: 'java' }, 'Java is needed for the HTML validator (vnu.jar): on Debian `apt-get install default-jre-headless`')];
    }
    if (!failed.stderr?.trim().startsWith('{')) throw new Error(`vnu.jar failed: ${failed.message}`);
    output = failed.stderr;
  }
  const { messages } = JSON.parse(output) as { messages: (VnuMessage & { url?: string })[] };
  return messages.map((m) =>
    diagnostic(
      m.type === 'info' ? (m.subType === 'warning' ? 'web/html-warning' : 'web/html-info') : 'web/html-invalid',
      { file: m.url ? displayName(decodeURIComponent(new URL(m.url).pathname)) : '', line: m.lastLine ?? 0, column: m.firstColumn ?? m.lastColumn ?? 0, source: 'vnu' },
      m.extract ? `${m.message} (at “${m.extract.trim().slice(0, 60)}”)` : m.message,
    ),
  );
}
