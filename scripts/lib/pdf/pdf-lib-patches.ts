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
import { PDFDict, PDFHeader, PDFNumber, PDFStream, PDFStreamWriter, PDFTrailer, PDFTrailerDict, PDFWriter, type PDFContext, type PDFName, type PDFObject, type PDFRef } from 'pdf-lib';

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

/**
 * pdf-lib 1.17 writes a file in two passes: it measures every object (`sizeInBytes`, through every dictionary,
 * array and string in it) to make a buffer of the file's exact size, then writes every object into it. Its
 * cross-reference table is one object and two padded strings an entry. Measuring and the table are a large
 * part of a book's save (docs/performance.md). Written in one pass instead: each object goes where
 * the one before it ended. A buffer too small is replaced by one twice as large, and the object that did not
 * fit is written again there. A typed array drops what is written past its end, and each object's writer
 * returns the length it wrote from what it holds, so nothing before that object is lost. A stream is measured
 * first, since its contents go in with one `set` (`writePdfsInBulk`), which does not drop them. Each object's
 * offset is noted as it is written; the table is written digit by digit. The same bytes in the same order;
 * a save that yields every so many objects, or writes object streams, is left to pdf-lib.
 */
const OBJ = CODES(' obj\n');
const END_OBJ = CODES('\nendobj\n\n');
const XREF = CODES('xref\n');
const [DIGIT_0, LETTER_F, LETTER_N] = CODES('0fn') as [number, number, number];

const originalSerialize = PDFWriter.prototype.serializeToBuffer;

/** What pdf-lib's writer holds (protected in its types). */
interface WriterInternals {
  context: PDFContext;
  objectsPerTick: number;
  createTrailerDict(): PDFDict;
}

/** Writes `text` (ASCII) at `at`; returns its length. */
function writeAscii(buffer: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) buffer[at + i] = text.charCodeAt(i);
  return text.length;
}

/** Writes `value` with at least `width` digits, zeros before it, as pdf-lib's `padStart(String(value))`. */
function writePadded(buffer: Uint8Array, at: number, value: number, width: number): number {
  const text = String(value);
  let written = 0;
  for (let i = text.length; i < width; i++) buffer[at + written++] = DIGIT_0;
  return written + writeAscii(buffer, at + written, text);
}

async function serializeInOnePass(this: PDFWriter): Promise<Uint8Array> {
  const writer = this as unknown as WriterInternals;
  if (this instanceof PDFStreamWriter || writer.objectsPerTick !== Infinity) return originalSerialize.call(this);
  const objects = writer.context.enumerateIndirectObjects();
  // A stream's size is measured before it is written (its contents are copied in with one `set`).
  const streamSizes = objects.map(([, object]) => (object instanceof PDFStream ? object.sizeInBytes() : 0));
  let buffer = new Uint8Array((1 << 16) + streamSizes.reduce((sum, size) => sum + size, 0) + 256 * objects.length);
  let offset = 0;
  const room = (size: number): void => {
    if (offset + size <= buffer.length) return;
    const larger = new Uint8Array(Math.max(2 * buffer.length, offset + size + (1 << 20)));
    larger.set(buffer.subarray(0, offset));
    buffer = larger;
  };
  /** Writes with `write` where the last write ended; what did not fit is written again in a larger buffer. */
  const put = (write: (into: Uint8Array, at: number) => number): void => {
    const length = write(buffer, offset);
    if (offset + length > buffer.length) {
      room(length);
      write(buffer, offset);
    }
    offset += length;
  };

  put((into, at) => PDFHeader.forVersion(1, 7).copyBytesInto(into, at));
  room(2);
  buffer[offset++] = NEWLINE;
  buffer[offset++] = NEWLINE;
  const offsets = new Array<number>(objects.length);
  for (const [index, [ref, object]] of objects.entries()) {
    offsets[index] = offset;
    const header = `${ref.objectNumber} ${ref.generationNumber}`;
    room(header.length + OBJ.length);
    offset += writeAscii(buffer, offset, header);
    for (const code of OBJ) buffer[offset++] = code;
    room(streamSizes[index] as number);
    put((into, at) => object.copyBytesInto(into, at));
    room(END_OBJ.length);
    for (const code of END_OBJ) buffer[offset++] = code;
  }

  // The cross-reference table, as pdf-lib's PDFCrossRefSection writes it: the free entry 0, then a subsection
  // for each run of consecutive object numbers, 20 bytes an entry.
  const xrefOffset = offset;
  room(XREF.length + 20 * (objects.length + 1) + 24 * (objects.length + 1));
  for (const code of XREF) buffer[offset++] = code;
  const entry = (at: number, generation: number, free: boolean): void => {
    offset += writePadded(buffer, offset, at, 10);
    buffer[offset++] = SPACE;
    offset += writePadded(buffer, offset, generation, 5);
    buffer[offset++] = SPACE;
    buffer[offset++] = free ? LETTER_F : LETTER_N;
    buffer[offset++] = SPACE;
    buffer[offset++] = NEWLINE;
  };
  // Entry k: the free entry 0 (k = 0), then the objects in order.
  const numberOf = (k: number): number => (k === 0 ? 0 : (objects[k - 1] as [PDFRef, PDFObject])[0].objectNumber);
  for (let start = 0; start <= objects.length; ) {
    let end = start + 1;
    while (end <= objects.length && numberOf(end) - numberOf(end - 1) <= 1) end++;
    offset += writeAscii(buffer, offset, `${numberOf(start)} ${end - start}`);
    buffer[offset++] = NEWLINE;
    for (let k = start; k < end; k++) {
      if (k === 0) entry(0, 65535, true);
      else entry(offsets[k - 1] as number, (objects[k - 1] as [PDFRef, PDFObject])[0].generationNumber, false);
    }
    start = end;
  }
  room(1);
  buffer[offset++] = NEWLINE;
  const trailerDict = PDFTrailerDict.of(writer.createTrailerDict());
  put((into, at) => trailerDict.copyBytesInto(into, at));
  room(2);
  buffer[offset++] = NEWLINE;
  buffer[offset++] = NEWLINE;
  put((into, at) => PDFTrailer.forLastCrossRefSectionOffset(xrefOffset).copyBytesInto(into, at));
  return buffer.subarray(0, offset);
}

/** Files written in one pass (pdf-lib's own writer for saves that yield or write object streams), in this
 * thread. Idempotent. */
export function writePdfsInOnePass(): void {
  PDFWriter.prototype.serializeToBuffer = serializeInOnePass;
}

/** Runs `work` with pdf-lib's own two-pass writer until it has settled (for the test that compares the two). */
export async function withTwoPassWriting<T>(work: () => T | Promise<T>): Promise<T> {
  const current = PDFWriter.prototype.serializeToBuffer;
  PDFWriter.prototype.serializeToBuffer = originalSerialize;
  try {
    return await work();
  } finally {
    PDFWriter.prototype.serializeToBuffer = current;
  }
}
