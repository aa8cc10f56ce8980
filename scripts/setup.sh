#!/usr/bin/env bash
# One-time set-up and a first build, on Debian/Ubuntu with Node 20:
#   Debian packages the pipeline and its tests drive (Chromium's headless shell, which the build uses, and
#   Chromium; poppler, Ghostscript, qpdf, EPUBCheck, ImageMagick, pandoc: the citation tests compare with what
#   it renders; zbar-tools: the cover test scans its barcode),
#   the npm packages from package-lock.json, then every format of the book into build/.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(chromium chromium-headless-shell poppler-utils ghostscript qpdf epubcheck default-jre-headless imagemagick pandoc zbar-tools)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-liberation
fi

# .puppeteerrc.cjs skips puppeteer's own Chrome download when a system Chromium is present.
echo "setup: npm ci"
npm ci --no-audit --no-fund

echo "setup: building the book"
npm run build
