// npm test: unit (no build, no browser: run with the other unit files in one process, tests/units.ts)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foreignUrlsInCss, stylesheetDiagnostics } from '../scripts/lib/checks/stylesheets-check.ts';

test('remote and file: URLs in url() and @import are found; local files, data: and comments are not', () => {
  const css = [
    '@import url("https://fonts.example/css?family=X");',
    "@import 'http://cdn.example/reset.css';",
    '/* url(http://in-a-comment.example/x.png) */',
    'body { background: url(//cdn.example/bg.png) no-repeat; }',
    "h1 { background-image: url( 'file:///etc/passwd' ); }",
    "@font-face { src: url(./files/eb-garamond-latin-400-normal.woff2) format('woff2'); }",
    'p { background: url(data:image/png;base64,AAAA); }',
    '.ornament::before { content: url(ornament.svg); }',
  ].join('\n');
  assert.deepEqual(
    foreignUrlsInCss(css).map((u) => u.url),
    ['https://fonts.example/css?family=X', 'http://cdn.example/reset.css', '//cdn.example/bg.png', 'file:///etc/passwd'],
  );
});

test('each is an error at its line and column, saying why', () => {
  const css = 'p { color: black; }\n\nh2 {\n  background: url(https://example.com/lijn.png);\n}\n';
  const [d, ...rest] = stylesheetDiagnostics(css, 'styles/print.css');
  assert.equal(rest.length, 0);
  assert.deepEqual([d?.file, d?.line, d?.column, d?.rule, d?.severity], ['styles/print.css', 4, 19, 'styles/url', 'error']);
  assert.match(d?.message ?? '', /loads https:\/\/example\.com\/lijn\.png: a build loads nothing from the network/);
});
