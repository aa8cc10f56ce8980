import type { MarkdownIt, StateCore, Token } from 'markdown-it';
import type { Diagnostic } from '../diagnostics.ts';
import { escapeHtml } from '../html.ts';

/** A size the author asked for (`{width=50%}`, Pandoc's attribute): a share of the measure or a length. */
export interface ImageSize {
  value: number;
  /** `%` of the text block's width; `px` counts image pixels as CSS pixels (Pandoc's unitless number). */
  unit: '%' | 'mm' | 'cm' | 'in' | 'pt' | 'px';
}

/** An image as the manuscript writes it: what Markdown says, and where. Resolved into a BookImage by images.ts. */
export interface ImageReference {
  /** Index in the chapter (the `data-image` of its placeholder in the chapter's HTML). */
  index: number;
  /** The destination as written (URL-decoded). */
  src: string;
  /** The text alternative: the alt text as plain text, else the title. */
  alt: string;
  title?: string;
  /** 1-based place of the image's `![` in the chapter file. */
  line: number;
  column: number;
  width?: ImageSize;
  height?: ImageSize;
  /** A paragraph holding only this image: a figure with a caption. */
  figure: boolean;
  /** A full-page plate (`{.plate}` on the image or its paragraph): a figure alone on its page, as large as the text block allows. */
  plate: boolean;
  /** The classes the author gave the image, but `plate`. */
  classes: string[];
  /** A figure's id (`{#kaart}`): what a cross-reference names it by (`[@fig:kaart]`). */
  id?: string;
}

export interface ImagesEnv {
  images?: ImageReference[];
  [key: string | symbol]: unknown;
}

export interface ImagesOptions {
  file: string;
  source: string;
  diagnostics: Diagnostic[];
}

export const PLATE_CLASS = 'plate';
const SIZE = /^(\d+(?:\.\d+)?)(%|mm|cm|in|pt|px)?$/;

/** `50%`, `5cm`, `300` (pixels, as Pandoc reads a bare number); undefined for anything else. */
export function parseImageSize(text: string): ImageSize | undefined {
  const match = SIZE.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  if (!(value > 0)) return undefined;
  return { value, unit: (match[2] ?? 'px') as ImageSize['unit'] };
}

/** The placeholder each target replaces with its own `<img>` (see placeImages in images.ts). */
export function imagePlaceholder(index: number): string {
  return `<img data-image="${index}">`;
}
export const IMAGE_PLACEHOLDER_PATTERN = /<img data-image="(\d+)">/g;

/** Where `![` of an image is: the next occurrence of its label at or after `from` in the block's lines. */
function locate(lines: string[], first: number, last: number, label: string, from: { line: number; column: number }): { line: number; column: number } {
  const needles = [`![${label}]`, `![${label.split('\n')[0] ?? ''}`, '!['];
  for (const needle of needles) {
    for (let l = Math.max(first, from.line - 1); l < Math.max(last, first + 1); l++) {
      const text = lines[l] ?? '';
      const at = text.indexOf(needle, l === from.line - 1 ? from.column - 1 : 0);
      if (at >= 0) return { line: l + 1, column: at + 1 };
    }
  }
  return { line: first + 1, column: 1 };
}

/** The attributes in braces right after an image (`{width=50% .plate}`), as Pandoc writes them. */
export interface ImageAttributes {
  classes: string[];
  id?: string;
  values: Record<string, string>;
}

const ATTRIBUTE_BLOCK = /^\{([^{}\n]*)\}/;
const ATTRIBUTE = /\.([\w-]+)|#([\w:.-]+)|([\w-]+)=(?:"([^"]*)"|'([^']*)'|([^\s"']+))/g;

/** `{width=50% .plate #map}` at the start of `text`: the attributes and how many characters they took. */
export function parseImageAttributes(text: string): { attributes: ImageAttributes; length: number } | undefined {
  const block = ATTRIBUTE_BLOCK.exec(text);
  if (!block) return undefined;
  const inner = block[1] as string;
  const attributes: ImageAttributes = { classes: [], values: {} };
  let rest = inner;
  for (const match of inner.matchAll(ATTRIBUTE)) {
    rest = rest.replace(match[0], '');
    if (match[1]) attributes.classes.push(match[1]);
    else if (match[2]) attributes.id = match[2];
    else if (match[3]) attributes.values[match[3]] = match[4] ?? match[5] ?? match[6] ?? '';
  }
  // Not an attribute block after all (`{see below}`): leave the text as it is.
  if (rest.trim() !== '') return undefined;
  return { attributes, length: block[0].length };
}

/** Takes the attribute block that follows the image at `children[at]` out of the text. */
function takeAttributes(children: Token[], at: number): ImageAttributes {
  const next = children[at + 1];
  if (next?.type !== 'text') return { classes: [], values: {} };
  const parsed = parseImageAttributes(next.content);
  if (!parsed) return { classes: [], values: {} };
  next.content = next.content.slice(parsed.length);
  if (next.content === '') children.splice(at + 1, 1);
  return parsed.attributes;
}

/** The paragraph holds one image and nothing else (but white space). */
function onlyImage(inline: Token | undefined): Token | undefined {
  const children = (inline?.children ?? []).filter((c) => !(c.type === 'softbreak' || (c.type === 'text' && c.content.trim() === '')));
  return children.length === 1 && children[0]?.type === 'image' ? children[0] : undefined;
}

/**
 * Images: each one is recorded with its place in the file (env.images) and rendered as a placeholder the
 * targets fill in from the book model, once the file is found, inside the manuscript and decoded. A paragraph
 * holding only an image becomes a figure whose caption is the alt text (or, without one, the title), as in
 * Pandoc; `{width=50%}` and `{height=…}` are sizes the author asks for; `{.plate}` makes a full-page plate.
 */
export function images(md: MarkdownIt, options: ImagesOptions): void {
  const lines = options.source.split('\n');

  // Before the notes are lifted out of the token stream and rendered (notes.ts), so images in notes are
  // found too; attribute blocks are read here, since markdown-it-attrs runs only after that.
  md.core.ruler.after('footnote_tail', 'images', (state: StateCore) => {
    const env = state.env as ImagesEnv;
    const found: ImageReference[] = (env.images ??= []);
    let block: [number, number] = [0, 1];
    let cursor = { line: 1, column: 1 };
    let inNotes = false;
    const tokens = state.tokens;
    tokens.forEach((token, i) => {
      if (token.map) block = token.map as [number, number];
      if (token.type === 'footnote_block_open') inNotes = true;
      if (token.type !== 'inline' || !token.children) return;
      const open = tokens[i - 1];
      const children = token.children;
      for (let k = 0; k < children.length; k++) {
        const child = children[k] as Token;
        if (child.type !== 'image') continue;
        const place = locate(lines, block[0], block[1], child.content, cursor);
        cursor = { line: place.line, column: place.column + 2 };
        const attributes = takeAttributes(children, k);
        const figure = !inNotes && open?.type === 'paragraph_open' && !open.hidden && onlyImage(token) === child;
        const sizes: Partial<Record<'width' | 'height', ImageSize>> = {};
        for (const name of ['width', 'height'] as const) {
          const text = attributes.values[name];
          if (text === undefined) continue;
          const size = parseImageSize(text);
          if (size) sizes[name] = size;
          else {
            options.diagnostics.push({
              ...place,
              file: options.file,
              severity: 'error',
              rule: 'images/bad-size',
              message: `${name}=${text} is not a size: write a share of the measure (${name}=50%) or a length (${name}=6cm, 40mm, 2in, 300 for pixels)`,
            });
          }
        }
        const plate = figure && attributes.classes.includes(PLATE_CLASS);
        const alt = md.renderer.renderInlineAsText(child.children ?? [], md.options, env).trim();
        const title = child.attrGet('title') ? String(child.attrGet('title')) : undefined;
        let src = String(child.attrGet('src') ?? '');
        try {
          src = decodeURI(src);
        } catch {
          // Left as written: resolving it reports the file as missing.
        }
        const reference: ImageReference = {
          index: found.length,
          src,
          alt: alt || title || '',
          ...(title ? { title } : {}),
          line: place.line,
          column: place.column,
          ...sizes,
          figure,
          plate,
          classes: attributes.classes.filter((c) => c !== PLATE_CLASS),
          ...(figure && attributes.id ? { id: attributes.id } : {}),
        };
        found.push(reference);
        child.meta = { ...(child.meta ?? {}), image: reference };
        if (figure && open) {
          open.tag = 'figure';
          open.attrJoin('class', ['figure', ...(plate ? [PLATE_CLASS] : [])].join(' '));
          if (attributes.id) open.attrSet('id', attributes.id);
          const close = tokens.slice(i + 1).find((t) => t.type === 'paragraph_close');
          if (close) close.tag = 'figure';
        }
      }
    });
  });

  md.renderer.rules.image = (tokens, idx, opts, env) => {
    const token = tokens[idx] as Token;
    const reference = token.meta?.image as ImageReference | undefined;
    if (!reference) return '';
    if (!reference.figure) return imagePlaceholder(reference.index);
    // The caption is the alt text as the author wrote it (emphasis kept); without one, the title.
    const caption = token.children?.length ? md.renderer.renderInline(token.children, opts, env).trim() : escapeHtml(reference.title ?? '');
    // Read once: the caption repeats the text alternative, so assistive technology skips it (as Pandoc does).
    const hidden = token.children?.length ? ' aria-hidden="true"' : '';
    return `${imagePlaceholder(reference.index)}${caption ? `<figcaption${hidden}>${caption}</figcaption>` : ''}`;
  };
}
