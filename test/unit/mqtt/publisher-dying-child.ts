/**
 * A publisher in its own process for publisher-dying.test.ts: publishes a
 * sequence number every 100 ms on <base>/seq (QoS 1). On `block FILE` it blocks
 * its event loop until FILE exists, as a loaded daemon does, so a broker that
 * exits meanwhile is not noticed before the next publish; it prints whether
 * that publish went to a connection it still took for open. On `stop` it
 * stops publishing and prints the last number.
 */
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createLogger } from '../../../src/logger.js';
import { MqttPublisher } from '../../../src/mqtt/publisher.js';
import type { Topic } from '../../../src/mqtt/topics.js';

const [url, clientId, base] = process.argv.slice(2) as [string, string, string];
const publisher = new MqttPublisher({
  config: { url, username: '', password: '', client_id: clientId, base_topic: base, qos: 1, ca: '', cert: '', key: '', reject_unauthorized: true, max_queue: 1000 },
  logger: createLogger('silent'),
  reconnectPeriodMs: 200,
});
const topic = `${base}/seq` as Topic<string>;
let seq = 0;
let running = true;
let report = false;
publisher.on('connect', () => process.stdout.write('CONNECTED\n'));
await publisher.start();
setInterval(() => {
  if (!running) return;
  seq++;
  if (report) {
    report = false;
    process.stdout.write(`AFTER_BLOCK ${seq} ${publisher.connected}\n`);
  }
  publisher.publish(topic, String(seq));
}, 100);
createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, file] = line.split(' ');
  if (command === 'block') {
    process.stdout.write('BLOCKING\n');
    while (!existsSync(file!)) {
      // Busy: timers and sockets wait, as behind a long inference on a loaded machine.
    }
    report = true;
  } else if (command === 'stop') {
    running = false;
    process.stdout.write(`LAST ${seq}\n`);
  }
});
