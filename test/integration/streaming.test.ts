/**
 * The daemon against a real RTSP server and a real mosquitto: a camera
 * reaches `streaming`, frames flow, and the HTTP endpoints report it.
 */
import test from 'ava';
import { getJson, waitFor } from '../helpers/daemon.js';
import { BASE, rtspCamera, startBroker, startCamera, startDaemon, watch } from '../helpers/stack.js';

test('a camera reaches streaming, frames flow, and /readyz, /status and /metrics report it', async (t) => {
  const broker = await startBroker(t);
  const camera = await startCamera(t, { size: '320x240', fps: 10 });
  const mqtt = await watch(t, broker);
  const { httpPort } = await startDaemon(t, broker, { front: rtspCamera(camera.url) });

  await mqtt.waitForText(`${BASE}/status`, 'online');
  const streaming = await mqtt.waitForJson(`${BASE}/front/status`, (p) => p.state === 'streaming', 60_000);
  t.deepEqual(streaming.payload.source, { width: 320, height: 240, fps: 10, codec: 'h264' }, 'the probed source is reported');
  t.is(typeof streaming.payload.timestamp, 'string', 'camera status carries a timestamp');

  const ready = await waitFor('/readyz 200', async () => {
    const r = await getJson(httpPort, '/readyz');
    return r.status === 200 ? r : null;
  });
  t.deepEqual(ready.body, { ready: true, reasons: [] }, '/readyz is ready with no reasons');

  const flowing = await waitFor('frames to flow', async () => {
    const { body } = await getJson(httpPort, '/status');
    return body.cameras.front.frames_in >= 10 ? body : null;
  });
  t.is(flowing.cameras.front.state, 'streaming', '/status shows the camera streaming');
  t.true(flowing.mqtt.connected, '/status shows MQTT connected');
  t.true(flowing.cameras.front.fps_in > 2 && flowing.cameras.front.fps_in <= 5.5, `fps_in ${flowing.cameras.front.fps_in} follows the detect.fps cap of 5`);

  const stats = await mqtt.waitForJson(`${BASE}/stats`, (p) => p.cameras?.front?.state === 'streaming');
  t.is(typeof stats.payload.uptime_s, 'number', 'stats are published with uptime');

  const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  t.regex(metrics, /lookout_frames_in_total\{camera="front"\} [1-9]/, 'metrics count frames in');
  t.regex(metrics, /lookout_camera_up\{camera="front"\} 1/, 'metrics show the camera up');
  t.regex(metrics, /lookout_mqtt_connected 1/, 'metrics show MQTT connected');

  t.is((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status, 200, '/healthz is 200');
  t.is((await fetch(`http://127.0.0.1:${httpPort}/nope`)).status, 404, 'unknown path is 404');
  t.is((await fetch(`http://127.0.0.1:${httpPort}/status`, { method: 'POST' })).status, 405, 'POST is 405');
});
