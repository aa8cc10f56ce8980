import type { BookConfig } from './config/schema.ts';
import { escapeHtml } from './html.ts';
import { fill, labelsFor } from './language/labels.ts';

/**
 * Numbered figures and tables, as Pandoc-crossref and LaTeX number them: through the book in reading order,
 * the caption opening with its label ("Figuur 3.", "Tabel 2."), a cross-reference to one printing its number
 * ("figuur 3", "tabel 2"). Figures are numbered in book.ts (each image's `figureNumber`); tables here, in
 * the chapters' HTML every format reads.
 */

/** What this module reads of a chapter. */
interface CaptionedText {
  html: string;
  notes: readonly { html: string }[];
  images: readonly { id?: string; figureNumber?: number }[];
}

/** Whether the book numbers its figures (`fig`) or tables (`tbl`): as book.yaml says, else when its text refers to one. */
export function numbersThem(kind: 'fig' | 'tbl', setting: boolean | undefined, chapters: readonly Pick<CaptionedText, 'html' | 'notes'>[]): boolean {
  if (setting !== undefined) return setting;
  const marker = `data-xref="${kind}"`;
  return chapters.some((c) => c.html.includes(marker) || c.notes.some((n) => n.html.includes(marker)));
}

const TABLE_LABELS: Record<string, string> = { nl: 'Tabel', en: 'Table', de: 'Tabelle', fr: 'Tableau', es: 'Tabla', it: 'Tabella', pt: 'Tabela', sv: 'Tabell', da: 'Tabel', no: 'Tabell', nb: 'Tabell' };

/** The word before a table's number: book.yaml's `tables.label`, else the book language's. */
export function tableWord(config: Pick<BookConfig, 'language' | 'tables'>): string {
  return config.tables.label ?? TABLE_LABELS[config.language.split('-')[0] ?? ''] ?? 'Table';
}

const CAPTIONED_TABLE = /<table\b([^>]*)>(\s*)<caption>/g;

/**
 * The chapters' tables with a caption numbered on from `first`: each caption opens with its label
 * (`<span class="table-label">Tabel 2.</span> `). Returns each chapter's HTML, and the numbers by table id.
 */
export function numberTables(htmls: readonly string[], word: string): { htmls: string[]; ids: Map<string, number> } {
  let number = 0;
  const ids = new Map<string, number>();
  const numbered = htmls.map((html) =>
    html.replace(CAPTIONED_TABLE, (_, attributes: string, space: string) => {
      number++;
      const id = /\bid="([^"]+)"/.exec(attributes)?.[1];
      if (id) ids.set(id, number);
      return `<table${attributes}>${space}<caption><span class="table-label">${escapeHtml(word)} ${number}.</span> `;
    }),
  );
  return { htmls: numbered, ids };
}

/** What a cross-reference to each numbered figure and table says, by id: "figuur 3", "tabel 2". */
export function numberedReferenceTexts(config: Pick<BookConfig, 'language' | 'labels'>, chapters: readonly Pick<CaptionedText, 'images'>[], tables: ReadonlyMap<string, number>): Map<string, { kind: 'fig' | 'tbl'; text: string }> {
  const labels = labelsFor(config.language, config.labels);
  const texts = new Map<string, { kind: 'fig' | 'tbl'; text: string }>();
  for (const chapter of chapters) {
    for (const image of chapter.images) {
      if (image.id && image.figureNumber !== undefined) texts.set(image.id, { kind: 'fig', text: fill(labels.figureReference, { n: String(image.figureNumber) }) });
    }
  }
  for (const [id, n] of tables) texts.set(id, { kind: 'tbl', text: fill(labels.tableReference, { n: String(n) }) });
  return texts;
}
