import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { $ } from 'zx';
import type { Diagnostic } from '../diagnostics.ts';
import { escapeHtml } from '../html.ts';
import { writeFileAtomic } from '../output.ts';

const DPI = 60;

/** The proof report's file: `<slug>-proof.html` beside the PDF it shows. */
export function proofReportFile(pdfFile: string): string {
  return path.join(path.dirname(pdfFile), `${path.basename(pdfFile, '.pdf')}-proof.html`);
}

/** A self-contained HTML page: every page of the PDF as a thumbnail, each finding marked where it is (its
 * `page`, and `y` in PDF points from the top of the sheet). */
export async function writeProofReport(pdfFile: string, outFile: string, findings: readonly Diagnostic[]): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'book-proof-'));
  try {
    await $({ quiet: true })`pdftoppm -r ${DPI} -png ${pdfFile} ${path.join(work, 'p')}`;
    const files = (await readdir(work)).filter((f) => f.endsWith('.png')).sort();
    const scale = DPI / 72;
    const pages: string[] = [];
    for (const [index, file] of files.entries()) {
      const page = index + 1;
      const here = findings.filter((f) => f.page === page);
      const png = (await readFile(path.join(work, file))).toString('base64');
      const marks = here
        .map((f, i) => {
          const top = Math.max(0, (f.y ?? 0) * scale);
          return `<div class="mark ${f.severity}" style="top:${top.toFixed(1)}px" title="${escapeHtml(f.message)}">${i + 1}</div>`;
        })
        .join('');
      const list = here
        .map((f, i) => `<li class="${f.severity}"><b>${i + 1}</b> ${escapeHtml(f.rule)}: ${escapeHtml(f.message)} <span class="src">${escapeHtml(f.file)}:${f.line}</span></li>`)
        .join('');
      pages.push(
        `<figure class="${here.length ? 'flagged' : ''}${here.length && here.every((f) => f.severity !== 'error') ? ' warnings-only' : ''}" id="p${page}"><div class="sheet"><img src="data:image/png;base64,${png}" alt="page ${page}">${marks}</div>` +
          `<figcaption>p. ${page}${here.length ? ` — ${here.length} finding(s)` : ''}</figcaption><ol>${list}</ol></figure>`,
      );
    }
    const errors = findings.filter((f) => f.severity === 'error').length;
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Layout proof: ${escapeHtml(path.basename(pdfFile))}</title>
<style>
body { font: 13px/1.4 system-ui, sans-serif; margin: 16px; background: #eee; }
h1 { font-size: 18px; }
main { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
figure { margin: 0; background: #fff; padding: 6px; width: min-content; box-shadow: 0 1px 3px #0003; }
figure.flagged { outline: 3px solid #d33; }
.sheet { position: relative; }
.sheet img { display: block; border: 1px solid #ccc; }
.mark { position: absolute; left: -4px; right: -4px; height: 14px; border: 2px solid #d33; background: #d331; color: #fff;
  font-size: 10px; line-height: 14px; text-align: left; padding-left: 2px; box-sizing: border-box; color: #d33; font-weight: 700; }
.mark.warning { border-color: #e90; background: #e901; color: #b60; }
.mark.info { border-color: #39c; background: #39c1; color: #27a; }
figure.flagged.warnings-only { outline-color: #e90; }
figcaption { font-weight: 600; margin-top: 4px; }
ol { list-style: none; padding: 0; margin: 4px 0 0; max-width: ${Math.round(400 * scale)}px; font-size: 11px; }
li.error b { background: #d33; color: #fff; padding: 0 4px; }
li.warning b { background: #e90; color: #fff; padding: 0 4px; }
.src { color: #666; }
</style></head><body>
<h1>Layout proof — ${escapeHtml(path.basename(pdfFile))}: ${files.length} pages, ${findings.length} finding(s), ${errors} error(s)</h1>
<main>
${pages.join('\n')}
</main>
</body></html>
`;
    await writeFileAtomic(outFile, html);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
