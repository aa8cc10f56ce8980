import path from 'node:path';
import { projectRoot } from '../scripts/lib/paths.ts';
import { MINIMAL_CONFIG } from './helpers.ts';

const SENTENCES = [
  'De arbeidersraden moesten de macht grijpen, gesteund door de soldaten en de boeren op het platteland.',
  'Het nationale inkomen bedroeg na de burgeroorlog nog slechts een derde van dat in het jaar voor de oorlog.',
  'De bureaucratie parasiteerde op de arbeidersstaat en zou alle vormen van arbeidersdemocratie de kop indrukken.',
  'Niemand kon echter voorzien welke rol de secretaris-generaal in de daaropvolgende jaren zou spelen.',
  'De internationale revolutie liep op nederlagen uit, wat het isolement van het land nog groter maakte.',
  'Verantwoordelijke communisten kregen commerciële en industriële functies waarvan ze weinig wisten.',
];

/** Dutch running text: `paragraphs` paragraphs of four to six sentences, deterministic. */
export function dutchParagraphs(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => {
    const n = 4 + ((i + offset) % 3);
    return Array.from({ length: n }, (_, k) => SENTENCES[(i + k + offset) % SENTENCES.length]).join(' ');
  });
}

/** A chapter of several sections with a note in every other paragraph. */
export function chapterWithNotes(title: string, sections: number, paragraphsPerSection: number): string {
  const lines = [`# ${title}`, ''];
  const notes: string[] = [];
  let n = 0;
  for (let s = 0; s < sections; s++) {
    lines.push(`## Deel ${s + 1}`, '');
    for (const [i, paragraph] of dutchParagraphs(paragraphsPerSection, s).entries()) {
      if (i % 2 === 0) {
        n++;
        lines.push(`${paragraph} “Een citaat dat een bron nodig heeft.”[^n${n}]`, '');
        notes.push(`[^n${n}]: Bronvermelding nummer ${n}, *Verzameld werk*, deel ${n}.`);
      } else lines.push(paragraph, '');
    }
  }
  return [...lines, ...notes, ''].join('\n');
}

export function minimalConfig(extra = ''): string {
  return MINIMAL_CONFIG + extra;
}

/** The kitchen sink: an ordinary English manuscript with every construct a book is written in. */
export const KITCHEN_SINK = path.join(projectRoot, 'tests', 'manuscripts', 'kitchen-sink');
