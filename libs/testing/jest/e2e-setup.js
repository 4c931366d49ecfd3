// The end-to-end project's own setup (jest runs it only when a test of that project runs):
// the dashboard test needs Debian's Chromium, installed here when missing and the user may.
const { ensureChromium } = require('./ensure-chromium');

module.exports = async function e2eSetup() {
  ensureChromium();
};
