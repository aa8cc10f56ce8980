/** The preview page: a toolbar (views, page jump, status), the two views in frames, the problems overlay. */
export function shellHtml(): string {
  return `<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Voorbeeld — boek</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/__preview/shell.css">
<script src="/__preview/shell.js" defer></script>
</head>
<body>
<header class="toolbar">
<div class="views" role="group" aria-label="Weergave">
<button type="button" data-view="paged" aria-pressed="true">Pagina’s</button>
<button type="button" data-view="web" aria-pressed="false">Web</button>
</div>
<form class="jump" autocomplete="off">
<label for="jump-page">Pagina</label>
<input id="jump-page" name="page" type="number" min="1" inputmode="numeric">
<span class="page-count"></span>
<button type="submit">Ga</button>
</form>
<p class="status" role="status" aria-live="polite">verbinden…</p>
</header>
<main class="stage">
<div class="frames" data-view="paged"></div>
<iframe class="web-frame" title="Webeditie" hidden></iframe>
</main>
<section class="problems" role="alert" hidden>
<header><h2>Het manuscript heeft fouten</h2><button type="button" class="problems-close">Verbergen</button></header>
<p>De pagina’s tonen de laatste goede versie. Zodra het bestand hersteld is, verdwijnt deze melding.</p>
<ul class="problem-list"></ul>
</section>
</body>
</html>
`;
}
