/**
 * The pre-script run by a user who is not root while a system package is
 * missing: it must stop and name the apt command, not try to install.
 * dpkg-query is shadowed so that every package looks missing.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const SCRIPT = fileURLToPath(new URL('../../../src/setup/prepare.mjs', import.meta.url));

test('not root with a package missing: stops with the apt command', (t) => {
  const shim = mkdtempSync(join(tmpdir(), 'lookout-shim-'));
  t.teardown(() => rmSync(shim, { recursive: true, force: true }));
  writeFileSync(join(shim, 'dpkg-query'), '#!/bin/sh\n[ "$1" = "--version" ] && exit 0\nexit 1\n');
  chmodSync(shim, 0o755);
  chmodSync(join(shim, 'dpkg-query'), 0o755);
  // As root (CI), drop to nobody; as a user, run as is.
  const asNobody = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  const [cmd, ...args] = [...asNobody, 'env', `PATH=${shim}:${process.env.PATH}`, process.execPath, SCRIPT, 'start'];
  const r = spawnSync(cmd!, args, { encoding: 'utf8' });
  t.is(r.status, 1, 'exits 1');
  t.is(
    r.stderr,
    'lookout setup: missing system packages: ffmpeg.\nInstall them with:\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends ffmpeg\n',
    'names the missing package and the apt command',
  );
});
