import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { loadCameraConfigs, loadDaemonConfig, type CameraEntry } from '../../../src/config/index.js';
import { createLogger } from '../../../src/logger.js';
import { changedKeys, Reloader, RELOAD_DEBOUNCE_MS } from '../../../src/reload/reloader.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { tmpDir } from '../config/tmp-dir.js';

const silent = createLogger('silent');

/** A config directory, a Reloader on it, and what it asked the daemon to do. */
function setup(t: Parameters<typeof tmpDir>[0], cameras: Record<string, object | string>) {
  const tmp = tmpDir(t);
  const configFile = tmp.write('lookout.json', { mqtt: { url: 'mqtt://127.0.0.1:1' }, cameras: { dir: 'cams' } });
  for (const [name, c] of Object.entries(cameras)) tmp.write(`cams/${name}.json`, c);
  const config = loadDaemonConfig(configFile, {});
  const running = new Map<string, CameraEntry>(loadCameraConfigs(join(tmp.dir, 'cams')).map((e) => [e.name, e]));
  const calls: string[] = [];
  const clock = new FakeClock();
  const reloader = new Reloader({
    configFile,
    config,
    env: {},
    clock,
    logger: silent,
    target: {
      cameras: () => running,
      stopCamera: async (name, removed) => {
        calls.push(`stop ${name}${removed ? ' (removed)' : ''}`);
        if (removed) running.delete(name);
      },
      startCamera: (entry) => {
        calls.push(`start ${entry.name}${entry.config ? '' : ` (error: ${entry.problems.join('; ')})`}`);
        running.set(entry.name, entry);
      },
    },
  });
  t.teardown(() => reloader.stop());
  return { tmp, reloader, calls, clock, configFile };
}

test('a reload restarts changed cameras, starts added ones, stops removed ones and leaves the rest alone', async (t) => {
  const s = setup(t, { a: { url: 'rtsp://h/a' }, b: { url: 'rtsp://h/b' }, c: { url: 'rtsp://h/c' } });
  s.tmp.write('cams/a.json', { url: 'rtsp://h/a', detect: { fps: 2 } });
  s.tmp.write('cams/b.json', { url: 'rtsp://h/b' }); // rewritten, same content
  unlinkSync(join(s.tmp.dir, 'cams/c.json'));
  s.tmp.write('cams/d.json', { url: 'rtsp://h/d' });
  await s.reloader.reload('SIGHUP');
  t.deepEqual(s.calls, ['stop c (removed)', 'stop a', 'start a', 'start d'], 'removed first, then restarted, then added; b untouched');
  t.like(s.reloader.results[0], { trigger: 'SIGHUP', restarted: ['a'], added: ['d'], removed: ['c'], unchanged: ['b'], restartNeeded: [] }, 'the result lists every camera');
  t.like(s.reloader.status, { reloads: 1, last_trigger: 'SIGHUP', restart_needed: null }, 'status after a reload');
});

test('an invalid file restarts that camera into its error; fixing it restarts it again', async (t) => {
  const s = setup(t, { a: { url: 'rtsp://h/a' } });
  const file = s.tmp.write('cams/a.json', { url: 'rtsp://h/a', detect: { fps: 0 } });
  await s.reloader.reload('SIGHUP');
  t.deepEqual(s.calls, ['stop a', `start a (error: ${file}: detect.fps: must be a number > 0, got 0)`], 'stopped, then reported with file: key: reason');
  s.tmp.write('cams/a.json', { url: 'rtsp://h/a' });
  await s.reloader.reload('SIGHUP');
  t.deepEqual(s.calls.slice(2), ['stop a', 'start a'], 'a fixed file starts the camera again');
});

test('the daemon file is compared, never applied: changed keys (values never shown) or its problems', async (t) => {
  const s = setup(t, { a: { url: 'rtsp://h/a' } });
  s.tmp.write('lookout.json', { mqtt: { url: 'mqtt://127.0.0.1:1', password: 'hunter22', stats_interval_s: 7 }, cameras: { dir: 'cams' } });
  await s.reloader.reload('SIGHUP');
  t.deepEqual(s.calls, [], 'no camera touched');
  t.deepEqual(s.reloader.status.restart_needed?.keys, ['mqtt.password', 'mqtt.stats_interval_s'], 'the changed keys');
  t.false(JSON.stringify(s.reloader.status).includes('hunter22'), 'no value in the status');
  s.tmp.write('lookout.json', { mqtt: { url: 'ftp://x' }, cameras: { dir: 'cams' } });
  await s.reloader.reload('SIGHUP');
  t.regex(s.reloader.status.restart_needed!.reason, /does not validate; the running configuration stays: .*mqtt\.url: must be/, 'an invalid daemon file is reported with its problems');
  s.tmp.write('lookout.json', { mqtt: { url: 'mqtt://127.0.0.1:1' }, cameras: { dir: 'cams' } });
  await s.reloader.reload('SIGHUP');
  t.is(s.reloader.status.restart_needed, null, 'back to the running configuration: nothing needed');
});

test('file changes: one reload per debounce window from the first change; reloads never overlap', async (t) => {
  const s = setup(t, { a: { url: 'rtsp://h/a' } });
  for (let i = 0; i < 100; i++) s.reloader.fileChanged('a.json');
  t.deepEqual(s.clock.pending, [RELOAD_DEBOUNCE_MS], 'one timer for 100 changes');
  s.clock.advance(RELOAD_DEBOUNCE_MS - 1);
  s.reloader.fileChanged('a.json');
  t.deepEqual(s.clock.pending, [1], 'a change inside the window does not push it back');
  s.clock.advance(1);
  await s.reloader.reload('after'); // waits for the one in progress, then runs once more
  t.deepEqual(s.reloader.results.map((r) => r.trigger), ['file change (a.json)', 'after'], 'the window\'s reload, then the one asked for during it');
  s.reloader.fileChanged('a.json');
  t.deepEqual(s.clock.pending, [RELOAD_DEBOUNCE_MS], 'a change after the window opens a new one');
});

test('changedKeys: dotted leaf keys that differ', (t) => {
  t.deepEqual(changedKeys({ a: { b: 1, c: [1] }, d: 'x' }, { a: { b: 2, c: [1] }, d: 'x', e: true }), ['a.b', 'e'], 'changed and added leaves');
  t.deepEqual(changedKeys({ a: { b: [1, 2] } }, { a: { b: [1, 2] } }), [], 'equal arrays are equal');
});
