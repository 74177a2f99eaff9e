/**
 * A broker that exits while the daemon is busy: the next QoS 1 message goes to
 * a connection the publisher still takes for open (mqtt.js has not read the
 * broker's FIN yet). It must still arrive, once, after the broker is back:
 * mqtt.js keeps it in its outgoing store and sends it again on reconnect,
 * before the publisher flushes its own outage queue. Real mosquitto (state
 * kept across the restart, so the persistent subscriber misses nothing the
 * broker took), a real publisher process. The subscriber comes back after the
 * publisher, as it may in the soak: with mosquitto unable to save its state
 * (the soak broker's directory was not writable by the user mosquitto drops
 * to) its session was gone and the first messages after a restart were lost.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { connectAsync } from 'mqtt';
import { Mosquitto } from '../../helpers/mosquitto.js';
import { waitFor } from '../../helpers/daemon.js';
import { freePort } from '../../helpers/ports.js';

const CHILD = fileURLToPath(new URL('publisher-dying-child.ts', import.meta.url));
const id = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

test('a QoS 1 message published after the broker exited, before the publisher noticed, arrives after the restart; nothing else is lost', async (t) => {
  t.timeout(90_000);
  const broker = new Mosquitto(await freePort(), { persistent: true });
  t.teardown(() => broker.dispose());
  await broker.start();
  const base = id('dying');
  const got: number[] = [];
  // Back after the publisher (which retries every 200 ms): what the publisher sends first waits in its session.
  const sub = await connectAsync(broker.url, { clientId: id('sub'), clean: false, reconnectPeriod: 1500 });
  t.teardown(() => sub.endAsync(true));
  const resumed: boolean[] = []; // reconnects: the first connect was before this listener
  sub.on('connect', (connack) => resumed.push(connack.sessionPresent));
  sub.on('message', (topic, payload) => {
    if (topic === `${base}/seq`) got.push(Number(payload.toString()));
  });
  await sub.subscribeAsync(`${base}/seq`, { qos: 1 });

  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, broker.url, id('lookout'), base], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.teardown(() => void child.kill('SIGKILL'));
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const said = (re: RegExp, what: string, ms = 20_000) => waitFor(`the publisher to say ${what}`, () => re.exec(out), ms, 20);
  const flagDir = mkdtempSync(join(tmpdir(), 'lookout-dying-'));
  t.teardown(() => rmSync(flagDir, { recursive: true, force: true }));
  const flag = join(flagDir, 'go');

  await said(/CONNECTED/, 'it is connected');
  await waitFor('three messages through', () => got.length >= 3 || null, 20_000, 20);
  child.stdin!.write(`block ${flag}\n`);
  await said(/BLOCKING/, 'its loop is blocked');
  await broker.stop(); // mosquitto has exited: its end of the connection is closed
  writeFileSync(flag, '');
  const [, n, connected] = await said(/AFTER_BLOCK (\d+) (\w+)/, 'what it published next');
  t.is(connected, 'true', `message ${n} went to the closed connection, the publisher not yet aware`);

  await broker.start();
  await said(/CONNECTED\n[^]*CONNECTED/, 'it reconnected');
  await waitFor(`message ${n}`, () => got.includes(Number(n)) || null, 20_000, 20);
  child.stdin!.write('stop\n');
  const [, last] = await said(/LAST (\d+)/, 'its last message');
  const all = Array.from({ length: Number(last) }, (_, i) => i + 1);
  const missing = () => all.filter((s) => !got.includes(s));
  await waitFor('every message', () => missing().length === 0 || null, 20_000, 50).catch(() => undefined);
  t.deepEqual(resumed, [true], 'the subscriber\'s session survived the restart (mosquitto saved its state)');
  t.deepEqual(missing(), [], `all ${last} messages arrived (${got.length} deliveries, duplicates allowed at QoS 1)`);
});
