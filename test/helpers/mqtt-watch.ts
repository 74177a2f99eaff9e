/** An MQTT subscriber that records everything under a topic filter, for assertions. */
import { connectAsync, type MqttClient } from 'mqtt';
import { waitFor } from './daemon.js';

export interface Received {
  topic: string;
  /** The payload as UTF-8 text; binary payloads (JPEG snapshots) are in `payload`. */
  text: string;
  payload: Buffer;
  retain: boolean;
  at: number;
}

export class MqttWatch {
  readonly messages: Received[] = [];
  private constructor(private readonly client: MqttClient) {}

  static async start(url: string, filter = '#'): Promise<MqttWatch> {
    // Reconnects on its own when a test restarts the broker.
    const client = await connectAsync(url, { reconnectPeriod: 200, clean: true });
    const watch = new MqttWatch(client);
    client.on('message', (topic, payload, packet) => watch.messages.push({ topic, text: payload.toString(), payload, retain: packet.retain, at: Date.now() }));
    client.on('connect', () => void client.subscribe(filter, { qos: 1 }));
    await client.subscribeAsync(filter, { qos: 1 });
    return watch;
  }

  json(topic: string): any[] {
    return this.messages.filter((m) => m.topic === topic).map((m) => JSON.parse(m.text));
  }

  /** The first message on `topic` (after index `from`) whose parsed JSON satisfies `pred`. */
  waitForJson(topic: string, pred: (payload: any) => boolean, timeoutMs = 20_000, from = 0): Promise<{ payload: any; at: number; index: number }> {
    return waitFor(`a message on ${topic}`, () => {
      for (let i = from; i < this.messages.length; i++) {
        const m = this.messages[i]!;
        if (m.topic !== topic) continue;
        const payload = JSON.parse(m.text);
        if (pred(payload)) return { payload, at: m.at, index: i };
      }
      return null;
    }, timeoutMs, 50);
  }

  waitForText(topic: string, text: string, timeoutMs = 20_000): Promise<Received> {
    return waitFor(`'${text}' on ${topic}`, () => this.messages.find((m) => m.topic === topic && m.text === text), timeoutMs, 50);
  }

  async stop(): Promise<void> {
    await this.client.endAsync(true);
  }
}
