// The contributor roles of book.yaml: a leaf with no imports, named by the config schema (which validates the
// roles) and by contributors.ts (which reads the validated config) without either importing the other.

/**
 * The roles a contributor can have in book.yaml, each with its MARC relator code (the EPUB's `role` refinement,
 * https://id.loc.gov/vocabulary/relators). `aui` ("author of introduction, etc.") is deprecated: prefaces,
 * forewords and introductions have codes of their own.
 */
export const RELATORS = {
  author: 'aut',
  preface: 'wpr',
  foreword: 'wfw',
  introduction: 'win',
  afterword: 'aft',
  translator: 'trl',
  editor: 'edt',
  illustrator: 'ill',
  annotator: 'ann',
  compiler: 'com',
  contributor: 'ctb',
} as const;

export type ContributorRole = keyof typeof RELATORS;

export const CONTRIBUTOR_ROLES = Object.keys(RELATORS) as [ContributorRole, ...ContributorRole[]];

export function relatorOf(role: ContributorRole): string {
  return RELATORS[role];
}
