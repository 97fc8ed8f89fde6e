#!/usr/bin/env node
// Runs before `npm start` and `npm test`: installs dependencies on a fresh clone,
// or when package-lock.json changed since the last install. Plain CommonJS on purpose:
// it must run before anything is installed.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const lock = path.join(root, 'package-lock.json');
const installed = path.join(root, 'node_modules', '.package-lock.json');

function stale() {
  if (!fs.existsSync(installed)) return true;
  if (!fs.existsSync(lock)) return false;
  return fs.statSync(lock).mtimeMs > fs.statSync(installed).mtimeMs + 1000;
}

if (stale()) {
  const cmd = fs.existsSync(lock) ? 'ci' : 'install';
  process.stdout.write(`Installing dependencies (npm ${cmd})…\n`);
  const r = spawnSync('npm', [cmd, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('npm could not install the dependencies; see above.\n');
    process.exit(r.status ?? 1);
  }
}

// `--chromium` (npm test, .ci/run): the browser suites drive Debian's Chromium (test/helpers/browser.ts);
// playwright cannot download its own builds here. Installed when missing, or the command is printed.
if (process.argv.includes('--chromium')) {
  const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(chromium)) {
    const install = 'apt-get update && apt-get install -y chromium';
    const canInstall = !process.env.CHROMIUM_PATH && process.platform === 'linux' && process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get');
    let ok = false;
    if (canInstall) {
      process.stdout.write(`Chromium is missing (${chromium}): installing it (${install})…\n`);
      const r = spawnSync('bash', ['-c', install], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      ok = r.status === 0 && fs.existsSync(chromium);
    }
    if (!ok) {
      process.stderr.write(`The browser tests need Chromium at ${chromium}. Install it with:\n  ${install}\n(or set CHROMIUM_PATH to a Chromium binary).\n`);
      process.exit(1);
    }
  }
}
