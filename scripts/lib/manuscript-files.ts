import { realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * Where a file the book names really is. Every file the pipeline reads on a manuscript's say-so (chapters,
 * bibliography, styles, locales, images, profiles) goes through here first, so that a path climbing out of
 * the manuscript folder, an absolute path elsewhere, a symbolic link pointing out and a URL are all caught
 * before anything is read: a book is made of its folder and of nothing else on the machine or the network.
 */
export type ManuscriptFile =
  /** Inside one of the allowed folders once every symbolic link is followed; `real` is the file to read. */
  | { kind: 'inside'; absolute: string; real: string }
  /** Inside as written, but nothing is there (or a link points at nothing). */
  | { kind: 'missing'; absolute: string }
  /** Outside every allowed folder: as written (`..`, an absolute path) or through a symbolic link. */
  | { kind: 'outside'; absolute: string; real: string; through: 'path' | 'link' }
  /** A URL (`http://…`, `//host/…`, `file:…`): nothing the book reads comes from one. */
  | { kind: 'url'; url: string; remote: boolean };

/** `scheme:` (two letters at least, so a Windows drive `C:` is not one) or a scheme-relative `//host`. */
const URL_START = /^(?:[a-z][a-z0-9+.-]+:|\/\/)/i;
const REMOTE_SCHEMES = /^(?:https?|ftps?|wss?|sftp|ssh|git|rsync|smb|nfs):/i;

/** Whether a reference is a URL rather than a path (a scheme, or `//host`). */
export function isUrl(reference: string): boolean {
  return URL_START.test(reference.trim());
}

/** Whether a URL would go over the network (`http:`, `//host`, …), as opposed to `data:` or `file:`. */
export function isRemoteUrl(reference: string): boolean {
  const trimmed = reference.trim();
  return trimmed.startsWith('//') || REMOTE_SCHEMES.test(trimmed);
}

/** Whether `file` is `root` or below it (both absolute, compared as written). */
export function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

/**
 * The real path of a file that may not exist yet: the real path of its nearest existing ancestor with the
 * rest appended. A link anywhere on the way is followed; a missing file under a link that points out is
 * still outside.
 */
export function realPathOf(file: string): { real: string; exists: boolean } {
  const missing: string[] = [];
  let at = path.resolve(file);
  for (;;) {
    try {
      const real = realpathSync.native(at);
      return { real: path.join(real, ...missing.reverse()), exists: missing.length === 0 };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = path.dirname(at);
      if (parent === at) return { real: path.resolve(file), exists: false };
      missing.push(path.basename(at));
      at = parent;
    }
  }
}

/** Real paths of the allowed folders, memoised: a build asks for the same few folders many times. */
const realRoots = new Map<string, string>();
function realRoot(root: string): string {
  const absolute = path.resolve(root);
  const known = realRoots.get(absolute);
  if (known !== undefined) return known;
  const { real, exists } = realPathOf(absolute);
  // Only a folder that exists is remembered: one made later (a temporary copy) is looked up again.
  if (exists) realRoots.set(absolute, real);
  return real;
}

/**
 * Resolves a reference written in the manuscript (relative to `root`, or absolute) and says where it really
 * is. `root` is the manuscript folder; `alsoAllowed` are the other folders a reference may land in (the
 * repository's csl/, an installed package), each checked with its links followed too.
 */
export function resolveManuscriptFile(root: string, reference: string, alsoAllowed: readonly string[] = []): ManuscriptFile {
  if (isUrl(reference)) return { kind: 'url', url: reference.trim(), remote: isRemoteUrl(reference) };
  const absolute = path.resolve(root, reference);
  return locateFile(absolute, [root, ...alsoAllowed]);
}

/** Where an absolute path really is, with respect to the allowed folders (see `resolveManuscriptFile`). */
export function locateFile(absolute: string, allowed: readonly string[]): ManuscriptFile {
  const roots = allowed.map((root) => path.resolve(root));
  // As written, inside a folder as named or as it really is (the manuscript may be named through a link).
  if (!roots.some((root) => isInside(root, absolute) || isInside(realRoot(root), absolute))) return { kind: 'outside', absolute, real: absolute, through: 'path' };
  const { real, exists } = realPathOf(absolute);
  if (!roots.some((root) => isInside(realRoot(root), real))) return { kind: 'outside', absolute, real, through: 'link' };
  return exists ? { kind: 'inside', absolute, real } : { kind: 'missing', absolute };
}

/** Why a reference cannot be read, in words for a diagnostic; `what` names it ("chapter file", "bibliography"). */
export function refusal(file: Exclude<ManuscriptFile, { kind: 'inside' | 'missing' }>, reference: string, what: string, where = 'the manuscript folder'): string {
  if (file.kind === 'url') {
    return file.remote
      ? `${what} "${reference}" is a remote URL: a build reads nothing from the network; put the file in ${where} and name it by its path there`
      : `${what} "${reference}" is a URL, not a path: name a file in ${where} by its path there`;
  }
  return file.through === 'link'
    ? `${what} "${reference}" is a link to ${file.real}, outside ${where}: a build reads only what is inside it`
    : `${what} "${reference}" is outside ${where}: a build reads only what is inside it`;
}
