import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { deployedEnv, unitEnvironment } from '../../../bench/lib/deployed-env.js';

const run = promisify(execFile);
const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const unitText = readFileSync(join(repo, 'systemd/lookout.service'), 'utf8');

/** key -> every value it is given (systemd allows repeats), ignoring comments. */
function directives(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('[')) continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    map.set(key, [...(map.get(key) ?? []), line.slice(eq + 1)]);
  }
  return map;
}

const unit = directives(unitText);

/**
 * The shipped ExecStart names /usr/bin/node and /opt/lookout, which need not
 * exist where tests run; verify a copy pointing at this node and this checkout.
 * Only that line changes, so every other finding still counts.
 */
function localCopy(): { file: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-unit-'));
  const file = join(dir, 'lookout.service');
  const exec = `ExecStart=${process.execPath} ${join(repo, 'dist/src/cli.js')} run --config /etc/lookout/lookout.json`;
  const text = unitText.replace(/^ExecStart=.*$/m, exec);
  if (text === unitText) throw new Error('ExecStart line not found');
  writeFileSync(file, text);
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

test('the required directives are set', (t) => {
  const expected: Record<string, string> = {
    Type: 'notify',
    NotifyAccess: 'all',
    WatchdogSec: '30',
    ExecStart: '/usr/bin/node /opt/lookout/dist/src/cli.js run --config /etc/lookout/lookout.json',
    ExecReload: '/bin/kill -HUP $MAINPID',
    User: 'lookout',
    Group: 'lookout',
    DynamicUser: 'yes',
    SupplementaryGroups: 'video',
    Restart: 'on-failure',
    RestartPreventExitStatus: '78',
    KillMode: 'control-group',
    TimeoutStopSec: '15',
    NoNewPrivileges: 'yes',
    ProtectSystem: 'strict',
    ProtectHome: 'yes',
    PrivateTmp: 'yes',
    RestrictAddressFamilies: 'AF_UNIX AF_INET AF_INET6',
    CapabilityBoundingSet: '',
    LockPersonality: 'yes',
    RestrictNamespaces: 'yes',
    ProtectKernelTunables: 'yes',
    ProtectKernelModules: 'yes',
    ProtectControlGroups: 'yes',
    DevicePolicy: 'closed',
  };
  for (const [key, value] of Object.entries(expected)) t.deepEqual(unit.get(key), [value], key);
  t.deepEqual(unit.get('SystemCallFilter'), ['@system-service', '~@privileged']);
  t.deepEqual(unit.get('DeviceAllow'), ['char-video4linux rw', 'char-drm rw'], 'V4L2 and DRM devices for hardware decoding');
  t.false(unit.has('MemoryDenyWriteExecute'), 'V8 and wasm need W+X memory');
  t.false(unit.has('ReadWritePaths'), 'lookout writes nothing to disk');
});

test('systemd-analyze verify finds nothing to complain about', async (t) => {
  const copy = localCopy();
  t.teardown(copy.dispose);
  const { stdout, stderr } = await run('systemd-analyze', ['verify', copy.file]);
  t.is(stdout, '');
  t.is(stderr, '', 'no warnings');
});

test('systemd-analyze security scores the sandbox well below the 8.5 of the basics', async (t) => {
  const copy = localCopy();
  t.teardown(copy.dispose);
  const { stdout } = await run('systemd-analyze', ['security', '--offline=true', '--no-pager', copy.file]);
  const match = /Overall exposure level for lookout\.service: (\d+\.\d+)/.exec(stdout);
  t.truthy(match, 'score line present');
  const score = Number(match?.[1]);
  t.log(`exposure score ${score}`);
  t.true(score <= 2, `score ${score} <= 2.0 (1.8 when written)`);
});

test('npm start gives the daemon the allocator settings of the unit, which the bench and the soak also use', (t) => {
  const env = unitEnvironment(unitText);
  const malloc = Object.entries(env).filter(([k]) => k.startsWith('MALLOC_'));
  t.true(malloc.length >= 2, `the unit sets the allocator (${JSON.stringify(env)})`);
  const start = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
  for (const [k, v] of malloc) t.true(start.split(/\s+/).includes(`${k}=${v}`), `npm start sets ${k}=${v} (${start})`);
  t.deepEqual(deployedEnv(), env, 'the bench and soak read the same file');
});
