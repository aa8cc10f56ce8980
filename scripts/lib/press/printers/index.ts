import { generic } from './generic.ts';
import { ingramspark } from './ingramspark.ts';
import { kdp } from './kdp.ts';
import { lulu } from './lulu.ts';
import type { PrinterProfile } from './printer.ts';
import { pumbo } from './pumbo.ts';

/** The printers book.yaml `print.press.printer` names; `generic` is the default. */
export const PRINTERS = { generic, kdp, ingramspark, lulu, pumbo } satisfies Record<string, PrinterProfile>;
export type PrinterName = keyof typeof PRINTERS;
export const PRINTER_NAMES = Object.keys(PRINTERS) as [PrinterName, ...PrinterName[]];

export type { PrinterProfile } from './printer.ts';
