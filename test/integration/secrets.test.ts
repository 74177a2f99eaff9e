/** Passwords in camera URLs and MQTT credentials never reach logs, /status, /metrics or MQTT. */
import test from 'ava';
import { getJson, waitFor } from '../helpers/daemon.js';
import { freePort } from '../helpers/ports.js';
import { BASE, rtspCamera, startBroker, startDaemon, watch } from '../helpers/stack.js';

test('an unreachable camera with a password in its URL is reported with the password masked', async (t) => {
  const broker = await startBroker(t);
  const mqtt = await watch(t, broker);
  const closed = await freePort();
  const { daemon, httpPort } = await startDaemon(t, broker, { door: rtspCamera(`rtsp://admin:s3cr3t-pw@127.0.0.1:${closed}/live`) }, {
    daemon: { mqtt: { url: broker.url, base_topic: BASE, password: 'mqtt-pw-77', username: 'lookout' } },
    env: { LOOKOUT_MQTT_PASSWORD: 'env-pw-99' },
  });

  const offline = await mqtt.waitForJson(`${BASE}/door/status`, (p) => p.state === 'offline' && p.reason, 30_000);
  t.true(offline.payload.reason.includes(`rtsp://admin:***@127.0.0.1:${closed}/live`), `the reason names the masked URL: ${offline.payload.reason}`);
  const status = await waitFor('status', async () => (await getJson(httpPort, '/status')).body);
  const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  await daemon.stop();
  for (const secret of ['s3cr3t-pw', 'mqtt-pw-77', 'env-pw-99']) {
    t.false(daemon.stdout.includes(secret) || daemon.stderr.includes(secret), `no ${secret} in the logs`);
    t.false(JSON.stringify(status).includes(secret), `no ${secret} in /status`);
    t.false(metrics.includes(secret), `no ${secret} in /metrics`);
    t.false(mqtt.messages.some((m) => m.text.includes(secret)), `no ${secret} on MQTT`);
  }
});
