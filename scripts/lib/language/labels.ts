/**
 * The words the pipeline itself puts in a book (the contents page's title, the EPUB's landmarks, the web
 * edition's links, the colophon's lines), in the book's language. Dutch and English are written out; a book in
 * another language gets the English ones, and book.yaml `labels:` replaces any of them.
 */
export interface Labels {
  /** The contents page and the navigation's title. */
  contents: string;
  cover: string;
  titlePage: string;
  colophon: string;
  landmarks: string;
  pageList: string;
  startOfText: string;
  /** The web edition's skip link. */
  skipToText: string;
  darkTheme: string;
  /** `{title}` is the chapter's title. */
  notesOf: string;
  backToText: string;
  /** `{n}` is the note's number. */
  note: string;
  /** A cross-reference in print: `{n}` is the page's folio ("blz. 23"). */
  pageReference: string;
  /** A cross-reference to a numbered figure or table (`[@fig:kaart]`, `[@tbl:cijfers]`): `{n}` is its number. */
  figureReference: string;
  tableReference: string;
  /** The index of persons' title, and the words before an entry's cross-references. */
  index: string;
  seeAlso: string;
  backToNote: string;
  /** The section of notes gathered at the end (a series with `placement: end`), and its running head, `{pages}`
   * being the text pages of the calls of the notes on that page. */
  endnotes: string;
  endnotesPages: string;
  /** `{title}` is the chapter's title: the EPUB's and web edition's endnotes of a chapter. */
  endnotesOf: string;
  /** `{n}` is the note's marker. */
  endnote: string;
  backToEndnote: string;
  /** `{title}`, `{subtitle}` (with its separator) and `{author}`. */
  coverAlt: string;
  /** `{publisher}`. */
  publishedBy: string;
  /** The edition's name when book.yaml has no `edition:`. */
  edition: string;
  version: string;
  ebook: string;
  webEdition: string;
  /** `{fonts}`: the families the book is set in. */
  setIn: string;
  and: string;
  /** dc:source of the EPUB without ISBN: `{title}`, `{edition}`, `{version}`, `{file}`. */
  printSource: string;
  accessibilitySummary: string;
  /** A line naming contributors other than the authors, `{names}` being theirs: the title page, the colophon. */
  rolePreface: string;
  roleForeword: string;
  roleIntroduction: string;
  roleAfterword: string;
  roleTranslator: string;
  roleEditor: string;
  roleIllustrator: string;
  roleAnnotator: string;
  roleCompiler: string;
  roleContributor: string;
  /** A chapter's and a part's number as printed above its title, `{n}` the number in the book's style. */
  chapterNumber: string;
  partNumber: string;
}

/** Every label's name (book.yaml `labels:` accepts these). */
export const LABEL_KEYS = [
  'contents', 'cover', 'titlePage', 'colophon', 'landmarks', 'pageList', 'startOfText', 'skipToText', 'darkTheme', 'notesOf',
  'backToText', 'note', 'pageReference', 'figureReference', 'tableReference', 'index', 'seeAlso', 'backToNote', 'endnotes', 'endnotesPages', 'endnotesOf', 'endnote', 'backToEndnote', 'coverAlt', 'publishedBy', 'edition', 'version', 'ebook', 'webEdition', 'setIn', 'and', 'printSource',
  'accessibilitySummary', 'rolePreface', 'roleForeword', 'roleIntroduction', 'roleAfterword', 'roleTranslator', 'roleEditor',
  'roleIllustrator', 'roleAnnotator', 'roleCompiler', 'roleContributor', 'chapterNumber', 'partNumber',
] as const satisfies readonly (keyof Labels)[];

const NL: Labels = {
  contents: 'Inhoud',
  cover: 'Omslag',
  titlePage: 'Titelpagina',
  colophon: 'Colofon',
  landmarks: 'Oriëntatiepunten',
  pageList: 'Paginalijst',
  startOfText: 'Begin van de tekst',
  skipToText: 'Naar de tekst',
  darkTheme: 'Donker thema',
  notesOf: 'Noten bij {title}',
  backToText: 'Terug naar de tekst',
  note: 'noot {n}',
  pageReference: 'blz. {n}',
  figureReference: 'figuur {n}',
  tableReference: 'tabel {n}',
  index: 'Register',
  seeAlso: 'zie ook',
  backToNote: 'terug naar de tekst bij noot {n}',
  endnotes: 'Aantekeningen',
  endnotesPages: 'Aantekeningen bij blz. {pages}',
  endnotesOf: 'Aantekeningen bij {title}',
  endnote: 'aantekening {n}',
  backToEndnote: 'terug naar de tekst bij aantekening {n}',
  coverAlt: 'Omslag: {title}{subtitle}, door {author}.',
  publishedBy: 'Uitgegeven door {publisher}',
  edition: 'Uitgave',
  version: 'versie',
  ebook: 'e-boek',
  webEdition: 'webeditie',
  setIn: 'Gezet uit de {fonts}.',
  and: 'en',
  printSource: '{title}, gedrukte uitgave ({edition}, versie {version}, {file})',
  accessibilitySummary:
    'Dit e-boek volgt EPUB Accessibility 1.1 en WCAG 2.1 niveau AA. De tekst is volledig als tekst beschikbaar, ' +
    'met koppen voor de hoofdstukken en delen, een inhoudsopgave, voetnoten die heen en terug gelinkt zijn en ' +
    'paginamarkeringen naar de gedrukte uitgave. Lettergrootte, regelafstand en kleuren kunnen door de lezer ' +
    'worden aangepast. Het omslag heeft een tekstalternatief.',
  rolePreface: 'Met een voorwoord van {names}',
  roleForeword: 'Met een woord vooraf van {names}',
  roleIntroduction: 'Met een inleiding van {names}',
  roleAfterword: 'Met een nawoord van {names}',
  roleTranslator: 'Vertaald door {names}',
  roleEditor: 'Bezorgd door {names}',
  roleIllustrator: 'Met illustraties van {names}',
  roleAnnotator: 'Met aantekeningen van {names}',
  roleCompiler: 'Samengesteld door {names}',
  roleContributor: 'Met medewerking van {names}',
  chapterNumber: 'Hoofdstuk {n}',
  partNumber: 'Deel {n}',
};

const EN: Labels = {
  contents: 'Contents',
  cover: 'Cover',
  titlePage: 'Title page',
  colophon: 'Colophon',
  landmarks: 'Landmarks',
  pageList: 'Page list',
  startOfText: 'Start of the text',
  skipToText: 'Skip to the text',
  darkTheme: 'Dark theme',
  notesOf: 'Notes to {title}',
  backToText: 'Back to the text',
  note: 'note {n}',
  pageReference: 'p. {n}',
  figureReference: 'figure {n}',
  tableReference: 'table {n}',
  index: 'Index',
  seeAlso: 'see also',
  backToNote: 'back to the text at note {n}',
  endnotes: 'Notes',
  endnotesPages: 'Notes to pages {pages}',
  endnotesOf: 'Notes to {title}',
  endnote: 'endnote {n}',
  backToEndnote: 'back to the text at endnote {n}',
  coverAlt: 'Cover: {title}{subtitle}, by {author}.',
  publishedBy: 'Published by {publisher}',
  edition: 'Edition',
  version: 'version',
  ebook: 'e-book',
  webEdition: 'web edition',
  setIn: 'Set in {fonts}.',
  and: 'and',
  printSource: '{title}, print edition ({edition}, version {version}, {file})',
  accessibilitySummary:
    'This e-book follows EPUB Accessibility 1.1 and WCAG 2.1 level AA. All of its text is available as text, ' +
    'with headings for its chapters and sections, a table of contents, footnotes linked both ways and page ' +
    'markers to the print edition. Type size, line spacing and colours can be changed by the reader. The cover ' +
    'has a text alternative.',
  rolePreface: 'With a preface by {names}',
  roleForeword: 'With a foreword by {names}',
  roleIntroduction: 'With an introduction by {names}',
  roleAfterword: 'With an afterword by {names}',
  roleTranslator: 'Translated by {names}',
  roleEditor: 'Edited by {names}',
  roleIllustrator: 'Illustrated by {names}',
  roleAnnotator: 'Annotated by {names}',
  roleCompiler: 'Compiled by {names}',
  roleContributor: 'With contributions by {names}',
  chapterNumber: 'Chapter {n}',
  partNumber: 'Part {n}',
};

const BY_LANGUAGE: Record<string, Labels> = { nl: NL, en: EN };

/** The labels of a language (its primary subtag), with book.yaml's own in front. */
export function labelsFor(language: string, overrides: Partial<Labels> = {}): Labels {
  const primary = language.toLowerCase().split('-')[0] ?? '';
  return { ...(BY_LANGUAGE[primary] ?? EN), ...overrides };
}

/** A label with its `{name}` slots filled. */
export function fill(label: string, values: Record<string, string | number>): string {
  return label.replace(/\{(\w+)\}/g, (slot, name: string) => (name in values ? String(values[name]) : slot));
}
