import type { PDFDocument } from 'pdf-lib';
import type { DocumentPart, PrintedUnit } from './document-layout.ts';
import { finishDocument, pdfFinishing, type FinishOptions } from './finish-pdf.ts';
import type { MarkedDocument } from './mark-document.ts';
import type { MarkingWorkers } from './marking-workers.ts';
import type { MarkedStream } from '../pdf/tag-pdf.ts';
import { muteStages, reportAside } from '../stage-times.ts';

/** What a save did after its print, kept to be done again: the documents it printed (their bytes and units'
 * pages), the units as merged, and how the merged PDF was finished. */
export interface FinishInputs {
  printed: { id: string; bytes: Uint8Array; parts: DocumentPart[] }[];
  units: PrintedUnit[];
  workers: MarkingWorkers;
  sheetHeight: number;
  finish: FinishOptions;
}

class Abandoned extends Error {}

/**
 * A watching build's finishing of the last save done again while it waits for the next, and thrown away:
 * the printed document read and marked (half on the marking thread), the book merged, tagged, checked,
 * post-processed and saved, in memory, nothing written. A save runs that code once, seconds after the last
 * time, among its own collections: much of it runs in V8's interpreter, its closures' optimized code gone
 * with the garbage of the save before (docs/performance.md). Done again on the same inputs, the next save
 * finds it compiled and its feedback fresh. It only reads what the save kept (the printed bytes, the
 * documents from the cache as read, the layouts, structures and marks) and makes its own merged document,
 * as a one-off build does from the same cache. A change abandons it at the next step (`abandon`): the save
 * waits for at most the step under way.
 */
export class FinishRehearsal {
  private inputs: FinishInputs | undefined;
  private running: { abandoned: boolean; stop: () => void; unmute: () => void; done: Promise<void> } | undefined;

  /** The inputs of the finishing just done, for the next rehearsal (a save's: one document printed). */
  keep(inputs: FinishInputs | undefined): void {
    this.inputs = inputs;
  }

  /** Begins the rehearsal of the last kept finishing, once; none when there is none or one is under way. */
  start(): void {
    const inputs = this.inputs;
    this.inputs = undefined;
    if (!inputs || this.running || inputs.workers.ended) return;
    let stop!: () => void;
    const stopped = new Promise<never>((_, reject) => (stop = () => reject(new Abandoned())));
    stopped.catch(() => undefined);
    const running = { abandoned: false, stop, unmute: muteStages(), done: Promise.resolve() };
    const began = performance.now();
    running.done = rehearse(inputs, () => running.abandoned, stopped).then(
      () => {
        running.unmute();
        reportAside('finishing rehearsed', performance.now() - began);
      },
      // Abandoned, or failed: a rehearsal's failure is the next save's to meet, not the rehearsal's to report.
      () => running.unmute(),
    );
    void running.done.finally(() => {
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
  }

  /** Abandons the rehearsal under way, if any: it stops at its next step, its stage times unrecorded from now on. */
  abandon(): void {
    const running = this.running;
    if (!running) return;
    running.abandoned = true;
    running.unmute();
    running.stop();
    this.running = undefined;
  }
}

async function rehearse(inputs: FinishInputs, abandoned: () => boolean, stopped: Promise<never>): Promise<void> {
  // Each step ends in a macrotask of its own, where a change is seen and abandons what is left.
  const step = async <T>(work: Promise<T>): Promise<T> => {
    const done = await Promise.race([work, stopped]);
    await new Promise((resolve) => setImmediate(resolve));
    if (abandoned()) throw new Abandoned();
    return done;
  };
  const { markDocument, mergeUnits, copyEarlierDocuments } = await step(pdfFinishing());
  // The marking thread's half first: it is done long before the next save asks for the thread.
  const marked = new Map<string, { document: Promise<PDFDocument>; marked: Promise<MarkedDocument> }>();
  for (const { id, bytes, parts } of inputs.printed) marked.set(id, markDocument(inputs.workers, bytes, parts));
  const units = inputs.units.map((unit): PrintedUnit => {
    const own = marked.get(unit.source.id);
    if (!own) return unit;
    return {
      ...unit,
      source: { ...unit.source, document: () => step(own.document), marked: async (): Promise<MarkedStream[]> => (await step(own.marked)).streams },
    };
  });
  const cached = units.filter((unit) => !marked.has(unit.source.id));
  const begun = cached.length > 0 ? step(copyEarlierDocuments(cached)) : undefined;
  begun?.catch(() => undefined);
  const pdf = await step(mergeUnits(units, { sheetHeight: inputs.sheetHeight }, begun));
  await step(Promise.all([...marked.values()].map((own) => own.marked)));
  await finishDocument(pdf, inputs.finish, () => step(Promise.resolve()));
}
