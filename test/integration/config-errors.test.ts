/** Bad config files: the daemon file stops start-up with 78; a camera file disables only that camera. */
import test from 'ava';
import { DaemonProcess, getJson, waitFor, writeConfig } from '../helpers/daemon.js';
import { BASE, rtspCamera, startBroker, startCamera, startDaemon, watch } from '../helpers/stack.js';
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyModelDir, generateTestModel } from '../helpers/test-model/index.js';

test('an invalid daemon file exits 78 and names every problem', async (t) => {
  const config = writeConfig({ mqtt: { url: 'http://broker', qos: 3 }, http: { port: 'x' }, bogus: 1 }, {});
  t.teardown(() => config.remove());
  const daemon = new DaemonProcess(['run', '--config', config.configFile]);
  t.teardown(() => daemon.stop('SIGKILL'));
  const { code } = await daemon.exited;
  t.is(code, 78, 'exit code is EX_CONFIG');
  const f = config.configFile;
  t.deepEqual(
    daemon.stderr.trim().split('\n'),
    [
      `${f}: mqtt.url: must be 'embedded' or a mqtt://, mqtts://, ws:// or wss:// URL, got 'http://broker'`,
      `${f}: mqtt.qos: must be one of 0, 1, 2, got 3`,
      `${f}: http.port: must be an integer from 0 to 65535, got 'x'`,
      `${f}: bogus: unknown key`,
      'lookout: invalid configuration, not starting',
    ],
    'every problem is reported at once as file: key: reason',
  );
});

test('check-config exits non-zero for a bad camera file and zero for a good set', async (t) => {
  const camera = await startCamera(t);
  const config = writeConfig({ mqtt: { url: 'mqtt://127.0.0.1:1' } }, { good: rtspCamera(camera.url), bad: { url: 'ftp://x', detect: { fps: 0 } } });
  t.teardown(() => config.remove());
  const bad = new DaemonProcess(['check-config', '--config', config.configFile]);
  const { code } = await bad.exited;
  t.not(code, 0, 'check-config fails when a camera file is bad');
  t.true(bad.stderr.includes(`${config.camerasDir}/bad.json: detect.fps: `), `the bad camera key is named: ${bad.stderr}`);
  t.true(bad.stdout.includes('good.json: ok'), 'the good camera is listed as ok');
});

test('an invalid camera file puts only that camera in error while the other streams', async (t) => {
  const broker = await startBroker(t);
  const camera = await startCamera(t);
  const mqtt = await watch(t, broker);
  const { httpPort, config } = await startDaemon(t, broker, {
    good: rtspCamera(camera.url),
    broken: '{ "url": "rtsp://user:hunter2@127.0.0.1:1/x", "detect": { "fps": -1 } }',
  });

  await mqtt.waitForJson(`${BASE}/good/status`, (p) => p.state === 'streaming', 60_000);
  const broken = await mqtt.waitForJson(`${BASE}/broken/status`, (p) => p.state === 'error');
  t.true(broken.payload.reason.includes(`${config.camerasDir}/broken.json: detect.fps: `), `the reason names file and key: ${broken.payload.reason}`);

  const status = await waitFor('status with both cameras', async () => (await getJson(httpPort, '/status')).body);
  t.is(status.cameras.good.state, 'streaming', 'the good camera streams');
  t.is(status.cameras.broken.state, 'error', 'the broken camera is in error');
  t.false(JSON.stringify(status).includes('hunter2'), 'no password in /status');
  t.false(mqtt.messages.some((m) => m.text.includes('hunter2')), 'no password on MQTT');
});

test('embedded broker: a taken port fails start-up with a message saying so', async (t) => {
  const taken = await startBroker(t);
  const config = writeConfig({ mqtt: { url: 'embedded', embedded_port: taken.port }, http: { port: 0 }, detector: { runtime: 'onnx', model: generateTestModel({ size: 64 }) } }, {});
  t.teardown(() => config.remove());
  const daemon = new DaemonProcess(['run', '--config', config.configFile]);
  t.teardown(() => daemon.stop('SIGKILL'));
  const { code } = await daemon.exited;
  t.is(code, 1, 'start-up fails');
  t.true(daemon.stdout.includes(`127.0.0.1:${taken.port} is already in use`), `the log says the port is in use: ${daemon.stdout.slice(-600)}`);
});

test('a duration no timer can wait for is refused by check-config and run alike', async (t) => {
  const config = writeConfig({ mqtt: { url: 'mqtt://127.0.0.1:1', stats_interval_s: 3_000_000 }, scheduler: { interval_s: 1e12 } }, {});
  t.teardown(() => config.remove());
  const f = config.configFile;
  const expected = [
    `${f}: mqtt.stats_interval_s: must be a number of seconds > 0 and <= 86400 (1 d), got 3000000`,
    `${f}: scheduler.interval_s: must be a number of seconds >= 0.1 and <= 3600 (1 h), got 1000000000000`,
  ];
  const check = new DaemonProcess(['check-config', '--config', f]);
  t.is((await check.exited).code, 78, 'check-config exits 78');
  t.deepEqual(check.stderr.trim().split('\n'), expected, 'check-config names file, key and the maximum');
  const run = new DaemonProcess(['run', '--config', f]);
  t.teardown(() => run.stop('SIGKILL'));
  t.is((await run.exited).code, 78, 'run exits 78');
  t.deepEqual(run.stderr.trim().split('\n'), [...expected, 'lookout: invalid configuration, not starting'], 'run says the same');
});

for (const [what, damage] of [
  ['a missing model file', (dir: string) => void rmSync(join(dir, 'model.onnx'))],
  ['a truncated model file', (dir: string) => void truncateSync(join(dir, 'model.onnx'), 100)],
  // Not removed: copyModelDir names copies by count, so removing one could hand its name to another test.
  ['a model directory that does not exist', (dir: string) => join(dir, 'nope')],
  ['labels that do not match the output', (dir: string) => void writeFileSync(join(dir, 'lookout-model.json'), JSON.stringify({ labels: ['a', 'b', 'c'] }))],
] as Array<[string, (dir: string) => string | void]>) {
  test(`${what}: run and check-config exit 78 with the same message`, async (t) => {
    const copy = copyModelDir(generateTestModel({ size: 64 }));
    const model = damage(copy) ?? copy;
    const config = writeConfig({ mqtt: { url: 'mqtt://127.0.0.1:1' }, http: { port: 0 }, detector: { runtime: 'onnx', model } }, {});
    t.teardown(() => config.remove());
    const daemon = new DaemonProcess(['run', '--config', config.configFile]);
    t.teardown(() => daemon.stop('SIGKILL'));
    const { code } = await daemon.exited;
    t.is(code, 78, 'exit code is EX_CONFIG');
    t.true(daemon.stderr.includes(model), `stderr names the model: ${daemon.stderr}`);
    const message = daemon.stderr.split('\n').find((l) => l.startsWith('lookout: '))?.slice('lookout: '.length);
    t.truthy(message, `run prints the reason on stderr: ${daemon.stderr}`);
    const check = new DaemonProcess(['check-config', '--config', config.configFile]);
    t.is((await check.exited).code, 78, 'check-config exits 78 too');
    t.deepEqual(check.stderr.trim().split('\n'), [message], 'check-config prints the message run gives');
  });
}
