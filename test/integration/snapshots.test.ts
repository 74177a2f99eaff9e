/**
 * Snapshots end to end, with the built daemon, a real RTSP stream of a white
 * square (the generated test network boxes bright pixels, so the box is known
 * exactly) and a real mosquitto:
 * - /cameras/<name>/latest.jpg is a JPEG at source size with the box drawn at
 *   the square; ?boxes=0 is the clean picture; unknown cameras are 404;
 * - the best picture of the object is published retained on
 *   <base>/<camera>/<label>/snapshot, cropped around it;
 * - bound beyond loopback, pictures need the token (read from
 *   $CREDENTIALS_DIRECTORY/http_token), which never shows up in the log,
 *   /status or MQTT; with no token they are refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { connectAsync } from 'mqtt';
import sharp from 'sharp';
import { getJson, waitFor } from '../helpers/daemon.js';
import { BASE, rtspCamera, startBroker, startCamera, startDaemon, watch } from '../helpers/stack.js';

// A 320x240 gray picture with a white 40x40 square at (60, 100).
const LAVFI = 'color=c=0x727272:s=320x240:r=10[bg];color=c=white:s=40x40:r=10[sq];[bg][sq]overlay=x=60:y=100:shortest=1[out0]';

async function picture(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; type: string | null }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()), type: response.headers.get('content-type') };
}

test('latest.jpg with and without boxes, and the MQTT snapshot of the best picture', async (t) => {
  t.timeout(120_000);
  const broker = await startBroker(t);
  const mqtt = await watch(t, broker);
  const camera = await startCamera(t, { lavfi: LAVFI });
  const { httpPort } = await startDaemon(t, broker, { sq: rtspCamera(camera.url) }, { modelSize: 320 });

  const drawn = await waitFor('a picture with the box', async () => {
    const p = await picture(httpPort, '/cameras/sq/latest.jpg');
    return p.status === 200 ? p : null;
  }, 60_000, 500);
  t.is(drawn.type, 'image/jpeg');
  const { data, info } = await sharp(drawn.body).raw().toBuffer({ resolveWithObject: true });
  t.deepEqual([info.width, info.height], [320, 240], 'at source size');
  const at = (buf: Buffer, x: number, y: number) => [...buf.subarray((y * 320 + x) * 3, (y * 320 + x) * 3 + 3)];
  const isRed = ([r, g, b]: number[]) => r! > 200 && g! < 120 && b! < 120;
  t.true(isRed(at(data, 60, 120)), `the box's left edge is drawn at the square (got ${at(data, 60, 120)})`);
  t.true(isRed(at(data, 80, 100)), `and its top edge (got ${at(data, 80, 100)})`);
  t.true(isRed(at(data, 62, 90)), `with the label tag above it (got ${at(data, 62, 90)})`);
  const gray = at(data, 200, 200);
  t.true(gray.every((v) => Math.abs(v - 114) < 12), `the rest of the picture is the source's gray (got ${gray})`);

  const clean = await picture(httpPort, '/cameras/sq/latest.jpg?boxes=0');
  t.is(clean.status, 200);
  const raw = await sharp(clean.body).raw().toBuffer();
  t.false(isRed(at(raw, 60, 120)), `boxes=0: no box drawn (got ${at(raw, 60, 120)})`);
  t.true(at(raw, 70, 120).every((v) => v > 220), 'boxes=0: the white square as it is');

  t.is((await picture(httpPort, '/cameras/nope/latest.jpg')).status, 404, 'unknown camera: 404');
  const head = await fetch(`http://127.0.0.1:${httpPort}/cameras/sq/latest.jpg`, { method: 'HEAD' });
  t.is(head.status, 200, 'HEAD works');

  const topic = `${BASE}/sq/bright/snapshot`;
  await waitFor('an MQTT snapshot', () => mqtt.messages.find((m) => m.topic === topic), 30_000);
  // A later subscriber (Home Assistant starting) gets it from the broker: it is retained, and binary.
  const client = await connectAsync(broker.url);
  t.teardown(() => client.endAsync(true));
  const got = new Promise<{ payload: Buffer; retain: boolean }>((resolve) => client.on('message', (_t, payload, packet) => resolve({ payload, retain: packet.retain })));
  await client.subscribeAsync(topic);
  const snapshot = await got;
  t.true(snapshot.retain, 'the snapshot is retained');
  const meta = await sharp(snapshot.payload).metadata();
  t.is(meta.format, 'jpeg', 'a JPEG payload');
  t.true(meta.width! >= 40 && meta.width! < 320 && meta.height! >= 40 && meta.height! < 240, `cropped around the square: ${meta.width}x${meta.height}`);
});

test('beyond loopback: pictures only with the token, which is never shown; without a token none', async (t) => {
  t.timeout(120_000);
  const token = 'pictures-Token-4f9a';
  const credentials = mkdtempSync(join(tmpdir(), 'lookout-cred-'));
  t.teardown(() => rmSync(credentials, { recursive: true, force: true }));
  writeFileSync(join(credentials, 'http_token'), `${token}\n`);
  const broker = await startBroker(t);
  const mqtt = await watch(t, broker);
  const camera = await startCamera(t, { lavfi: LAVFI });
  const { daemon, httpPort } = await startDaemon(t, broker, { sq: rtspCamera(camera.url) }, {
    modelSize: 320,
    env: { CREDENTIALS_DIRECTORY: credentials, LOOKOUT_HTTP_HOST: '0.0.0.0' },
  });
  await waitFor('the daemon listening', async () => (await getJson(httpPort, '/healthz').catch(() => ({ status: 0 }))).status === 200, 30_000, 300);
  t.deepEqual((await getJson(httpPort, '/page.json')).body, { pictures: 'token' }, 'the page is told pictures need a token');
  const withToken = await waitFor('a picture with the token', async () => {
    const p = await picture(httpPort, `/cameras/sq/latest.jpg?token=${token}`);
    return p.status === 200 ? p : null;
  }, 60_000, 500);
  t.is((await sharp(withToken.body).metadata()).format, 'jpeg', '?token=: the picture');
  t.is((await picture(httpPort, '/cameras/sq/latest.jpg', { authorization: `Bearer ${token}` })).status, 200, 'Bearer header: the picture');
  const none = await picture(httpPort, '/cameras/sq/latest.jpg');
  t.is(none.status, 401, 'no token: 401');
  t.regex(none.body.toString(), /need the token/, 'says what is needed');
  t.is((await picture(httpPort, '/cameras/sq/latest.jpg?token=wrong')).status, 401, 'wrong token: 401');
  t.is((await picture(httpPort, '/')).status, 200, 'the page itself is served');
  const status = await getJson(httpPort, '/status');
  await waitFor('some MQTT traffic', () => mqtt.messages.length > 5, 10_000);
  const seen = [daemon.stdout, daemon.stderr, JSON.stringify(status.body), ...mqtt.messages.map((m) => m.text)].join('\n');
  t.false(seen.includes(token), 'the token appears in no log line, /status or MQTT message');
});

test('beyond loopback without a token: no pictures, and the page says why', async (t) => {
  t.timeout(90_000);
  const broker = await startBroker(t);
  const camera = await startCamera(t, { lavfi: LAVFI });
  const { httpPort } = await startDaemon(t, broker, { sq: rtspCamera(camera.url) }, { modelSize: 320, env: { LOOKOUT_HTTP_HOST: '0.0.0.0' } });
  await waitFor('the daemon listening', async () => (await getJson(httpPort, '/healthz').catch(() => ({ status: 0 }))).status === 200, 30_000, 300);
  t.deepEqual((await getJson(httpPort, '/page.json')).body, { pictures: 'off' });
  const refused = await picture(httpPort, '/cameras/sq/latest.jpg?token=anything');
  t.is(refused.status, 403, 'refused whatever is sent');
  t.regex(refused.body.toString(), /no http\.token is set/);
});
