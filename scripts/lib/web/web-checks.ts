import path from 'node:path';
import type { Check } from '../checks/check.ts';
import { axeViolations } from './axe.ts';
import { validateHtml } from './validate-html.ts';

const display = (file: string): string => path.relative(process.cwd(), file) || file;

/** The web edition's HTML and CSS against the Nu Html Checker (the W3C validator). */
export const webHtmlCheck: Check = {
  name: 'web-html',
  needs: ['web'],
  async run({ outputs }) {
    const web = outputs.web;
    if (!web) return [];
    const files = web.files.filter((f) => /\.(html|css)$/.test(f)).map((f) => path.join(web.dir, f));
    return validateHtml(files, display);
  },
};

/** The web edition in Chromium, narrow and wide, light and dark, through axe-core. */
export const webA11yCheck: Check = {
  name: 'web-a11y',
  needs: ['web'],
  async run({ outputs, browser }) {
    const web = outputs.web;
    if (!web) return [];
    return axeViolations((await browser()).browser, web.index, display(web.index));
  },
};
