#!/usr/bin/env node
// Brings a fresh clone to the point where `npm start` / `npm test` can run:
// system packages from apt, node_modules from the lockfile, then the build.
// Each step does nothing when it is already done (a second `npm start` only
// checks), and prints one line when it has work to do.
//
// Plain JavaScript on purpose: it runs before node_modules and dist/ exist, so
// it may use nothing but Node's standard library.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './build-stamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// The GStreamer RTSP server is what the integration tests stream from;
// systemd brings systemd-analyze for the unit check.
const APT_PACKAGES = {
  // A font for the labels lookout draws on snapshots (sharp renders them).
  start: ['ffmpeg', 'fonts-dejavu-core'],
  test: [
    'ffmpeg',
    'mosquitto',
    'mosquitto-clients',
    'python3-gi',
    'gir1.2-gst-rtsp-server-1.0',
    'gstreamer1.0-plugins-base',
    'gstreamer1.0-plugins-good',
    'gstreamer1.0-plugins-bad',
    'gstreamer1.0-plugins-ugly',
    'systemd',
    // A font for the text of rendered images (the bench's plots, snapshots, through sharp).
    'fonts-dejavu-core',
    // The live page's browser test drives it (puppeteer-core; no browser download).
    'chromium',
  ],
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function missingAptPackages(packages) {
  if (spawnSync('dpkg-query', ['--version'], { stdio: 'ignore' }).error) return null;
  return packages.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return !(r.status === 0 && r.stdout.includes('install ok installed'));
  });
}

function ensureAptPackages(mode) {
  const wanted = APT_PACKAGES[mode];
  const missing = missingAptPackages(wanted);
  if (missing === null) {
    // Not a Debian-family system: we cannot check, so say what is needed.
    console.warn(`lookout setup: no dpkg here; make sure these are installed: ${wanted.join(' ')}`);
    return;
  }
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(`lookout setup: missing system packages: ${missing.join(', ')}.\nInstall them with:\n  sudo apt-get update && sudo ${command}`);
    process.exit(1);
  }
  console.log(`lookout setup: installing system packages: ${missing.join(' ')}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // An install from stale package lists fails on 404s, so refresh once and retry.
  if (run('sh', ['-c', command], { env }) !== 0) {
    if (run('apt-get', ['update'], { env }) !== 0 || run('sh', ['-c', command], { env }) !== 0) {
      console.error(`lookout setup: '${command}' failed`);
      process.exit(1);
    }
  }
}

function lockHash() {
  return createHash('sha256').update(readFileSync(join(root, 'package-lock.json'))).digest('hex');
}

function ensureNodeModules() {
  const stamp = join(root, 'node_modules', '.lookout-lock-sha256');
  const hash = lockHash();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  const why = !existsSync(join(root, 'node_modules'))
    ? 'none installed yet'
    : existsSync(stamp)
      ? 'package-lock.json changed'
      : 'no record of the last install';
  console.log(`lookout setup: installing node modules (npm ci; ${why})…`);
  // allowScripts in package.json already skips onnxruntime-node's CUDA download
  // on npm 11; the variable does the same on older npm.
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
  if (run('npm', ['ci', '--no-audit', '--no-fund'], { env }) !== 0) {
    console.error('lookout setup: npm ci failed');
    process.exit(1);
  }
  writeFileSync(stamp, hash);
}

function build() {
  const result = ensureBuilt(root);
  if (result.failed) {
    console.error('lookout setup: the TypeScript build failed');
    process.exit(1);
  }
}

const mode = process.argv[2];
if (!(mode in APT_PACKAGES)) {
  console.error(`usage: prepare.mjs ${Object.keys(APT_PACKAGES).join('|')}`);
  process.exit(2);
}
ensureAptPackages(mode);
ensureNodeModules();
build();
