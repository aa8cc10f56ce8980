/**
 * pdf-lib 1.17 makes a new `PDFNumber` for every number it reads, copies or is given, and each one writes its
 * number out in its constructor (`numberToString`: two `toString`s, a `split` and a `parseInt`). Merging the
 * 20× book's printed documents and writing its structure tree made ~25 ms of a watching build's save of
 * that alone (a V8 profile). A `PDFNumber` cannot change once made (its value and its text are set in the
 * constructor; pdf-lib has no setter, and nothing in it or here tells two equal numbers apart by identity),
 * so one object per value can stand for every use of it:
 * `PDFNumber.of` gives the object it gave before for the same number. The file written is the same bytes
 * (`tests/pdf-lib-patches.test.ts` saves a document with and without it).
 */
import { PDFNumber } from 'pdf-lib';

/** Values kept at most; then the table starts over (the text of a page's numbers repeats little beyond). */
const MOST_KEPT = 1 << 16;

const unshared: (value: number) => PDFNumber = PDFNumber.of;
let shared: Map<number, PDFNumber> | undefined;

function sharedNumber(value: number): PDFNumber {
  const table = shared as Map<number, PDFNumber>;
  let number = table.get(value);
  if (number === undefined) {
    if (table.size >= MOST_KEPT) table.clear();
    number = unshared(value);
    table.set(value, number);
  }
  return number;
}

/** One `PDFNumber` per value from now on, in this thread (each thread has its own pdf-lib). Idempotent. */
export function sharePdfNumbers(): void {
  if (shared) return;
  shared = new Map();
  PDFNumber.of = sharedNumber;
}

/** Runs `work` with pdf-lib's own `PDFNumber.of` until it has settled (for the test that compares the two). */
export async function withUnsharedPdfNumbers<T>(work: () => T | Promise<T>): Promise<T> {
  const current = PDFNumber.of;
  PDFNumber.of = unshared;
  try {
    return await work();
  } finally {
    PDFNumber.of = current;
  }
}
