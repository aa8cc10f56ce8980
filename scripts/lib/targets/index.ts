import type { Format } from '../formats.ts';
import type { Target } from './target.ts';

/**
 * Every output format and the module that makes it, loaded when the format is built: `--format pdf` does
 * not load the EPUB packager at start-up.
 */
export const TARGETS: Record<Format, () => Promise<Target>> = {
  pdf: async () => (await import('../print/print-target.ts')).printTarget,
  press: async () => (await import('../press/press-target.ts')).pressTarget,
  cover: async () => (await import('../cover/cover-target.ts')).coverTarget,
  epub: async () => (await import('../epub/epub-target.ts')).epubTarget,
  web: async () => (await import('../web/web-target.ts')).webTarget,
};
