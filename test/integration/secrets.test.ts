/** Passwords in camera URLs and MQTT credentials never reach logs, /status, /readyz, /metrics, MQTT or check-config. */
import test from 'ava';
import { DaemonProcess, getJson, waitFor } from '../helpers/daemon.js';
import { freePort } from '../helpers/ports.js';
import { BASE, rtspCamera, startBroker, startDaemon, watch } from '../helpers/stack.js';

/** A password a regular expression over text would cut short: quotes, angle brackets, a space. */
const NASTY = `it'sme"<x> y`;

/** The spellings a secret may be printed in: raw, percent-encoded, JSON-escaped. */
function spellings(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), new URL(`x://u:${secret}@h`).password])];
}

test('an unreachable camera with a password in its URL is reported with the password masked', async (t) => {
  const broker = await startBroker(t);
  const mqtt = await watch(t, broker);
  const closed = await freePort();
  const { daemon, httpPort, config } = await startDaemon(
    t,
    broker,
    {
      door: rtspCamera(`rtsp://admin:s3cr3t-pw@127.0.0.1:${closed}/live`),
      yard: rtspCamera(`rtsp://admin:${NASTY}@127.0.0.1:${closed}/live`),
      dvr: rtspCamera(`rtsp://127.0.0.1:${closed}/user=admin_password=dvr-s3cret_channel=1_stream=0.sdp`),
    },
    {
      daemon: { mqtt: { url: broker.url, base_topic: BASE, password: 'mqtt-pw-77', username: 'lookout' } },
      env: { LOOKOUT_MQTT_PASSWORD: 'env-pw-99' },
    },
  );

  const offline = await mqtt.waitForJson(`${BASE}/door/status`, (p) => p.state === 'offline' && p.reason, 30_000);
  t.true(offline.payload.reason.includes(`rtsp://admin:***@127.0.0.1:${closed}/live`), `the reason names the masked URL: ${offline.payload.reason}`);
  const yard = await mqtt.waitForJson(`${BASE}/yard/status`, (p) => p.state === 'offline' && p.reason, 30_000);
  t.true(yard.payload.reason.includes(`rtsp://admin:***@127.0.0.1:${closed}/live`), `the nasty password is masked whole: ${yard.payload.reason}`);
  const dvr = await mqtt.waitForJson(`${BASE}/dvr/status`, (p) => p.state === 'offline' && p.reason, 30_000);
  t.true(dvr.payload.reason.includes('/user=admin_password=***_channel=1_stream=0.sdp'), `the DVR path parameter is masked: ${dvr.payload.reason}`);
  // Stats go out every second: wait for one that has seen the cameras fail.
  await mqtt.waitForJson(`${BASE}/stats`, (p) => p.cameras?.dvr?.state === 'offline', 30_000);
  const status = await waitFor('status', async () => (await getJson(httpPort, '/status')).body);
  const ready = await getJson(httpPort, '/readyz');
  t.is(ready.status, 503, '/readyz is not ready while the cameras are offline');
  const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  await daemon.stop();

  const check = new DaemonProcess(['check-config', '--config', config.configFile], { LOOKOUT_MQTT_PASSWORD: 'env-pw-99' });
  const checked = await check.exited;
  t.is(checked.code, 0, 'check-config accepts the files');
  t.true(check.stdout.includes(`rtsp://admin:***@127.0.0.1:${closed}/live`), `check-config shows the masked URL:\n${check.stdout}`);

  t.true(daemon.logs.some((l) => l.camera === 'yard'), 'the yard camera was logged about (the check below covers its lines)');
  for (const secret of ['s3cr3t-pw', 'mqtt-pw-77', 'env-pw-99', NASTY, 'dvr-s3cret']) {
    for (const form of spellings(secret)) {
      t.false(daemon.stdout.includes(form) || daemon.stderr.includes(form), `no ${form} in the logs`);
      t.false(JSON.stringify(status).includes(form), `no ${form} in /status`);
      t.false(JSON.stringify(ready.body).includes(form), `no ${form} in /readyz`);
      t.false(metrics.includes(form), `no ${form} in /metrics`);
      t.false(mqtt.messages.some((m) => m.text.includes(form)), `no ${form} on MQTT`);
      t.false(check.stdout.includes(form) || check.stderr.includes(form), `no ${form} in check-config's output`);
    }
  }
});
