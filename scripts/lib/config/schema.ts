import { z } from 'zod';
import { CONTRIBUTOR_ROLES } from '../contributor-roles.ts';
import { LABEL_KEYS } from '../language/labels.ts';
import type { RuleId } from '../rules.ts';
import { isbnProblem } from '../cover/isbn.ts';
import { toPoints } from '../print/lengths.ts';
import { PRINTER_NAMES, PRINTERS } from '../press/printers/index.ts';
import { EXCLUDABLE, PAPERS, PDFX_VERSIONS } from '../press/printers/printer.ts';
import { printLimitProblems } from './print-limits.ts';

/** The rule of a print setting that cannot make a book (see print-limits.ts). */
export const PRINT_LIMIT_RULE: RuleId = 'config/print-limit';

/**
 * Keys that were merged into another: one signature and one marks setting serve the screen and the press PDF.
 * Written in a book.yaml, each is refused at its line with the key to use instead.
 */
export const REPLACED_KEYS: Readonly<Record<string, string>> = {
  'print.press.signature': 'print.signature',
  'print.press.marks': 'print.marks',
};

/** A CSS length in a print unit, e.g. `135mm`, `0.75in`, `12pt`. */
const length = z
  .string()
  .regex(/^\d+(\.\d+)?(mm|cm|in|pt|pc|px)$/, 'expected a length with a unit, e.g. "135mm"');

const fontSchema = z
  .object({
    family: z.string().min(1),
    /** npm package that ships the font as @fontsource-style CSS (`400.css`, `400-italic.css`, ...). */
    package: z.string().min(1),
    weights: z.array(z.number().int().min(100).max(900)).min(1).default([400, 700]),
    italic: z.boolean().default(true),
  })
  .strict();

/** Code is set in Source Code Pro unless book.yaml names another monospaced font. */
const DEFAULT_MONO = { family: 'Source Code Pro', package: '@fontsource/source-code-pro', weights: [400], italic: false };

/** The thickness of one page (half a leaf) for the cover's spine: a length above 0. */
const caliper = z
  .string()
  .regex(/^-?\d+(\.\d+)?(mm|cm|in|pt)$/, 'expected the thickness of one page with a unit, e.g. "0.05mm" or "0.002252in"')
  .refine((value) => !value.startsWith('-') && toPoints(value) > 0, 'the thickness of one page must be more than 0');

/**
 * The press PDF, and the printer it is for. `printer` picks a profile (press/printers/): bleed, crop marks,
 * ink limit, PDF/X flavour, what the file may not hold, image and line limits, the spine's caliper. Every
 * other key here overrides one of the profile's values; left out, the profile's holds.
 */
const pressSchema = z
  .object({
    printer: z.enum(PRINTER_NAMES, { error: () => `unknown printer: expected one of ${PRINTER_NAMES.join(', ')}` }).default('generic'),
    /** Write the press PDF (PDF/X) on every build, as `--press` does. */
    enabled: z.boolean().default(false),
    /** Highest total ink (C+M+Y+K, percent) the preflight allows anywhere on a page. */
    inkLimit: z.number().min(100).max(400).optional(),
    /** A CMYK ICC profile for the output intent, relative to the manuscript folder; Ghostscript's own by default. */
    profile: z.string().min(1).optional(),
    pdfx: z.enum(PDFX_VERSIONS).optional(),
    /** What the print file may not hold: bookmarks, metadata, annotations. */
    exclude: z.array(z.enum(EXCLUDABLE)).optional(),
    minImagePpi: z.number().int().min(1).optional(),
    minLineWeight: length.optional(),
    /** The paper the book is printed on: it sets the caliper the spine is reckoned with. */
    paper: z.enum(PAPERS).default('white'),
    /** The thickness of one page, over the profile's figure for the paper. */
    caliper: caliper.optional(),
  })
  .strict();

type PrintInput = z.output<typeof printObject>;

/** The print settings with the printer's profile applied: what book.yaml leaves out, the profile gives. */
function applyPrinter(print: PrintInput) {
  const { press } = print;
  const profile = PRINTERS[press.printer];
  return {
    ...print,
    bleed: print.bleed ?? profile.bleed,
    marks: print.marks ?? profile.cropMarks === 'required',
    press: {
      printer: press.printer,
      enabled: press.enabled,
      inkLimit: press.inkLimit ?? profile.inkLimit,
      profile: press.profile,
      pdfx: press.pdfx ?? profile.pdfx,
      outputCondition: profile.outputCondition,
      exclude: press.exclude ?? [...profile.exclude],
      minImagePpi: press.minImagePpi ?? profile.minImagePpi,
      minLineWeight: press.minLineWeight ?? profile.minLineWeight,
      paper: press.paper,
      caliper: press.caliper ?? profile.spine.caliper[press.paper],
      /** What the cover adds to the pages' thickness (Lulu's board). */
      spineAdd: profile.spine.add,
      spineText: { fromPages: profile.spine.textFromPages, fromWidth: profile.spine.textFromWidth },
    },
  };
}

/** What a running head can name (print/running-heads.ts). */
export const RUNNING_HEADS = ['book', 'author', 'part', 'chapter', 'section'] as const;
const runningHead = z.enum(RUNNING_HEADS);

const printObject = z
  .object({
    trim: z.object({ width: length, height: length }).strict().default({ width: '135mm', height: '210mm' }),
    margins: z
      .object({ top: length, bottom: length, inner: length, outer: length })
      .strict()
      .default({ top: '17mm', bottom: '22mm', inner: '18mm', outer: '15mm' }),
    /** Bleed around the trim; 0mm turns bleed off. The printer's (print.press.printer) by default. */
    bleed: length.optional(),
    /**
     * Crop marks outside the bleed of the press PDF, on a sheet grown to hold them (a proof, or a printer that
     * wants them); the printer's profile (print.press.printer) decides when left out. The screen PDF has none.
     */
    marks: z.boolean().optional(),
    fontSize: length.default('10.5pt'),
    /** Fewest lines of a paragraph at the head (widows) and the foot (orphans) of a page; 1 allows any. */
    widows: z.number().int().min(1).default(2),
    orphans: z.number().int().min(1).default(2),
    /** Pages per folded sheet, for the screen and the press PDF alike; the page count should be a multiple of it. */
    signature: z.number().int().min(1).default(4),
    /** Add blank pages at the end until the page count is a multiple of `signature` (off: the check reports it). */
    padToSignature: z.boolean().default(true),
    lineHeight: z.number().positive().default(1.38),
    /** How paragraphs are broken into lines: total-fit (Knuth–Plass, runtime/line-breaks.ts) or Chromium's greedy. */
    lineBreaking: z.enum(['total-fit', 'greedy']).default('total-fit'),
    /**
     * Every font the book is set in, each from an npm package: `body` for the text, `mono` for code, and
     * `fallback` for characters neither has (symbols, other scripts), tried in order. A character no named
     * font has is an error before anything is printed (fonts/uncovered-character): the build never draws with
     * a font of the machine's.
     */
    fonts: z
      .object({ body: fontSchema, mono: fontSchema.default(DEFAULT_MONO), fallback: z.array(fontSchema).default([]) })
      .strict()
      .default({
        body: { family: 'EB Garamond', package: '@fontsource/eb-garamond', weights: [400, 500, 700], italic: true },
        mono: DEFAULT_MONO,
        fallback: [],
      }),
    press: pressSchema.prefault({}),
    /** Each outside link's address printed in a note of its own (Pandoc's links-as-notes); the EPUB and web keep live links. */
    linksAsNotes: z.boolean().default(false),
    /** What the verso's and the recto's running head name; a part or a text in `contents:` may say otherwise. */
    runningHeads: z
      .object({ verso: runningHead.default('chapter'), recto: runningHead.default('section') })
      .strict()
      .default({ verso: 'chapter', recto: 'section' }),
    /** Footnote numbers run on through the book or start again at 1 in every chapter. */
    noteNumbering: z.enum(['book', 'chapter']).default('book'),
    hyphenation: z
      .object({
        enabled: z.boolean().default(true),
        /** Fewest letters before a break and after it. */
        leftmin: z.number().int().min(1).default(2),
        rightmin: z.number().int().min(1).default(3),
        minWordLength: z.number().int().min(2).default(6),
      })
      .strict()
      .default({ enabled: true, leftmin: 2, rightmin: 3, minWordLength: 6 }),
  })
  .strict();

const printSchema = printObject
  .transform(applyPrinter)
  // Settings that parse but cannot make a book (a text area of nothing, type of 0.1 pt): refused with the reason.
  .superRefine((print, context) => {
    for (const problem of printLimitProblems(print)) {
      context.addIssue({ code: 'custom', path: problem.path, message: problem.message, params: { rule: PRINT_LIMIT_RULE } });
    }
  });

/** Typography for authors who type plainly (see markdown/smart-punctuation.ts and non-breaking-spaces.ts). */
const typographySchema = z
  .object({
    /** Straight quotes, `--`, `---` and `...` become the language's quotation marks, dashes and ellipsis (Pandoc's `smart`). */
    smart: z.boolean().default(true),
    /** The marks straight quotes become: opening and closing double, then single; the book language's by default. */
    quotes: z.tuple([z.string().min(1), z.string().min(1), z.string().min(1), z.string().min(1)]).optional(),
    /** No-break spaces the author's plain spaces become: before `%`, between a number and its unit, in `p. 12`. */
    nonBreakingSpaces: z.boolean().default(true),
  })
  .strict();

/** Citations: bibliographies in the manuscript, rendered by citeproc in a CSL style and locale. */
const citationsSchema = z
  .object({
    /** CSL-JSON, CSL-YAML or BibTeX/BibLaTeX files (.json, .yaml, .bib), relative to the manuscript folder. */
    bibliography: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** A style name (csl/styles/, without .csl), or a .csl file relative to the manuscript folder. */
    style: z.string().min(1).default('chicago-notes-bibliography-subsequent-ibid'),
    /** A CSL locale, e.g. nl-NL; by default the one of the book's language. */
    locale: z.string().regex(/^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$/, 'expected a CSL locale, e.g. "nl-NL"').optional(),
    /** Sources listed without being cited: keys (`@key` or `key`), or `@*` for all of them. */
    nocite: z.union([z.string(), z.array(z.string())]).optional(),
    /** In a note style, a note's call goes after the punctuation that follows it (Pandoc's notes-after-punctuation). */
    notesAfterPunctuation: z.boolean().default(true),
    /** The style's list of the cited sources: where the manuscript has a heading with id `refs`, else at the end. */
    section: z
      .object({ enabled: z.boolean().default(true), title: z.string().min(1).optional() })
      .strict()
      .default({ enabled: true }),
  })
  .strict();

/** A person who made the book, with what they did (contributors.ts maps each role to its MARC relator). */
const contributorSchema = z
  .object({
    name: z.string().min(1),
    role: z.enum(CONTRIBUTOR_ROLES),
    /** The name as a catalogue sorts it ("Lenin, V.I."); by default the last word first, Dutch particles kept with it. */
    fileAs: z.string().min(1).optional(),
  })
  .strict();

/** What a text of the book is: a chapter (numbered), or a preface, introduction, afterword or appendix (not). */
export const CHAPTER_KINDS = ['chapter', 'preface', 'foreword', 'introduction', 'afterword', 'appendix'] as const;

/** A part's or a text's own running heads: either side, the other as the part or the book has it. */
const runningHeadsOverride = z.object({ verso: runningHead.optional(), recto: runningHead.optional() }).strict();

/** A chapter in `contents:`: its file alone, or the file with who wrote it and what it is. */
const contentsChapterSchema = z.union([
  z.string().min(1),
  z
    .object({
      file: z.string().min(1),
      /** Who wrote this text, when not the part's or the book's author (a preface by another hand). */
      author: z.string().min(1).optional(),
      kind: z.enum(CHAPTER_KINDS).default('chapter'),
      /** This text's running heads, over its part's and `print.runningHeads`. */
      runningHeads: runningHeadsOverride.optional(),
    })
    .strict(),
]);

/** A part in `contents:`: a title (printed on a part title page, "Deel I"), its author, its chapters. */
const contentsPartSchema = z
  .object({
    part: z.string().min(1),
    author: z.string().min(1).optional(),
    /** Its chapters' running heads, over `print.runningHeads`. */
    runningHeads: runningHeadsOverride.optional(),
    chapters: z.array(contentsChapterSchema).min(1),
  })
  .strict();

const NUMBER_STYLES = ['roman', 'arabic', 'words', 'none'] as const;

export const NOTE_MARKERS = ['arabic', 'alpha', 'roman', 'symbols'] as const;

/**
 * A series of notes apart from the author's (markdown/note-series.ts): called as `[^id:label]`, numbered on
 * its own with its own markers, at the page foot under the author's notes or gathered per chapter at the end.
 */
const noteSeriesSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected a short name of lower-case letters, digits and hyphens, e.g. "ed"'),
    marker: z.enum(NOTE_MARKERS).default('alpha'),
    placement: z.enum(['foot', 'end']).default('foot'),
    /** Printed after each note's text, e.g. "(vert.)" for the translator's notes. */
    suffix: z.string().min(1).optional(),
  })
  .strict();

export const bookConfigSchema = z
  .object({
    title: z.string().min(1),
    subtitle: z.string().optional(),
    /** The author of the work, when there is one: shorthand for a contributor with role `author`. */
    author: z.string().min(1).optional(),
    /** Everyone who made the book, in the order they are named: authors, the preface's author, translators, editors, … */
    contributors: z.array(contributorSchema).default([]),
    language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/, 'expected a BCP 47 language tag, e.g. "nl"'),
    description: z.string().optional(),
    keywords: z.array(z.string()).default([]),
    publisher: z.string().optional(),
    rights: z.string().optional(),
    edition: z.string().optional(),
    /** Version printed in the colophon; defaults to package.json's. */
    version: z.string().optional(),
    identifiers: z
      .object({
        uuid: z.string().regex(/^urn:uuid:[0-9a-f-]{36}$/, 'expected "urn:uuid:" and a UUID').optional(),
        isbn: z
          .string()
          .regex(/^97[89][0-9 -]{10,14}$/, 'expected an ISBN-13')
          .superRefine((isbn, context) => {
            // The cover prints it as a barcode: a wrong digit would print a barcode of another book.
            const problem = isbnProblem(isbn);
            if (problem) context.addIssue({ code: 'custom', message: problem });
          })
          .optional(),
      })
      .strict()
      .default({}),
    /** Base name of the output files; defaults to a slug of the title. */
    slug: z.string().regex(/^[a-z0-9-]+$/).optional(),
    /** Chapter files in reading order, relative to the manuscript folder (a book without parts). */
    chapters: z.array(z.string().min(1)).min(1).optional(),
    /** The book's texts in reading order: chapter files, chapters with an author and a kind, and parts holding chapters. */
    contents: z.array(z.union([contentsPartSchema, contentsChapterSchema])).min(1).optional(),
    /** How chapters (of kind `chapter`) and parts are numbered: "Hoofdstuk I", "Deel 2", "Hoofdstuk één", or not at
     * all; and the front matter's folios: on from the title page through the book (arabic), or i, ii, iii… through
     * the front matter and a preface or foreword after it, the main text from 1 (roman). */
    numbering: z
      .object({ chapters: z.enum(NUMBER_STYLES).default('none'), parts: z.enum(NUMBER_STYLES).default('roman'), frontMatter: z.enum(['arabic', 'roman']).default('arabic') })
      .strict()
      .default({ chapters: 'none', parts: 'roman', frontMatter: 'arabic' }),
    colophon: z.array(z.string()).default([]),
    /** Series of notes besides the author's footnotes: editorial notes, translator's notes. */
    notes: z.object({ series: z.array(noteSeriesSchema).default([]) }).strict().default({ series: [] }),
    /** Severity per check rule id (`notes/undefined-reference: warning`), or `off`. */
    rules: z.record(z.string(), z.enum(['error', 'warning', 'info', 'off'])).default({}),
    print: printSchema.default(printSchema.parse({})),
    typography: typographySchema.default({ smart: true, nonBreakingSpaces: true }),
    /** The pipeline's own words in the book (`contents: Inhoudsopgave`), over the book language's. */
    labels: z.partialRecord(z.enum(LABEL_KEYS), z.string().min(1)).default({}),
    citations: citationsSchema.optional(),
    /** An index of persons at the end of the book: the places marked (`[Kautsky]{.person}`) and those the list of
     * names (`names:`, a YAML file in the manuscript folder) finds; `title` defaults to the language's ("Register"). */
    index: z.object({ names: z.string().min(1).optional(), title: z.string().min(1).optional() }).strict().optional(),
    /** Figures (a paragraph holding only an image): numbered through the book or not, and the word before the
     * number. Left out, numbered when the text refers to a figure (`[@fig:kaart]` prints "figuur 3"). */
    figures: z
      .object({
        numbering: z.boolean().optional(),
        /** Defaults to the book's language: Figuur (nl), Figure (en), Abbildung (de), ... */
        label: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    /** Tables with a caption, numbered as figures are ("Tabel 2."): left out, when the text refers to a table. */
    tables: z
      .object({
        numbering: z.boolean().optional(),
        /** Defaults to the book's language: Tabel (nl), Table (en), Tabelle (de), ... */
        label: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((config, context) => {
    if (!config.author && !config.contributors.some((c) => c.role === 'author' || c.role === 'editor' || c.role === 'compiler')) {
      context.addIssue({
        code: 'custom',
        path: ['author'],
        message: 'missing required key: a book names its author (`author: Name`), or its authors, editors or compilers under `contributors:`',
        params: { rule: 'config/missing-key' satisfies RuleId },
      });
    }
    if (config.chapters && config.contents) {
      context.addIssue({ code: 'custom', path: ['contents'], message: 'a book lists its texts once: under `chapters:` (a flat list) or under `contents:` (with parts), not both', params: { rule: 'config/contents' satisfies RuleId } });
    } else if (!config.chapters && !config.contents) {
      context.addIssue({ code: 'custom', path: ['chapters'], message: 'missing required key: the chapter files, under `chapters:` (a flat list) or `contents:` (with parts)', params: { rule: 'config/missing-key' satisfies RuleId } });
    }
    config.notes.series.forEach((series, i) => {
      const first = config.notes.series.findIndex((s) => s.id === series.id);
      if (first < i) context.addIssue({ code: 'custom', path: ['notes', 'series', i, 'id'], message: `the note series "${series.id}" is declared twice (first as notes.series[${first}])`, params: { rule: 'config/invalid' satisfies RuleId } });
    });
    const seen = new Map<string, number>();
    config.contributors.forEach((c, i) => {
      const key = `${c.role}\0${c.name}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else context.addIssue({ code: 'custom', path: ['contributors', i, 'name'], message: `${c.name} is named twice as ${c.role} (first as contributors[${first}])`, params: { rule: 'config/duplicate-contributor' satisfies RuleId } });
    });
  });

export type BookConfig = z.infer<typeof bookConfigSchema>;
export type ContributorConfig = z.infer<typeof contributorSchema>;
export type ChapterKind = (typeof CHAPTER_KINDS)[number];
export type NoteSeriesConfig = z.infer<typeof noteSeriesSchema>;
export type NoteMarker = (typeof NOTE_MARKERS)[number];
export type NumberStyle = (typeof NUMBER_STYLES)[number];
export type RunningHead = (typeof RUNNING_HEADS)[number];
export type RunningHeadsConfig = PrintConfig['runningHeads'];
export type PrintConfig = BookConfig['print'];
export type PressConfig = PrintConfig['press'];
export type CitationsConfig = z.infer<typeof citationsSchema>;
export type FontConfig = z.infer<typeof fontSchema>;
