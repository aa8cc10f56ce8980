import { escapeHtml } from '../html.ts';

/**
 * The epub:type values that have a DPUB-ARIA role of the same meaning (DPUB-ARIA 1.0; `cover` is left out:
 * doc-cover is for the cover image only). An element with one of them must carry the role too (EPUB
 * Accessibility, Ace's `epub-type-has-matching-role`): assistive technology reads roles, not epub:type.
 */
export const DPUB_ROLES: Record<string, string> = Object.fromEntries(
  [
    'abstract', 'acknowledgments', 'afterword', 'appendix', 'backlink', 'biblioentry', 'bibliography', 'biblioref',
    'chapter', 'colophon', 'conclusion', 'credit', 'credits', 'dedication', 'endnote', 'endnotes', 'epigraph',
    'epilogue', 'errata', 'example', 'footnote', 'foreword', 'glossary', 'glossref', 'index', 'introduction',
    'noteref', 'notice', 'pagebreak', 'part', 'preface', 'prologue', 'pullquote', 'qna', 'subtitle', 'tip', 'toc',
  ].map((type) => [type, `doc-${type}`]),
);

/** `epub:type="colophon" role="doc-colophon"`: the type, and its role when it has one. */
export function epubTypeAttributes(type: string): string {
  const role = DPUB_ROLES[type];
  return `epub:type="${escapeHtml(type)}"${role ? ` role="${role}"` : ''}`;
}
