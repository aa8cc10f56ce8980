/** How bad a finding is: an error fails the build or check, a warning and an info do not. */
export type Severity = 'error' | 'warning' | 'info';

/** What a rule is, apart from its id. */
export interface RuleSpec {
  /** The severity its findings have unless book.yaml `rules:` says otherwise. */
  severity: Severity;
  /** One line for `npm run check -- --list-rules`. */
  description: string;
  /** A finding of this rule stops the build (no book.yaml to read, no browser, a page that cannot be laid
   * out): book.yaml `rules:` cannot lower it or turn it off. */
  stops?: true;
}

const stops = true as const;

/**
 * Every rule the pipeline can report, stages and checks alike, by id (`family/name`). This is the one
 * registry: a finding is made with `diagnostic(id, place, message)` and takes its severity from here;
 * `--list-rules` lists this; book.yaml `rules:` knows these ids. To add a rule, add a line in its family
 * (tests/rules.test.ts fails on an id the code reports that is not here, and on one here nothing reports).
 */
const REGISTRY = {
  // book.yaml
  'config/missing': { severity: 'error', stops, description: 'the manuscript folder has no book.yaml' },
  'config/yaml': { severity: 'error', stops, description: 'book.yaml is not valid YAML' },
  'config/invalid': { severity: 'error', stops, description: 'a book.yaml value has the wrong type or form' },
  'config/missing-key': { severity: 'error', stops, description: 'a required book.yaml key is missing' },
  'config/unknown-key': { severity: 'error', stops, description: 'book.yaml has a key the pipeline does not know' },
  'config/unknown-rule': { severity: 'warning', description: 'book.yaml `rules:` names a rule the pipeline does not have' },
  'config/duplicate-contributor': { severity: 'error', stops, description: 'book.yaml `contributors:` names one person twice in the same role' },
  'config/contents': { severity: 'error', stops, description: 'book.yaml lists its chapters under both `chapters:` and `contents:`' },
  'config/fixed-rule': { severity: 'warning', description: 'book.yaml `rules:` lowers a rule that stops the build, which it cannot' },

  // The manuscript, as it is read
  'manuscript/missing-chapter': { severity: 'error', description: 'a chapter listed in book.yaml does not exist' },
  'manuscript/outside': { severity: 'error', stops, description: 'a file book.yaml names is outside the manuscript folder (a path climbing out, or a link leading out)' },
  'manuscript/url': { severity: 'error', stops, description: 'book.yaml names a URL where a file of the manuscript belongs: a build reads nothing from the network' },
  'manuscript/duplicate-chapter': { severity: 'error', stops, description: 'a chapter is listed twice in book.yaml' },
  'manuscript/encoding': { severity: 'error', stops, description: 'a chapter or book.yaml is not valid UTF-8 (saved as Latin-1, Windows-1252 or UTF-16)' },
  'manuscript/empty-chapter': { severity: 'warning', description: 'a chapter file is empty' },
  'manuscript/unresolved-reference': { severity: 'error', description: 'a cross-reference ([@sec:id], [@fig:id], [@tbl:id], [@note:label], [@page:id]) names no heading, figure, span or note in the book' },
  'index/names': { severity: 'error', description: 'the index\'s list of names (book.yaml `index.names`) is not a list of `{ key, aliases, see }`' },
  'index/unknown-name': { severity: 'error', description: 'a name marked for the index ([Kautsky]{.person key="…"}) is not in its list of names' },
  'index/unused-name': { severity: 'warning', description: 'a name in the index\'s list never occurs in the text: its entry would have no pages' },
  'index/unknown-see': { severity: 'error', description: 'an index entry\'s `see:` names no entry of the list' },
  'index/range-across-parts': { severity: 'warning', description: 'an index entry\'s range of pages runs from one part of the book into another (or into the back matter): one range for two passages' },
  'config/font-package': { severity: 'error', stops, description: 'the font package is not an npm package name, or is not installed' },
  'config/print-limit': { severity: 'error', stops, description: 'a print setting cannot make a book (text area too small, type under 5 pt or over 30 pt, bleed wider than a margin, …)' },
  'notes/undefined-reference': { severity: 'error', description: 'a footnote reference has no definition' },
  'notes/unused-definition': { severity: 'error', description: 'a footnote definition is never referenced' },
  'notes/duplicate-label': { severity: 'error', description: 'a footnote label is defined twice' },
  'notes/unknown-series': { severity: 'error', description: 'a note label names a series (`[^ed:label]`) that book.yaml `notes: series:` does not declare' },
  'notes/nested': { severity: 'error', stops, description: 'a note is called inside a note (notes cannot carry notes of their own in any format)' },
  'markdown/raw-html': { severity: 'warning', description: 'the manuscript has raw HTML, which is not rendered (left out of the book): write it in Markdown, or as code' },
  'hyphenation/no-patterns': { severity: 'warning', description: 'the book’s language has no hyphenation patterns: its text is set unhyphenated' },
  'images/missing': { severity: 'error', description: 'an image file does not exist' },
  'images/remote': { severity: 'error', description: 'an image is named by a URL: a build loads nothing from the network' },
  'images/outside': { severity: 'error', description: 'an image path (or the link it is) leads outside the manuscript folder' },
  'images/unreadable': { severity: 'error', description: 'an image file does not decode (damaged, or not an image)' },
  'images/bad-size': { severity: 'error', description: 'an image size attribute ({width=…}, {height=…}) is not a size' },
  'images/no-alt': { severity: 'warning', description: 'an image has neither alt text nor a title: readers who cannot see it get nothing' },

  // Stylesheets
  'styles/url': { severity: 'error', stops, description: 'a stylesheet loads something by URL (the network, a file: URL): a build loads nothing from elsewhere' },

  // Citations
  'citations/unknown-key': { severity: 'error', description: 'a citation names a key the bibliography does not have' },
  'citations/unused-entry': { severity: 'warning', description: 'a bibliography entry is never cited' },
  'citations/duplicate-key': { severity: 'error', description: 'two bibliography entries have the same key' },
  'citations/bad-bibliography': { severity: 'error', description: 'a bibliography file is missing or not valid CSL-JSON, CSL-YAML or BibTeX (at the line where it breaks)' },
  'citations/bad-style': { severity: 'error', description: 'the CSL style or locale named in book.yaml does not exist' },
  'citations/malformed-locator': { severity: 'error', description: 'a locator the style cannot print as meant (an em dash, a hyphen between words that are not numbers), or a label the locale does not know' },
  'citations/unconfirmed-source': { severity: 'info', description: 'a cited source is marked unconfirmed or partial in the bibliography' },
  'citations/missing-locator': { severity: 'info', description: 'a citation of a confirmed source has no locator though the style prints one' },

  // Quotation marks
  'quotes/unbalanced': { severity: 'error', description: 'a quotation mark in a paragraph is not closed, or closes nothing' },
  'quotes/wrong-nesting': { severity: 'error', description: 'quotation marks nest the wrong way (“ ” go outside, ‘ ’ inside)' },
  'quotes/unsourced-quotation': { severity: 'warning', description: 'a quotation of eight words or more has no citation or note in its paragraph' },

  // Chromium
  'browser/not-found': { severity: 'error', stops, description: 'no Chromium to lay out the pages with' },
  'browser/launch': { severity: 'error', stops, description: 'Chromium did not start' },

  // Laying out the print edition
  'print/render': { severity: 'error', stops, description: 'Paged.js could not lay out the pages (a script failed, a tab crashed, a timeout)' },
  'print/blocked-request': { severity: 'error', stops, description: 'the page asked for something the build does not serve (builds load nothing from the network)' },
  'print/layout-stopped': { severity: 'error', stops, description: 'Paged.js stopped laying out the pages before the end of the text (a note taller than the page?): what follows would be missing from the book' },
  'print/signature': { severity: 'error', description: 'the page count is not a multiple of print.signature (set print.padToSignature to pad)' },

  // The print edition's pages (the layout check)
  'layout/overflow': { severity: 'error', description: 'a line wider than the measure, or a box outside the page area' },
  'layout/unplaceable': { severity: 'error', description: 'Paged.js could not place a block on any page (taller than the page area?); it and what follows may be missing' },
  'layout/widow': { severity: 'error', description: 'the last line of a paragraph alone at the head of a page' },
  'layout/orphan': { severity: 'error', description: 'the first line of a paragraph alone at the foot of a page' },
  'layout/stranded-heading': { severity: 'error', description: 'a heading is the last thing on a page' },
  'layout/blank-page': { severity: 'error', description: 'a page is empty but was not meant to be blank' },
  'layout/short-page': { severity: 'warning', description: 'a page is less than a quarter full while its chapter goes on' },
  'notes/wrong-page': { severity: 'error', description: 'a footnote is not on the page of its call' },
  'notes/series-order': { severity: 'error', description: 'a page foot sets a note of one series under a note of a later series (the author\'s notes come first)' },
  'notes/endnote-placement': { severity: 'error', description: 'a note placed at the end is missing from the endnotes, or its call from the text' },
  'notes/clipped': { severity: 'error', description: 'a note area is cut off at the foot of the page' },
  'hyphenation/ladder': { severity: 'error', description: 'more than three hyphenated line ends in a row' },
  'hyphenation/page-turn': { severity: 'warning', description: 'a hyphenated word is split across a page turn' },
  'typography/loose-line': { severity: 'warning', description: 'a justified line whose word spaces are stretched beyond 2× their natural width' },
  'fonts/not-embedded': { severity: 'error', description: 'a font is not embedded in the PDF' },
  'fonts/type3': { severity: 'error', description: 'a Type 3 (bitmap or vector-procedure) font is in the PDF' },
  'fonts/fallback': { severity: 'error', description: 'characters are drawn by a font other than the configured one (a fallback)' },
  'fonts/uncovered-character': { severity: 'error', description: 'a character of the book is in none of the fonts book.yaml names (body, mono for code, fallback): it would be drawn with a font of the machine' },
  'images/resolution': { severity: 'error', description: 'an image prints below 300 ppi at its printed size' },

  'cover/build': { severity: 'error', stops, description: 'the cover could not be made (its text overflows a panel, Ghostscript or qpdf failed)' },
  // The press PDF (PDF/X) and its preflight
  'press/build': { severity: 'error', stops, description: 'the press PDF could not be made (no CMYK profile, Ghostscript or qpdf failed)' },
  'press/pdfx-version': { severity: 'error', description: 'the press PDF does not identify itself as PDF/X (GTS_PDFXVersion, Title, Trapped, ID)' },
  'press/output-intent': { severity: 'error', description: 'the press PDF has no PDF/X output intent with an embedded CMYK profile' },
  'press/page-boxes': { severity: 'error', description: 'a page’s TrimBox, BleedBox or MediaBox does not match the trim, bleed and marks in book.yaml' },
  'press/text-page-colour': { severity: 'error', description: 'a text page uses cyan, magenta or yellow ink: black text and rules must be pure K' },
  'press/total-ink': { severity: 'error', description: 'total ink (C+M+Y+K) exceeds print.press.inkLimit somewhere on a page' },
  'press/crop-marks': { severity: 'error', description: 'crop marks are missing where the printer wants them (print.press.printer, print.marks), or there where it refuses them' },
  'press/bookmarks': { severity: 'error', description: 'the press PDF has bookmarks (an outline), which the printer refuses (print.press.exclude)' },
  'press/metadata': { severity: 'error', description: 'the press PDF has metadata (XMP, Author, Subject, Keywords, Creator), which the printer refuses (print.press.exclude)' },
  'press/annotations': { severity: 'error', description: 'a page of the press PDF has annotations (links, comments), which the printer refuses' },
  'press/line-weight': { severity: 'warning', description: 'a line is thinner than the printer holds (print.press.minLineWeight)' },
  'press/image-resolution': { severity: 'warning', description: 'an image as printed has fewer pixels per inch than the printer asks for (print.press.minImagePpi)' },
  'press/output-condition': { severity: 'warning', description: 'the output intent is not the printing condition the printer prints to (a FOGRA profile for Pumbo): name its ICC profile in print.press.profile' },

  // The screen PDF's accessibility (PDF/UA-1): the Matterhorn Protocol 1.1 conditions software can decide
  'pdfua/not-tagged': { severity: 'error', description: 'the screen PDF has no structure tree, or MarkInfo does not say Marked true (UA1 7.1)' },
  'pdfua/content-not-marked': { severity: 'error', description: 'content is neither tagged nor an artifact (01-005)' },
  'pdfua/artifact-nesting': { severity: 'error', description: 'an artifact inside tagged content, or tagged content inside an artifact (01-003, 01-004)' },
  'pdfua/suspects': { severity: 'error', description: 'MarkInfo says Suspects true (01-007)' },
  'pdfua/content-not-in-structure': { severity: 'error', description: 'marked content (an MCID) that no structure element refers to, or that two refer to' },
  'pdfua/structure-content-missing': { severity: 'error', description: 'a structure element refers to marked content that is not on its page' },
  'pdfua/role-map': { severity: 'error', description: 'a structure type that is not standard and maps to no standard type (02-001)' },
  'pdfua/metadata': { severity: 'error', description: 'no XMP metadata, or XMP without dc:title (06-001, 06-003)' },
  'pdfua/display-doc-title': { severity: 'error', description: 'the viewer shows the file name, not the title: ViewerPreferences lacks DisplayDocTitle true (07-001, 07-002)' },
  'pdfua/structure-nesting': { severity: 'error', description: 'a list, table or contents element outside the element it belongs in (LI in L, Lbl and LBody in LI, TR in a table, TH and TD in TR, TOCI in TOC)' },
  'pdfua/unicode': { severity: 'error', description: 'text whose character codes do not map to Unicode (no ToUnicode entry) (10-001)' },
  'pdfua/lang': { severity: 'error', description: 'the document does not say its natural language (Lang in the catalog) (11-006)' },
  'pdfua/figure-alt': { severity: 'error', description: 'a figure without alternative text (13-004): give the image alt text in the manuscript' },
  'pdfua/heading-first': { severity: 'error', description: 'the first numbered heading is not H1 (14-002)' },
  'pdfua/heading-skipped': { severity: 'error', description: 'a heading level is skipped, e.g. H3 right after H1 (14-003)' },
  'pdfua/table-headers': { severity: 'error', description: 'a table without header cells (TH), or a TH without Scope in a table that does not use Headers (15-003)' },
  'pdfua/note-id': { severity: 'error', description: 'a Note without an ID, or two with the same ID (19-003, 19-004)' },
  'pdfua/annotation-not-tagged': { severity: 'error', description: 'an annotation not in the structure tree, or a link annotation outside a Link element (UA1 7.18.1, 7.18.5)' },
  'pdfua/link-contents': { severity: 'error', description: 'a link annotation without a description in Contents (UA1 7.18.5)' },
  'pdfua/tab-order': { severity: 'error', description: 'a page with annotations whose tab order is not the structure order (Tabs /S) (UA1 7.18.3)' },
  'pdfua/unreadable': { severity: 'error', description: 'a page content stream the check cannot read' },

  // The EPUB
  'epub/cover': { severity: 'error', stops, description: 'the cover image could not be rendered' },
  'epub/package': { severity: 'error', stops, description: 'the EPUB packager reported a problem' },
  'epub/epubcheck-fatal': { severity: 'error', description: 'EPUBCheck could not read the EPUB' },
  'epub/epubcheck-error': { severity: 'error', description: 'EPUBCheck found an error (shops reject the file)' },
  'epub/epubcheck-warning': { severity: 'warning', description: 'EPUBCheck found a warning' },
  'epub/epubcheck-unavailable': { severity: 'error', description: 'EPUBCheck (and a Java runtime) is not installed' },
  'epub/a11y-violation': { severity: 'error', description: 'axe-core found a WCAG 2.x A/AA or best-practice violation in a content document' },
  'epub/a11y-failed': { severity: 'error', description: 'the accessibility check could not run (browser crashed or timed out)' },
  'epub/ace': { severity: 'error', description: 'Ace by DAISY found an accessibility problem (EPUB Accessibility, WCAG)' },
  'epub/ace-failed': { severity: 'error', description: 'Ace by DAISY could not run' },

  // The web edition
  'web/html-invalid': { severity: 'error', description: 'the web edition is not valid HTML or CSS (Nu Html Checker)' },
  'web/html-warning': { severity: 'warning', description: 'the Nu Html Checker warns about the web edition’s HTML or CSS' },
  'web/html-info': { severity: 'info', description: 'the Nu Html Checker has a remark on the web edition’s HTML or CSS' },
  'web/validator-unavailable': { severity: 'error', description: 'the Nu Html Checker cannot run (no Java runtime)' },
  'web/a11y-violation': { severity: 'error', description: 'axe-core finds an accessibility violation in the web edition' },

  // The live preview
  'preview/build': { severity: 'error', stops, description: 'the preview could not rebuild the book' },
} as const satisfies Record<string, RuleSpec>;

export type RuleId = keyof typeof REGISTRY;

export const RULES: Readonly<Record<RuleId, RuleSpec>> = REGISTRY;

export interface Rule extends RuleSpec {
  id: RuleId;
}

/** Every rule, in the registry's order. */
export const ALL_RULES: readonly Rule[] = Object.entries(RULES).map(([id, spec]) => ({ id: id as RuleId, ...spec }));

export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULES, id);
}

export function ruleOf(id: RuleId): Rule {
  return { id, ...RULES[id] };
}
