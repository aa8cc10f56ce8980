import path from 'node:path';

/** An `<img>` whose src is relative to the manuscript folder (no scheme, not rooted). */
const LOCAL_IMAGE = /<img src="(?![a-z][a-z0-9+.-]*:|\/)([^"]+)"/g;

/** Rewrites the src of every manuscript-relative image; each target puts images where it serves them. */
export function rewriteLocalImages(html: string, to: (src: string) => string): string {
  return html.replace(LOCAL_IMAGE, (_, src: string) => `<img src="${to(src)}"`);
}

/** The manuscript-relative image paths a piece of HTML uses, each once, none climbing out of the folder. */
export function localImageSources(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(LOCAL_IMAGE)) {
    const normal = path.posix.normalize(decodeURI(match[1] as string));
    if (!normal.startsWith('../')) found.add(normal);
  }
  return [...found];
}
