import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the jest global setup is CommonJS, loaded before any transform
const { ensureChromium, chromiumPath } = require('./ensure-chromium') as {
  ensureChromium: (env: NodeJS.ProcessEnv) => string;
  chromiumPath: (env: NodeJS.ProcessEnv) => string;
};

describe('ensureChromium', () => {
  it("takes Debian's path unless CHROMIUM_PATH names another", () => {
    expect(chromiumPath({})).toBe('/usr/bin/chromium');
    expect(chromiumPath({ CHROMIUM_PATH: '/opt/chrome/chrome' })).toBe('/opt/chrome/chrome');
  });

  it('answers the binary CHROMIUM_PATH names when it is there', () => {
    const binary = join(mkdtempSync(join(tmpdir(), 'chromium-')), 'chromium');
    writeFileSync(binary, '');
    expect(ensureChromium({ CHROMIUM_PATH: binary })).toBe(binary);
  });

  it('installs nothing for a CHROMIUM_PATH that does not exist, and says what to do', () => {
    expect(() => ensureChromium({ CHROMIUM_PATH: '/nonexistent/chromium' })).toThrow(
      /CHROMIUM_PATH=\/nonexistent\/chromium does not exist: install Debian's chromium \(sudo apt-get install chromium\)/,
    );
  });
});
