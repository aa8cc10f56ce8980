// Use the system Chromium where one is installed (Debian's chromium-headless-shell or chromium, or
// PUPPETEER_EXECUTABLE_PATH);
// elsewhere puppeteer downloads its own Chrome as usual.
const { existsSync } = require('node:fs');
const systemChromium = process.env.PUPPETEER_EXECUTABLE_PATH || ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
module.exports = { skipDownload: Boolean(systemChromium) };
