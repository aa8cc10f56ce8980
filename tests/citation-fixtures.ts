import { readBook } from '../scripts/lib/book.ts';
import { checkSources } from '../scripts/lib/checks/run-checks.ts';
import type { Diagnostic } from '../scripts/lib/diagnostics.ts';
import { minimalConfig } from './fixtures.ts';
import { makeManuscript, removeDir } from './helpers.ts';

export const CITATIONS_CONFIG = 'citations:\n  bibliography: bronnen.json\n';

/** Three sources: two books and a newspaper article without a date. */
export const BIBLIOGRAPHY = `[
  {
    "id": "marx-1867",
    "type": "book",
    "author": [{ "family": "Marx", "given": "Karl" }],
    "title": "Het Kapitaal",
    "publisher": "Pegasus",
    "publisher-place": "Amsterdam",
    "issued": { "date-parts": [[1867]] }
  },
  {
    "id": "lenin-1917",
    "type": "book",
    "author": [{ "family": "Lenin", "given": "V. I." }],
    "title": "Staat en revolutie",
    "publisher": "Pegasus",
    "issued": { "date-parts": [[1917]] }
  },
  {
    "id": "krant",
    "type": "article-newspaper",
    "author": [{ "family": "Skott", "given": "Staffan" }],
    "title": "Een artikel",
    "container-title": "Dagens Nyheter"
  }
]
`;

/** Cites every source with a locator, quotes cleanly: no findings at all. */
export const CLEAN_CHAPTER = `# Hoofdstuk

Marx schreef: “Het kapitaal komt ter wereld druipend van bloed en vuil uit alle poriën.”[@marx-1867, p. 12]

Lenin over ‘de staat’ en Trotski’s rol, in de jaren van de massa’s.[@lenin-1917, pp. 3–5; @krant, p. 1]
`;

/** Reads a manuscript and runs the checks the build runs first, with book.yaml's rule settings. */
export async function diagnose(files: Record<string, string>): Promise<Diagnostic[]> {
  const dir = await makeManuscript(files);
  try {
    const book = await readBook({ manuscriptDir: dir });
    return (await checkSources(book, dir)).map((d) => ({ ...d, file: d.file.split('/').pop() ?? d.file }));
  } finally {
    await removeDir(dir);
  }
}

export function citedBook(chapter: string, extraConfig = '', bibliography = BIBLIOGRAPHY): Record<string, string> {
  return {
    'book.yaml': minimalConfig(CITATIONS_CONFIG + extraConfig),
    'bronnen.json': bibliography,
    '01-hoofdstuk.md': chapter,
  };
}

/** `[file, line, column, severity, rule]` of each finding, for deepEqual. */
export function places(diagnostics: Diagnostic[]): [string, number, number, string, string][] {
  return diagnostics.map((d) => [d.file, d.line, d.column, d.severity, d.rule]);
}

/** The same, with the newspaper article marked unconfirmed. */
export const BIBLIOGRAPHY_UNCONFIRMED = BIBLIOGRAPHY.replace(
  '"container-title": "Dagens Nyheter"',
  '"container-title": "Dagens Nyheter",\n    "custom": { "status": "unconfirmed", "remark": "datum onbekend" }',
);
