import test from 'ava';
import net from 'node:net';
import { connectAsync } from 'mqtt';
import { EmbeddedBroker } from '../../../src/mqtt/embedded-broker.js';
import { LookoutError } from '../../../src/errors.js';
import { captureLogger } from './capture-logger.js';

const logger = captureLogger('silent').logger;

test('serves MQTT on 127.0.0.1 and stop() disconnects clients', async (t) => {
  const broker = new EmbeddedBroker({ port: 0, logger });
  t.teardown(() => broker.stop());
  await broker.start();
  t.regex(broker.url, /^mqtt:\/\/127\.0\.0\.1:\d+$/, 'url names loopback and the picked port');
  t.not(broker.port, 0);

  const client = await connectAsync(broker.url, { reconnectPeriod: 0 });
  t.teardown(() => client.endAsync(true));
  await client.subscribeAsync('t/#');
  const received = new Promise<[string, Buffer]>((resolve) => client.once('message', (topic, payload) => resolve([topic, payload])));
  await client.publishAsync('t/x', 'hello', { qos: 1 });
  const [topic, payload] = await received;
  t.is(topic, 't/x');
  t.is(String(payload), 'hello');

  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  await broker.stop();
  await closed;
  t.pass('client disconnected by stop()');
  await broker.stop(); // twice is fine
});

test('a taken port rejects with EADDRINUSE and a message naming the setting and a fix', async (t) => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const port = (blocker.address() as net.AddressInfo).port;

  const broker = new EmbeddedBroker({ port, logger });
  const error = await t.throwsAsync(broker.start(), { instanceOf: LookoutError });
  t.is((error as LookoutError).code, 'EADDRINUSE');
  t.true(error?.message.startsWith(`mqtt.url is 'embedded' but 127.0.0.1:${port} is already in use`), error?.message);
  t.regex(error?.message ?? '', /mqtt\.embedded_port/, 'suggests changing the port');
  await broker.stop(); // nothing to stop, must not throw
});
