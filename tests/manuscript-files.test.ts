// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isInside, isRemoteUrl, isUrl, refusal, resolveManuscriptFile } from '../scripts/lib/manuscript-files.ts';
import { removeDir } from './helpers.ts';

describe('containment: where a file the manuscript names really is', () => {
  let work: string;
  let manuscript: string;
  let elsewhere: string;

  before(async () => {
    work = await realpath(await mkdtemp(path.join(tmpdir(), 'book-test-contain-')));
    manuscript = path.join(work, 'manuscript');
    elsewhere = path.join(work, 'elsewhere');
    await mkdir(path.join(manuscript, 'hoofdstukken'), { recursive: true });
    await mkdir(elsewhere);
    await writeFile(path.join(manuscript, 'hoofdstukken', '01.md'), '# Een\n');
    await writeFile(path.join(elsewhere, 'secret.txt'), 'geheim');
    await symlink(path.join(elsewhere, 'secret.txt'), path.join(manuscript, 'link-out.md'));
    await symlink(elsewhere, path.join(manuscript, 'folder-out'));
    await symlink(path.join(manuscript, 'hoofdstukken', '01.md'), path.join(manuscript, 'link-in.md'));
    await symlink(path.join(manuscript, 'nowhere.md'), path.join(manuscript, 'dangling.md'));
    await symlink(manuscript, path.join(work, 'manuscript-link'));
  });
  after(() => removeDir(work));

  test('a file inside, as written or through a link that stays inside', () => {
    const direct = resolveManuscriptFile(manuscript, 'hoofdstukken/01.md');
    assert.deepEqual(direct, { kind: 'inside', absolute: path.join(manuscript, 'hoofdstukken', '01.md'), real: path.join(manuscript, 'hoofdstukken', '01.md') });
    const linked = resolveManuscriptFile(manuscript, 'link-in.md');
    assert.equal(linked.kind, 'inside');
    assert.equal(linked.kind === 'inside' && linked.real, path.join(manuscript, 'hoofdstukken', '01.md'));
    assert.equal(resolveManuscriptFile(manuscript, './hoofdstukken/../hoofdstukken/01.md').kind, 'inside');
    assert.equal(resolveManuscriptFile(manuscript, path.join(manuscript, 'hoofdstukken', '01.md')).kind, 'inside', 'an absolute path inside is inside');
  });

  test('a path that climbs out, or an absolute path elsewhere, is outside as written', () => {
    for (const reference of ['../elsewhere/secret.txt', '../../../../etc/hostname', '/etc/passwd', 'hoofdstukken/../../elsewhere/secret.txt']) {
      const found = resolveManuscriptFile(manuscript, reference);
      assert.equal(found.kind, 'outside', reference);
      assert.equal(found.kind === 'outside' && found.through, 'path', reference);
    }
  });

  test('a link that leads out is outside, the file itself or a folder on the way, even when the file is missing', () => {
    const file = resolveManuscriptFile(manuscript, 'link-out.md');
    assert.deepEqual(file, { kind: 'outside', absolute: path.join(manuscript, 'link-out.md'), real: path.join(elsewhere, 'secret.txt'), through: 'link' });
    const inFolder = resolveManuscriptFile(manuscript, 'folder-out/secret.txt');
    assert.equal(inFolder.kind === 'outside' && inFolder.through, 'link');
    const missingBehindLink = resolveManuscriptFile(manuscript, 'folder-out/not-there.md');
    assert.equal(missingBehindLink.kind, 'outside');
  });

  test('a missing file, and a link to a missing file inside, are missing', () => {
    assert.deepEqual(resolveManuscriptFile(manuscript, 'hoofdstukken/02.md'), { kind: 'missing', absolute: path.join(manuscript, 'hoofdstukken', '02.md') });
    assert.equal(resolveManuscriptFile(manuscript, 'dangling.md').kind, 'missing');
    assert.equal(resolveManuscriptFile(manuscript, 'geen-map/02.md').kind, 'missing');
  });

  test('a manuscript folder named through a link: its files are inside, by either name', () => {
    const viaLink = path.join(work, 'manuscript-link');
    assert.equal(resolveManuscriptFile(viaLink, 'hoofdstukken/01.md').kind, 'inside');
    assert.equal(resolveManuscriptFile(viaLink, path.join(manuscript, 'hoofdstukken', '01.md')).kind, 'inside');
    assert.equal(resolveManuscriptFile(viaLink, 'link-out.md').kind, 'outside');
  });

  test('other allowed folders (csl/, a package) count as inside too', () => {
    assert.equal(resolveManuscriptFile(manuscript, '../elsewhere/secret.txt', [elsewhere]).kind, 'inside');
    assert.equal(resolveManuscriptFile(manuscript, 'link-out.md', [elsewhere]).kind, 'inside');
  });

  test('URLs are told apart from paths, and remote ones from local ones', () => {
    for (const url of ['http://example.com/a.md', 'HTTPS://example.com/a.csl', '//example.com/a.json', 'ftp://x/y', 'file:///etc/passwd', 'data:text/plain,x']) {
      assert.ok(isUrl(url), url);
      assert.equal(resolveManuscriptFile(manuscript, url).kind, 'url', url);
    }
    for (const notUrl of ['a.md', 'hoofdstukken/01.md', './http.md', 'C:/boek/a.md', '/etc/passwd', 'mailto-lijst.md']) assert.ok(!isUrl(notUrl), notUrl);
    assert.ok(isRemoteUrl('http://example.com/x') && isRemoteUrl('//example.com/x') && isRemoteUrl('https://x'));
    assert.ok(!isRemoteUrl('file:///etc/passwd') && !isRemoteUrl('data:text/plain,x'));
  });

  test('isInside compares as written; a sibling with a common prefix is not inside', () => {
    assert.ok(isInside('/a/b', '/a/b'));
    assert.ok(isInside('/a/b', '/a/b/c/d'));
    assert.ok(!isInside('/a/b', '/a/bc'));
    assert.ok(!isInside('/a/b', '/a'));
    assert.ok(isInside('/a/b', '/a/b/..c'), 'a name that starts with two dots is a name');
  });

  test('the refusal says what was named, where it leads and why', () => {
    const outside = resolveManuscriptFile(manuscript, 'link-out.md');
    assert.ok(outside.kind === 'outside');
    assert.equal(refusal(outside, 'link-out.md', 'chapter file'), `chapter file "link-out.md" is a link to ${path.join(elsewhere, 'secret.txt')}, outside the manuscript folder: a build reads only what is inside it`);
    const url = resolveManuscriptFile(manuscript, 'https://example.com/bronnen.json');
    assert.ok(url.kind === 'url');
    assert.match(refusal(url, 'https://example.com/bronnen.json', 'bibliography'), /remote URL: a build reads nothing from the network/);
  });
});
