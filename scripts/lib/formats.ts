/** The output formats. The press PDF (PDF/X) is made from the print PDF; the cover is sized from its pages. */
export const FORMATS = ['pdf', 'press', 'cover', 'epub', 'web'] as const;
export type Format = (typeof FORMATS)[number];

/** What `--format all` (the default) builds; the press PDF and the cover are asked for (`--format press`,
 * `--press`, book.yaml print.press.enabled; `--format cover`), since they need Ghostscript. */
export const ALL_FORMATS: readonly Format[] = ['pdf', 'epub', 'web'];

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}
