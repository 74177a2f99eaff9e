/** The broker side of failure: mosquitto dies and comes back. */
import test from 'ava';
import { getJson, waitFor } from '../helpers/daemon.js';
import { BASE, rtspCamera, startBroker, startCamera, startDaemon, watch } from '../helpers/stack.js';

test('broker killed: /readyz is 503; restarted: the daemon reconnects and what it published meanwhile arrives', async (t) => {
  const broker = await startBroker(t);
  const camera = await startCamera(t);
  const mqtt = await watch(t, broker);
  const { httpPort } = await startDaemon(t, broker, { cam: rtspCamera(camera.url) });
  const topic = `${BASE}/cam/status`;
  await mqtt.waitForJson(topic, (p) => p.state === 'streaming', 60_000);
  await waitFor('ready', async () => (await getJson(httpPort, '/readyz')).status === 200);

  await broker.stop();
  const notReady = await waitFor('/readyz 503', async () => {
    const r = await getJson(httpPort, '/readyz');
    return r.status === 503 ? r : null;
  }, 10_000);
  t.true(notReady.body.reasons.some((r: string) => r.startsWith('mqtt: ')), `the reason names MQTT: ${notReady.body.reasons}`);

  // A state change during the outage: the camera goes away while the broker is down.
  const marker = mqtt.messages.length;
  await camera.stop();
  await waitFor('the camera to go offline', async () => (await getJson(httpPort, '/status')).body.cameras.cam.state !== 'streaming', 10_000);
  const queued = (await getJson(httpPort, '/status')).body.mqtt.queue_depth;
  t.true(queued >= 1, `status messages wait in the queue during the outage (${queued})`);

  await broker.start();
  const arrived = await mqtt.waitForJson(topic, (p) => p.state === 'offline', 20_000, marker);
  t.is(arrived.payload.state, 'offline', 'the offline status published during the outage arrives after the reconnect');
  await waitFor('/readyz to name only the camera', async () => {
    const r = await getJson(httpPort, '/readyz');
    return r.body.reasons.every((x: string) => !x.startsWith('mqtt: '));
  }, 15_000);
  t.pass('MQTT is connected again');
});
