// The dashboard's browser test drives Debian's Chromium through playwright-core, which brings no browser of its
// own (and none may be downloaded here). Make sure it is there before the tests start, the way Kafka is: install
// Debian's package when it is missing and this user may (root, or sudo without a password), else stop with what to run.
const { execFileSync, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

function chromiumPath(env = process.env) {
  return env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
}

function succeeds(command, args) {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** How this user can run apt-get as root: [] when it is root, ['sudo', '-n'] with passwordless sudo, null when it cannot. */
function rootPrefix() {
  if (!succeeds('sh', ['-c', 'command -v apt-get'])) return null;
  if (typeof process.getuid === 'function' && process.getuid() === 0) return [];
  return succeeds('sudo', ['-n', 'true']) ? ['sudo', '-n'] : null;
}

function aptGet(prefix, args) {
  const [command, ...rest] = [...prefix, 'apt-get', ...args];
  execFileSync(command, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function ensureChromium(env = process.env) {
  const path = chromiumPath(env);
  if (existsSync(path)) return path;
  const howTo = `install Debian's chromium (sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary`;
  if (env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${path} does not exist: ${howTo}`);
  const prefix = rootPrefix();
  if (!prefix) throw new Error(`The dashboard test needs Chromium at ${path} and this user cannot install it: ${howTo}`);
  process.stdout.write(`chromium: not found at ${path}, installing Debian's package\n`);
  const install = ['install', '-y', '--no-install-recommends', 'chromium'];
  try {
    aptGet(prefix, install);
  } catch {
    // A fresh machine has no package lists yet.
    aptGet(prefix, ['update']);
    aptGet(prefix, install);
  }
  if (!existsSync(path)) throw new Error(`apt-get installed chromium but ${path} is still missing: ${howTo}`);
  return path;
}

module.exports = { ensureChromium, chromiumPath };
