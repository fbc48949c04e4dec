// puppeteer is a devDependency only for the ecosystem tier's Mermaid check, which drives
// Debian's chromium (installed by .ci/run). Never download a browser at `npm ci`: this
// machine cannot, and meshgen itself never needs one.
module.exports = { skipDownload: true };
