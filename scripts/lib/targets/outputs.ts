/**
 * What the build's targets write, as the checks and the release read it: one key per format. A leaf of
 * types only, so a target, a check and the build can all name it without importing each other.
 */
import type { IccProfile } from '../press/icc-profile.ts';
import type { PageLayout } from '../print/runtime/contract.ts';

/** The print edition: the file, its page count (padding included), size and layout. */
export interface PrintResult {
  file: string;
  pages: number;
  bytes: number;
  layout: PageLayout;
  /** Every id of the printed book with the page it was printed on (the endnotes' calls and notes, headings, …). */
  anchors?: Record<string, { page: number }>;
}

/** The press PDF (PDF/X), made from the print edition. */
export interface PressResult {
  file: string;
  pages: number;
  bytes: number;
  profile: IccProfile;
}

/** The full-wrap cover (PDF/X) and its proof, sized from the press page count. */
export interface CoverResult {
  file: string;
  /** The proof PNG with the trim and the folds drawn on. */
  proof: string;
  /** The page count the spine is reckoned from. */
  pages: number;
  /** The spine's width in points. */
  spine: number;
  spineText: boolean;
  bytes: number;
}

export interface EpubResult {
  file: string;
  bytes: number;
  /** Printed pages the page list names. */
  pages: number;
}

export interface WebResult {
  /** The edition's folder and its page. */
  dir: string;
  index: string;
  files: string[];
  bytes: number;
}

/** What each target of a build wrote. */
export interface BuildOutputs {
  pdf?: PrintResult;
  press?: PressResult;
  cover?: CoverResult;
  epub?: EpubResult;
  web?: WebResult;
}

/** One line of the build's summary per file or folder written. */
export interface OutputSummary {
  file: string;
  /** e.g. "19 pages". */
  detail: string;
  bytes: number;
}
