import { readFile } from 'node:fs/promises';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** A structure element as pdf.js reads it back, with the text of its marked content. */
export interface ReadElement {
  role: string;
  /** Alt or ActualText, as pdf.js reports it. */
  alt?: string;
  /** The element's own text and its descendants', in structure order. */
  text: string;
  children: ReadElement[];
}

export interface ReadPage {
  page: number;
  /** The Document's tree for this page. */
  root: ReadElement;
  /** Text drawn as an artifact or outside any marked content: tag -> text. */
  unstructured: Record<string, string>;
}

interface PdfJsNode {
  role?: string;
  alt?: string;
  type?: string;
  id?: string;
  children?: PdfJsNode[];
}

/**
 * Reads pages' structure trees with pdf.js (Mozilla's reader, not the pipeline's own code): what a reader
 * that follows the tags gets, in order.
 */
export async function readStructure(file: string, pages: number[]): Promise<ReadPage[]> {
  const data = new Uint8Array(await readFile(file));
  const doc = await getDocument({ data, isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
  try {
    const result: ReadPage[] = [];
    for (const number of pages) {
      const page = await doc.getPage(number);
      const tree = (await page.getStructTree()) as PdfJsNode | null;
      const content = await page.getTextContent({ includeMarkedContent: true });
      const byId: Record<string, string> = {};
      const unstructured: Record<string, string> = {};
      const stack: { id?: string; tag?: string }[] = [];
      for (const item of content.items as { type?: string; id?: string; tag?: string; str?: string }[]) {
        if (item.type === 'beginMarkedContent' || item.type === 'beginMarkedContentProps') stack.push({ id: item.id, tag: item.tag });
        else if (item.type === 'endMarkedContent') stack.pop();
        else if (item.str !== undefined) {
          const owner = [...stack].reverse().find((m) => m.id);
          if (owner?.id) byId[owner.id] = (byId[owner.id] ?? '') + item.str;
          else {
            const tag = stack[0]?.tag ?? '(none)';
            unstructured[tag] = (unstructured[tag] ?? '') + item.str;
          }
        }
      }
      const convert = (node: PdfJsNode): ReadElement => {
        const children: ReadElement[] = [];
        let text = '';
        for (const child of node.children ?? []) {
          if (child.type === 'content' && child.id) text += byId[child.id] ?? '';
          else if (child.role) {
            const element = convert(child);
            children.push(element);
            text += element.alt ?? element.text;
          }
        }
        return { role: node.role ?? '', ...(node.alt ? { alt: node.alt } : {}), text, children };
      };
      result.push({ page: number, root: convert(tree ?? {}), unstructured });
    }
    return result;
  } finally {
    await doc.destroy();
  }
}

/** Every element of a tree, depth first. */
export function allElements(element: ReadElement): ReadElement[] {
  return [element, ...element.children.flatMap(allElements)];
}
