// The page side of tests/resume-difference.test.ts, bundled by it: firstDifference against the walk it replaced,
// on random changes to a chapter-like tree.
import { firstDifference } from '../scripts/lib/print/runtime/resume-layout.ts';

export interface Outcome {
  trial: number;
  expected: number;
  found: number;
}

declare global {
  interface Window {
    differences: { trials(): Outcome[] };
  }
}

function sameNode(a: Node, b: Node): boolean {
  if (a.nodeType !== b.nodeType || a.nodeName !== b.nodeName) return false;
  if (a.nodeType !== Node.ELEMENT_NODE) return a.nodeValue === b.nodeValue;
  const x = a as Element;
  const y = b as Element;
  if (x.attributes.length !== y.attributes.length) return false;
  for (const attribute of x.attributes) if (y.getAttribute(attribute.name) !== attribute.value) return false;
  return true;
}

function depthBelow(node: Node, root: Node): number {
  let depth = 0;
  for (let up = node.parentNode; up && up !== root; up = up.parentNode) depth++;
  return depth;
}

/** Both trees node by node in document order: the position of the first pair that differs in name, attributes,
 * text or depth, or the shorter's length. */
function walked(before: Node, after: Node): number {
  const a = document.createTreeWalker(before, NodeFilter.SHOW_ALL);
  const b = document.createTreeWalker(after, NodeFilter.SHOW_ALL);
  let index = 0;
  for (;;) {
    const x = a.nextNode();
    const y = b.nextNode();
    if (!x || !y) return index;
    if (!sameNode(x, y) || depthBelow(x, before) !== depthBelow(y, after)) return index;
    index++;
  }
}

function all(root: Node): Node[] {
  const nodes: Node[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ALL);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
  return nodes;
}

function trials(): Outcome[] {
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const blocks: string[] = [];
  for (let i = 0; i < 60; i++) {
    const kind = i % 6;
    if (kind === 0) blocks.push(`<h2 id="h${i}" class="chapter">Kop ${i}</h2>`);
    else if (kind === 3) blocks.push(`<ol start="${i}"><li>een <em>twee</em></li><li>drie<sup>${i}</sup></li></ol>`);
    else blocks.push(`<p data-line="${i}">Tekst ${i} met <em>nadruk</em>, een <a href="#n${i}" class="note-call">${i}</a> en <span class="sc">kapitalen <b>vet</b></span> tot slot.</p>`);
  }
  const base = document.createElement('section');
  base.innerHTML = blocks.join('\n');
  const outcomes: Outcome[] = [];
  for (let trial = 0; trial < 400; trial++) {
    const changed = base.cloneNode(true) as Element;
    const changes = trial % 10 === 0 ? 0 : 1 + random(3);
    for (let c = 0; c < changes; c++) {
      const nodes = all(changed);
      const node = nodes[random(nodes.length)] as ChildNode;
      const element = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : null;
      switch (random(9)) {
        case 0:
          if (node.nodeType === Node.TEXT_NODE) node.nodeValue += 'x';
          else element?.setAttribute('data-x', String(trial));
          break;
        case 1:
          element?.setAttribute('class', 'other');
          break;
        case 2:
          node.remove();
          break;
        case 3: {
          const span = document.createElement('span');
          span.textContent = 'nieuw';
          node.before(span);
          break;
        }
        case 4:
          node.after(document.createTextNode(' meer'));
          break;
        case 5:
          // Into the element before it: the same nodes, one level deeper.
          if (node.previousSibling?.nodeType === Node.ELEMENT_NODE) (node.previousSibling as Element).append(node);
          break;
        case 6:
          // Its children one level up: the same nodes, one level higher.
          if (element) element.replaceWith(...Array.from(element.childNodes));
          break;
        case 7:
          changed.append(document.createElement('p'));
          break;
        default:
          if (element && element.attributes[0]) element.removeAttribute(element.attributes[0].name);
      }
    }
    outcomes.push({ trial, expected: walked(base, changed), found: firstDifference(base, changed) });
    // The other way round: the change undone.
    outcomes.push({ trial: -trial, expected: walked(changed, base), found: firstDifference(changed, base) });
  }
  return outcomes;
}

window.differences = { trials };
