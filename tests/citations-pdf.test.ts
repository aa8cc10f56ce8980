import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { pdfPageTexts } from '../scripts/lib/pdf/poppler.ts';
import { projectRoot } from '../scripts/lib/paths.ts';
import { sharedBuild, type SharedBuild } from './shared-build.ts';

/**
 * A Pandoc author's manuscript as it is (English, a .bib file, Chicago notes, a narrative citation, a
 * "References" heading with id refs), built into a PDF once: what the reader sees on the page.
 */
const MANUSCRIPT = path.join(projectRoot, 'tests', 'manuscripts', 'pandoc-citations');

describe('a Pandoc manuscript with a .bib file, in the print PDF', () => {
  let build: SharedBuild;
  let text: string;

  before(async () => {
    build = await sharedBuild(MANUSCRIPT, ['--format', 'pdf']);
    if (build.run.code === 0) {
      const pdf = readdirSync(build.out).find((f) => f.endsWith('.pdf'))!;
      text = (await pdfPageTexts(path.join(build.out, pdf))).join('\n').replace(/\s+/g, ' ');
    }
  });

  test('the build succeeds', () => {
    assert.equal(build.run.code, 0, build.run.stderr);
  });

  test('a narrative citation keeps the author in the sentence; calls stand after the punctuation', () => {
    assert.match(text, /As Marcel van der Linden ?1 argues, the councils were short-lived\. ?2 An/);
    assert.match(text, /follows, ?3 and a written note as well\. ?4/);
  });

  test('the notes: the rest of the narrative citation, a capital, page ranges with an en dash, the short form', () => {
    assert.match(text, /1 Western Marxism and the Soviet Union \(Brill, 2007\), 33\./);
    assert.match(text, /2 See Jörg Müller, “On Workers’ Councils,” Journal of Labour History 3 \(May 2020\): 12–14\./);
    assert.match(text, /3 Müller, “On Workers’ Councils,” 15\./);
    assert.match(text, /4 Compare van der Linden, Western Marxism and the Soviet Union, chap\. 2, where the argument differs\./);
  });

  test('the list of sources under the author\'s References heading, LaTeX accents decoded', () => {
    assert.match(text, /References Linden, Marcel van der\. Western Marxism and the Soviet Union\. Brill, 2007\. Müller, Jörg\. “On Workers’ Councils\.” Journal of Labour History 3 \(May 2020\): 10–20\./);
  });
});
