/** The output formats. The press PDF (PDF/X) is made from the print PDF. */
export const FORMATS = ['pdf', 'press', 'epub', 'web'] as const;
export type Format = (typeof FORMATS)[number];

/** What `--format all` (the default) builds; the press PDF is asked for (`--format press`, `--press`,
 * book.yaml print.press.enabled), since it needs Ghostscript. */
export const ALL_FORMATS: readonly Format[] = ['pdf', 'epub', 'web'];

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}
