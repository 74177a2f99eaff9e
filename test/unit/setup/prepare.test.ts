/**
 * The pre-script run by a user who is not root while system packages are
 * missing: it must stop and name the apt command for exactly the missing
 * ones, not try to install. dpkg-query is shadowed by a shim that reports the
 * packages it is given as missing and every other one as installed.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test, { type ExecutionContext } from 'ava';

const SCRIPT = fileURLToPath(new URL('../../../src/setup/prepare.mjs', import.meta.url));

/** Runs `prepare.mjs start` as a user who is not root, with `missing` reported missing by dpkg-query. */
function runStart(t: ExecutionContext, missing: string[] | 'all') {
  const shim = mkdtempSync(join(tmpdir(), 'lookout-shim-'));
  t.teardown(() => rmSync(shim, { recursive: true, force: true }));
  // prepare.mjs asks `dpkg-query -W -f=${Status} PACKAGE`: the package is $3.
  const isMissing = missing === 'all' ? 'true' : `case " ${missing.join(' ')} " in *" $3 "*) true;; *) false;; esac`;
  writeFileSync(join(shim, 'dpkg-query'), `#!/bin/sh\n[ "$1" = "--version" ] && exit 0\nif ${isMissing}; then exit 1; fi\nprintf 'install ok installed'\n`);
  chmodSync(shim, 0o755);
  chmodSync(join(shim, 'dpkg-query'), 0o755);
  // As root (CI), drop to nobody; as a user, run as is.
  const asNobody = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  const [cmd, ...args] = [...asNobody, 'env', `PATH=${shim}:${process.env.PATH}`, process.execPath, SCRIPT, 'start'];
  return spawnSync(cmd!, args, { encoding: 'utf8' });
}

test('not root with a package missing: stops with the apt command for that package only', (t) => {
  const r = runStart(t, ['ffmpeg']);
  t.is(r.status, 1, 'exits 1');
  t.is(
    r.stderr,
    'lookout setup: missing system packages: ffmpeg.\nInstall them with:\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends ffmpeg\n',
    'names the missing package and the apt command, not the installed ones',
  );
});

test('not root with every start package missing: names them all in one apt command', (t) => {
  const r = runStart(t, 'all');
  t.is(r.status, 1, 'exits 1');
  t.is(
    r.stderr,
    'lookout setup: missing system packages: ffmpeg, fonts-dejavu-core.\nInstall them with:\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends ffmpeg fonts-dejavu-core\n',
    'names every missing package (the fonts the snapshots draw text with too) and one apt command for them',
  );
});
