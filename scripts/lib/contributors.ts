import type { BookConfig } from './config/schema.ts';
import type { ContributorRole } from './contributor-roles.ts';
import { fill, labelsFor, type Labels } from './language/labels.ts';

export interface Contributor {
  name: string;
  role: ContributorRole;
  /** The name as sorted in a catalogue ("Westerlund, Per-Åke"). */
  fileAs: string;
  /** Where book.yaml names the contributor: `['author']` or `['contributors', i]`. */
  keyPath: (string | number)[];
}

/**
 * Everyone book.yaml names, in its order: `author:` first (the one-author shorthand), then `contributors:`.
 * An author named both ways is listed once.
 */
export function contributorsOf(config: Pick<BookConfig, 'author' | 'contributors'>): Contributor[] {
  const found: Contributor[] = [];
  if (config.author) found.push({ name: config.author, role: 'author', fileAs: fileAs(config.author), keyPath: ['author'] });
  config.contributors.forEach((c, i) => {
    if (c.role === 'author' && c.name === config.author) {
      if (c.fileAs) found[0] = { ...found[0]!, fileAs: c.fileAs };
      return;
    }
    found.push({ name: c.name, role: c.role, fileAs: c.fileAs ?? fileAs(c.name), keyPath: ['contributors', i] });
  });
  return found;
}

/** The authors of the work: the book's creators (EPUB `dc:creator`, PDF Author, the title page's name line). */
export function authorsOf(config: Pick<BookConfig, 'author' | 'contributors'>): Contributor[] {
  return contributorsOf(config).filter((c) => c.role === 'author');
}

/** The book's creators (PDF Author, XMP and EPUB dc:creator): its authors; a book without one (a collection) is
 * credited to its editors and compilers, else to whoever book.yaml names. */
export function creatorsOf(config: Pick<BookConfig, 'author' | 'contributors'>): string[] {
  const people = contributorsOf(config);
  const authors = people.filter((c) => c.role === 'author');
  const editors = people.filter((c) => c.role === 'editor' || c.role === 'compiler');
  return [...new Set((authors.length > 0 ? authors : editors.length > 0 ? editors : people).map((a) => a.name))];
}

/** Everyone else, by role in book.yaml's order of first appearance: the preface's author, the translator, ... */
export function otherContributors(config: Pick<BookConfig, 'author' | 'contributors'>): { role: ContributorRole; names: string[] }[] {
  const byRole = new Map<ContributorRole, string[]>();
  for (const c of contributorsOf(config)) {
    if (c.role === 'author') continue;
    byRole.set(c.role, [...(byRole.get(c.role) ?? []), c.name]);
  }
  return [...byRole].map(([role, names]) => ({ role, names }));
}

/**
 * "Per-Åke Westerlund" -> "Westerlund, Per-Åke"; "V.I. Lenin" -> "Lenin, V.I."; Dutch particles stay with
 * the surname ("Marcel van der Linden" -> "van der Linden, Marcel"). A single name stays as it is.
 */
export function fileAs(name: string): string {
  const parts = name.trim().split(/\s+/);
  if (parts.length < 2) return name.trim();
  let i = parts.length - 1;
  while (i > 1 && /^(van|de|der|den|het|ter|ten|te|in|op|'t)$/i.test(parts[i - 1] ?? '')) i--;
  return `${parts.slice(i).join(' ')}, ${parts.slice(0, i).join(' ')}`;
}

const ROLE_LABEL = {
  preface: 'rolePreface',
  foreword: 'roleForeword',
  introduction: 'roleIntroduction',
  afterword: 'roleAfterword',
  translator: 'roleTranslator',
  editor: 'roleEditor',
  illustrator: 'roleIllustrator',
  annotator: 'roleAnnotator',
  compiler: 'roleCompiler',
  contributor: 'roleContributor',
} as const satisfies Record<Exclude<ContributorRole, 'author'>, keyof Labels>;

/** "Vertaald door A en B": each role other than author as one line, in the book's language. */
export function contributorLines(config: Pick<BookConfig, 'author' | 'contributors' | 'language' | 'labels'>): string[] {
  const labels = labelsFor(config.language, config.labels);
  return otherContributors(config).map(({ role, names }) => fill(labels[ROLE_LABEL[role as Exclude<ContributorRole, 'author'>]], { names: listOf(names, labels.and) }));
}

/** The authors' names as one phrase: "A", "A en B", "A, B en C". */
export function authorNames(config: Pick<BookConfig, 'author' | 'contributors' | 'language' | 'labels'>): string {
  return listOf(authorsOf(config).map((a) => a.name), labelsFor(config.language, config.labels).and);
}

/** `A`, `A and B`, `A, B and C`. */
export function listOf(items: string[], and: string): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${and} ${items.at(-1)}`;
}
