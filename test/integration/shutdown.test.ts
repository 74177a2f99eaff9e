/** SIGTERM: offline retained, exit 0, and no ffmpeg left alive or zombie. */
import test from 'ava';
import { MqttWatch } from '../helpers/mqtt-watch.js';
import { childFfmpegPids, listProcesses, waitFor } from '../helpers/daemon.js';
import { BASE, rtspCamera, startBroker, startCamera, startDaemon, watch } from '../helpers/stack.js';

test('SIGTERM retains offline, exits 0 within 10 s and leaves no ffmpeg', async (t) => {
  const broker = await startBroker(t);
  const camera = await startCamera(t);
  const mqtt = await watch(t, broker);
  const { daemon } = await startDaemon(t, broker, { a: rtspCamera(camera.url), b: rtspCamera(camera.url) });

  await mqtt.waitForJson(`${BASE}/a/status`, (p) => p.state === 'streaming', 60_000);
  await mqtt.waitForJson(`${BASE}/b/status`, (p) => p.state === 'streaming', 60_000);
  const ffmpegs = await waitFor('two ffmpeg children', () => {
    const pids = childFfmpegPids(daemon.pid);
    return pids.length === 2 ? pids : null;
  });

  const { code, signal, ms } = await daemon.stop('SIGTERM');
  t.is(code, 0, `exit code 0 (stderr: ${daemon.stderr})`);
  t.is(signal, null, 'exited by itself, not killed');
  t.true(ms < 10_000, `exited in ${ms} ms, under 10 s`);

  const left = listProcesses().filter((p) => ffmpegs.includes(p.pid));
  t.deepEqual(left, [], 'no ffmpeg the daemon started remains, alive or zombie');

  // A fresh subscriber sees what the broker retained.
  const late = await MqttWatch.start(broker.url, `${BASE}/#`);
  t.teardown(() => late.stop());
  await late.waitForText(`${BASE}/status`, 'offline', 5000);
  const retained = late.messages.find((m) => m.topic === `${BASE}/status`)!;
  t.true(retained.retain, 'offline is retained');
  const a = await late.waitForJson(`${BASE}/a/status`, () => true, 5000);
  t.is(a.payload.state, 'offline', 'the camera status retained after stop is offline');
});
