import { z } from 'zod';

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

const printSchema = z
  .object({
    trim: z.object({ width: length, height: length }).strict().default({ width: '135mm', height: '210mm' }),
    margins: z
      .object({ top: length, bottom: length, inner: length, outer: length })
      .strict()
      .default({ top: '17mm', bottom: '22mm', inner: '18mm', outer: '15mm' }),
    /** Bleed around the trim; 0mm turns bleed off. */
    bleed: length.default('3mm'),
    /** Crop marks in the bleed (a proof); a press file has none. */
    marks: z.boolean().default(false),
    fontSize: length.default('10.5pt'),
    lineHeight: z.number().positive().default(1.38),
    fonts: z
      .object({ body: fontSchema })
      .strict()
      .default({
        body: { family: 'EB Garamond', package: '@fontsource/eb-garamond', weights: [400, 500, 700], italic: true },
      }),
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

export const bookConfigSchema = z
  .object({
    title: z.string().min(1),
    subtitle: z.string().optional(),
    author: z.string().min(1),
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
        isbn: z.string().regex(/^97[89][0-9-]{10,14}$/, 'expected an ISBN-13').optional(),
      })
      .strict()
      .default({}),
    /** Base name of the output files; defaults to a slug of the title. */
    slug: z.string().regex(/^[a-z0-9-]+$/).optional(),
    /** Chapter files in reading order, relative to the manuscript folder. */
    chapters: z.array(z.string().min(1)).min(1),
    colophon: z.array(z.string()).default([]),
    /** Severity per check rule id (`notes/undefined-reference: warning`), or `off`. */
    rules: z.record(z.string(), z.enum(['error', 'warning', 'info', 'off'])).default({}),
    print: printSchema.default(printSchema.parse({})),
  })
  .strict();

export type BookConfig = z.infer<typeof bookConfigSchema>;
export type PrintConfig = BookConfig['print'];
