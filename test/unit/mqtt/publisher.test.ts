import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { connectAsync } from 'mqtt';
import { MqttPublisher, type MqttPublisherConfig } from '../../../src/mqtt/publisher.js';
import type { CameraStatusPayload, StatsPayload } from '../../../src/mqtt/payloads.js';
import { freePort } from '../../helpers/ports.js';
import { captureLogger } from './capture-logger.js';
import { Mosquitto } from '../../helpers/mosquitto.js';
import { TcpGate } from './tcp-gate.js';

interface Received {
  topic: string;
  payload: string;
  retain: boolean;
  qos: number;
}

const id = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

async function broker(t: ExecutionContext): Promise<Mosquitto> {
  const mosquitto = new Mosquitto(await freePort());
  t.teardown(() => mosquitto.dispose());
  await mosquitto.start();
  return mosquitto;
}

/** A plain mqtt.js subscriber straight to the broker, recording what it receives. */
async function subscribe(t: ExecutionContext, url: string, topic: string) {
  const client = await connectAsync(url, { clientId: id('sub'), reconnectPeriod: 0 });
  t.teardown(() => client.endAsync(true));
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, payload: payload.toString(), retain: packet.retain, qos: packet.qos }));
  await client.subscribeAsync(topic, { qos: 1 });
  const waitFor = async (what: string, predicate: (messages: Received[]) => boolean, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (!predicate(messages)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(messages)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { messages, waitFor };
}

function config(url: string, overrides: Partial<MqttPublisherConfig> = {}): MqttPublisherConfig {
  return { url, username: '', password: '', client_id: id('lookout'), base_topic: id('lt'), qos: 0, ca: '', cert: '', key: '', reject_unauthorized: true, max_queue: 100, ...overrides };
}

const cameraStatus = (camera: string, state: CameraStatusPayload['state']): CameraStatusPayload => ({
  camera, state, reason: null, source: null, fps_in: 0, frames_in: 0, frames_dropped: 0, reconnects: 0, stalls: 0, last_frame_at: null, timestamp: '2026-11-27T00:00:00.000Z',
});

const stats = (n: number): StatsPayload => ({ uptime_s: n, cameras: {}, mqtt: { queue_depth: 0, queue_dropped: 0 }, timestamp: '2026-11-27T00:00:00.000Z' });

test('online is retained on connect, offline retained on a clean stop, secrets never logged', async (t) => {
  const mosquitto = await broker(t);
  const { logger, lines } = captureLogger();
  const cfg = config(`mqtt://alice:url-secret@127.0.0.1:${mosquitto.port}`, { username: 'alice', password: 'cfg-secret' });
  const publisher = new MqttPublisher({ config: cfg, logger });
  t.teardown(() => publisher.stop());
  await publisher.start();
  await once(publisher, 'connect');
  t.true(await mosquitto.logged(cfg.client_id), 'our own mosquitto saw our client id');
  t.true(publisher.connected, 'connected getter');

  const late = await subscribe(t, mosquitto.url, `${cfg.base_topic}/#`);
  publisher.publish(publisher.topics.cameraStatus('front'), cameraStatus('front', 'streaming'), { retain: true });
  await late.waitFor('online and camera status', (m) => m.length >= 2);
  t.deepEqual(late.messages[0], { topic: `${cfg.base_topic}/status`, payload: 'online', retain: true, qos: 1 }, 'retained online seen by a later subscriber');
  t.like(late.messages[1], { topic: `${cfg.base_topic}/front/status`, retain: false }, 'live message to an existing subscription');
  t.like(JSON.parse(late.messages[1]?.payload ?? '{}'), { camera: 'front', state: 'streaming' });

  await publisher.stop();
  await late.waitFor('offline', (m) => m.some((x) => x.payload === 'offline'));
  t.false(publisher.connected, 'not connected after stop');
  const after = await subscribe(t, mosquitto.url, `${cfg.base_topic}/status`);
  await after.waitFor('retained offline', (m) => m.length >= 1);
  t.deepEqual(after.messages[0], { topic: `${cfg.base_topic}/status`, payload: 'offline', retain: true, qos: 1 }, 'offline retained after a clean stop');
  await publisher.stop(); // a second stop is harmless

  const log = lines.join('');
  t.false(log.includes('url-secret'), 'URL password not logged');
  t.false(log.includes('cfg-secret'), 'config password not logged');
  t.true(log.includes(`alice:***@127.0.0.1:${mosquitto.port}`), 'the masked URL is logged');
});

test('the Last Will marks the base offline when the process dies', async (t) => {
  const mosquitto = await broker(t);
  const clientId = id('lookout-child');
  const base = id('lt');
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('publisher-child.ts', import.meta.url)), mosquitto.url, clientId, base], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => void child.kill('SIGKILL'));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const deadline = Date.now() + 30_000;
  while (!out.includes('CONNECTED')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`child never connected: ${out}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const sub = await subscribe(t, mosquitto.url, `${base}/status`);
  await sub.waitFor('online', (m) => m.length >= 1);
  t.is(sub.messages[0]?.payload, 'online');
  child.kill('SIGKILL');
  await sub.waitFor('the will', (m) => m.length >= 2);
  t.deepEqual(sub.messages[1], { topic: `${base}/status`, payload: 'offline', retain: false, qos: 1 }, 'will delivered live to a subscriber');
  const fresh = await subscribe(t, mosquitto.url, `${base}/status`);
  await fresh.waitFor('retained will', (m) => m.length >= 1);
  t.like(fresh.messages[0], { payload: 'offline', retain: true }, 'the will is retained');
});

test('during a broker restart publishes wait in a bounded queue and go out in order, retained ones included', async (t) => {
  const mosquitto = await broker(t);
  const gate = new TcpGate(mosquitto.port);
  const gatePort = await gate.listen();
  t.teardown(() => gate.dispose());
  gate.open();
  const { logger } = captureLogger('silent');
  const cfg = config(`mqtt://127.0.0.1:${gatePort}`, { max_queue: 3 });
  const publisher = new MqttPublisher({ config: cfg, logger, reconnectPeriodMs: 100 });
  t.teardown(() => publisher.stop());
  await publisher.start();
  await once(publisher, 'connect');
  // Let `online` be acknowledged first: if the outage cut it in flight, mqtt.js would rightly
  // resend it (QoS 1 is at-least-once) and the sequence below would start with two of them.
  const pubackSent = `Sending PUBACK to ${cfg.client_id}`;
  while (!mosquitto.log.includes(pubackSent)) await new Promise((resolve) => setTimeout(resolve, 20));
  await new Promise((resolve) => setTimeout(resolve, 100)); // two loopback hops inside this process

  // Outage: the broker restarts (persistence false: retained state is gone) and the gate keeps the publisher out.
  const disconnected = once(publisher, 'disconnect');
  gate.close();
  await mosquitto.stop();
  await disconnected;
  t.false(publisher.connected, 'disconnected during the outage');

  const topics = publisher.topics;
  publisher.publish(topics.stats, stats(1));
  publisher.publish(topics.stats, stats(2));
  publisher.publish(topics.cameraStatus('yard'), cameraStatus('yard', 'connecting'), { retain: true });
  publisher.publish(topics.stats, stats(3));
  publisher.publish(topics.cameraStatus('yard'), cameraStatus('yard', 'offline'), { retain: true });
  publisher.publish(topics.stats, stats(4));
  // [s1,s2,yard:connecting] -> s3 drops s1 -> yard:offline supersedes yard:connecting -> s4 drops s2
  t.is(publisher.queueDepth, 3, 'queue held at max_queue');
  t.is(publisher.queueDropped, 2, 'two oldest messages dropped');

  await mosquitto.start();
  const sub = await subscribe(t, mosquitto.url, `${cfg.base_topic}/#`);
  t.deepEqual(sub.messages, [], 'restarted broker holds no retained state');
  const reconnected = once(publisher, 'connect');
  gate.open();
  await reconnected;
  await sub.waitFor('online and 3 flushed messages', (m) => m.length >= 4);
  t.deepEqual(
    sub.messages.map((m) => [m.topic.slice(cfg.base_topic.length + 1), m.topic.endsWith('/status') && m.topic.split('/').length === 2 ? m.payload : JSON.parse(m.payload).uptime_s ?? JSON.parse(m.payload).state, m.qos]),
    [['status', 'online', 1], ['stats', 3, 1], ['yard/status', 'offline', 1], ['stats', 4, 1]],
    'online first, then the queue in order at QoS 1 (configured qos is 0)',
  );
  t.is(publisher.queueDepth, 0, 'queue empty after the flush');

  const fresh = await subscribe(t, mosquitto.url, `${cfg.base_topic}/yard/status`);
  await fresh.waitFor('retained camera status', (m) => m.length >= 1);
  t.like(fresh.messages[0], { retain: true }, 'camera status published during the outage is retained on the new broker');
  t.like(JSON.parse(fresh.messages[0]?.payload ?? '{}'), { state: 'offline' });

  publisher.publish(topics.stats, stats(5));
  await sub.waitFor('live message', (m) => m.length >= 5);
  t.like(sub.messages[4], { qos: 0 }, 'live messages use the configured qos again');
});

test('with the broker down at start, start() resolves, the error is logged once, the queue goes out on first connect', async (t) => {
  const mosquitto = new Mosquitto(await freePort()); // not started yet: connections are refused
  t.teardown(() => mosquitto.dispose());
  const { logger, lines } = captureLogger();
  const cfg = config(`mqtt://bob:hunter2@127.0.0.1:${mosquitto.port}`, { password: 'hunter3' });
  const publisher = new MqttPublisher({ config: cfg, logger, reconnectPeriodMs: 50 });
  t.teardown(() => publisher.stop());
  await publisher.start();
  publisher.publish(publisher.topics.cameraStatus('porch'), cameraStatus('porch', 'connecting'), { retain: true });
  t.is(publisher.queueDepth, 1, 'queued before the first connect');
  // Wait for attempts rather than for a time: a loaded machine retries less often.
  const refused = () => lines.filter((line) => line.includes('ECONNREFUSED')).length;
  for (let waited = 0; refused() < 2 && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  t.false(publisher.connected);
  t.true(refused() >= 2, 'several refused attempts');
  t.is(lines.filter((line) => line.includes('"level":"error"')).length, 1, 'one error line for the whole outage');

  const connected = once(publisher, 'connect');
  await mosquitto.start();
  await connected;
  t.true(await mosquitto.logged(cfg.client_id), 'connected to our mosquitto');
  const sub = await subscribe(t, mosquitto.url, `${cfg.base_topic}/porch/status`);
  await sub.waitFor('retained porch status', (m) => m.length >= 1);
  t.like(sub.messages[0], { retain: true });
  const log = lines.join('');
  t.false(log.includes('hunter2') || log.includes('hunter3'), 'no password in logs');
});

test('an unknown URL scheme is an EMQTT_URL error with the password masked', async (t) => {
  const publisher = new MqttPublisher({ config: config('ftp://u:pw-x@host/'), logger: captureLogger('silent').logger });
  const error = await t.throwsAsync(publisher.start());
  t.is((error as { code?: string }).code, 'EMQTT_URL');
  t.is(error?.message, 'mqtt.url: ftp://u:***@host/: unsupported scheme ftp: (expected mqtt, mqtts, ws or wss)');
  t.false(error?.message.includes('pw-x'));
});

test('qos outside 0..2 is rejected at construction', (t) => {
  t.throws(() => new MqttPublisher({ config: config('mqtt://127.0.0.1:1', { qos: 3 }), logger: captureLogger('silent').logger }), { instanceOf: RangeError });
});
