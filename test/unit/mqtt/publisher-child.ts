/** Runs a publisher in its own process so a test can SIGKILL it and watch the Last Will. */
import { createLogger } from '../../../src/logger.js';
import { MqttPublisher } from '../../../src/mqtt/publisher.js';

const [url, clientId, base] = process.argv.slice(2) as [string, string, string];
const publisher = new MqttPublisher({
  config: { url, username: '', password: '', client_id: clientId, base_topic: base, qos: 1, ca: '', cert: '', key: '', reject_unauthorized: true, max_queue: 10 },
  logger: createLogger('silent'),
});
publisher.on('connect', () => process.stdout.write('CONNECTED\n'));
await publisher.start();
setInterval(() => undefined, 60_000);
