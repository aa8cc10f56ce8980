/**
 * Patches of pdf-lib 1.17, each the same bytes written (`tests/pdf-lib-patches.test.ts` saves documents with and
 * without them), each undone by a `with…` function for that test.
 *
 * pdf-lib 1.17 makes a new `PDFNumber` for every number it reads, copies or is given, and each one writes its
 * number out in its constructor (`numberToString`: two `toString`s, a `split` and a `parseInt`). Merging the
 * 20× book's printed documents and writing its structure tree made ~25 ms of a watching build's save of
 * that alone (a V8 profile). A `PDFNumber` cannot change once made (its value and its text are set in the
 * constructor; pdf-lib has no setter, and nothing in it or here tells two equal numbers apart by identity),
 * so one object per value can stand for every use of it:
 * `PDFNumber.of` gives the object it gave before for the same number. The file written is the same bytes
 * (`tests/pdf-lib-patches.test.ts` saves a document with and without it).
 */
import { PDFDict, PDFNumber, PDFStream, type PDFContext, type PDFName, type PDFObject } from 'pdf-lib';

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

/**
 * Writing a document, pdf-lib 1.17 copies each stream's contents into the file one byte at a time
 * (`PDFStream.copyBytesInto`), and each dictionary, measured and then written, makes an array of its entries
 * first (`PDFDict.sizeInBytes`, `copyBytesInto` and `clone`, through `entries()`). The 20× book's 3.7 MB
 * (882 streams, ~4,500 dictionaries) took ~30 ms to save warm, a third of it copying bytes and a quarter
 * making entry arrays (a V8 profile of eight saves). The patched methods copy the contents at once
 * (`Uint8Array.set`) and go through the dictionary's map in its order: the same bytes, in the same order.
 */
const CODES = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
const STREAM = CODES('\nstream\n');
const END_STREAM = CODES('\nendstream');
const [LESS, GREATER, NEWLINE, SPACE] = CODES('<>\n ') as [number, number, number, number];

/** pdf-lib's own methods, kept to undo the patch. */
const original = {
  streamCopyBytesInto: PDFStream.prototype.copyBytesInto,
  dictSizeInBytes: PDFDict.prototype.sizeInBytes,
  dictCopyBytesInto: PDFDict.prototype.copyBytesInto,
  dictClone: PDFDict.prototype.clone,
};

/** A dictionary's entries as pdf-lib holds them (a private field: its `entries()` copies them to an array). */
const entriesOf = (dict: PDFDict): Map<PDFName, PDFObject> => (dict as unknown as { dict: Map<PDFName, PDFObject> }).dict;

const patched = {
  streamCopyBytesInto(this: PDFStream, buffer: Uint8Array, offset: number): number {
    this.updateDict();
    const start = offset;
    offset += this.dict.copyBytesInto(buffer, offset);
    for (const code of STREAM) buffer[offset++] = code;
    const contents = this.getContents();
    buffer.set(contents, offset);
    offset += contents.length;
    for (const code of END_STREAM) buffer[offset++] = code;
    return offset - start;
  },
  dictSizeInBytes(this: PDFDict): number {
    let size = 5;
    for (const [key, value] of entriesOf(this)) size += key.sizeInBytes() + value.sizeInBytes() + 2;
    return size;
  },
  dictCopyBytesInto(this: PDFDict, buffer: Uint8Array, offset: number): number {
    const start = offset;
    buffer[offset++] = LESS;
    buffer[offset++] = LESS;
    buffer[offset++] = NEWLINE;
    for (const [key, value] of entriesOf(this)) {
      offset += key.copyBytesInto(buffer, offset);
      buffer[offset++] = SPACE;
      offset += value.copyBytesInto(buffer, offset);
      buffer[offset++] = NEWLINE;
    }
    buffer[offset++] = GREATER;
    buffer[offset++] = GREATER;
    return offset - start;
  },
  dictClone(this: PDFDict, context?: PDFContext): PDFDict {
    return PDFDict.fromMapWithContext(new Map(entriesOf(this)), context ?? this.context);
  },
};

function setWriting(methods: typeof original): void {
  PDFStream.prototype.copyBytesInto = methods.streamCopyBytesInto;
  PDFDict.prototype.sizeInBytes = methods.dictSizeInBytes;
  PDFDict.prototype.copyBytesInto = methods.dictCopyBytesInto;
  PDFDict.prototype.clone = methods.dictClone;
}

/** Streams' contents copied at once and dictionaries' entries not copied to arrays, in this thread. Idempotent. */
export function writePdfsInBulk(): void {
  setWriting(patched);
}

/** Runs `work` with pdf-lib's own writing methods until it has settled (for the test that compares the two). */
export async function withPdfLibWriting<T>(work: () => T | Promise<T>): Promise<T> {
  const current = { streamCopyBytesInto: PDFStream.prototype.copyBytesInto, dictSizeInBytes: PDFDict.prototype.sizeInBytes, dictCopyBytesInto: PDFDict.prototype.copyBytesInto, dictClone: PDFDict.prototype.clone };
  setWriting(original);
  try {
    return await work();
  } finally {
    setWriting(current);
  }
}
