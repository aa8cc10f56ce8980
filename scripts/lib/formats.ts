/** The output formats, in the order a full build makes them. */
export const FORMATS = ['pdf', 'web'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}
