/**
 * The one MQTT connection of the daemon. It owns availability (`<base>/status`:
 * Last Will `offline`, `online` on every connect, `offline` on a clean stop)
 * and the outage queue; callers just publish typed payloads on typed topics.
 *
 * mqtt.js would queue offline publishes itself, without a bound. Publishes go
 * to the client only while it is connected; otherwise they wait in our
 * BoundedQueue (oldest dropped and counted) and are flushed in order at QoS >= 1
 * on reconnect, so retained state published during an outage reaches the
 * broker once it is back.
 */
import { EventEmitter } from 'node:events';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { LookoutError } from '../errors.js';
import type { Logger } from '../logger.js';
import { systemClock, type Clock } from '../clock.js';
import { maskUrl, urlMasker, type Redact } from '../config/mask.js';
import { BoundedQueue } from './bounded-queue.js';
import { readTlsFiles } from './tls-files.js';
import { createTopics, encodePayload, type Topic, type Topics } from './topics.js';

/** The mqtt.* config keys the publisher needs (DaemonConfig['mqtt'] fits). '' = unset. */
export interface MqttPublisherConfig {
  url: string;
  username: string;
  password: string;
  client_id: string;
  base_topic: string;
  qos: number;
  ca: string;
  cert: string;
  key: string;
  reject_unauthorized: boolean;
  max_queue: number;
  /** Home Assistant's discovery prefix (default homeassistant). */
  discovery_prefix?: string;
}

const SCHEMES = new Set(['mqtt:', 'mqtts:', 'ws:', 'wss:']);

/** mqtt.js accepts odd URLs and fails later on every reconnect; say what is wrong once, up front. */
function checkUrl(url: string): string {
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    throw new LookoutError('EMQTT_URL', `mqtt.url: ${maskUrl(url)} is not a URL (expected mqtt://host:1883, mqtts://, ws:// or wss://)`);
  }
  if (!SCHEMES.has(scheme)) {
    // 'embedded' never gets here: the daemon starts the embedded broker and passes its mqtt:// URL.
    throw new LookoutError('EMQTT_URL', `mqtt.url: ${maskUrl(url)}: unsupported scheme ${scheme} (expected mqtt, mqtts, ws or wss)`);
  }
  return url;
}

export interface MqttPublisherOptions {
  config: MqttPublisherConfig;
  logger: Logger;
  clock?: Clock;
  /** Delay between reconnect attempts; mqtt.js retries forever. */
  reconnectPeriodMs?: number;
  connectTimeoutMs?: number;
  /** How long stop() waits for the broker to acknowledge `offline`. */
  stopTimeoutMs?: number;
  /** Every payload passes through it before it is encoded, so no secret is published (default: URL masking only). */
  redactor?: Redact;
}

export interface PublishOptions {
  retain?: boolean;
}

type QoS = 0 | 1 | 2;
interface QueuedMessage {
  topic: string;
  payload: string | Buffer;
  retain: boolean;
}

/** A message on a topic lookout subscribed to. */
export type MessageHandler = (topic: string, payload: Buffer, retained: boolean) => void;

export interface MqttPublisherEvents {
  /** Connected, `online` published and the outage queue handed to the client. */
  connect: [];
  /** The connection was lost; publishes queue until `connect`. */
  disconnect: [];
}

export class MqttPublisher extends EventEmitter<MqttPublisherEvents> {
  readonly topics: Topics;
  readonly #config: MqttPublisherConfig;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #qos: QoS;
  readonly #queue: BoundedQueue<QueuedMessage>;
  readonly #reconnectPeriodMs: number;
  readonly #connectTimeoutMs: number;
  readonly #stopTimeoutMs: number;
  #client: MqttClient | null = null;
  #online = false;
  #everConnected = false;
  readonly #redactor: Redact;
  #outageErrorLogged = false;
  #stopping: Promise<void> | null = null;
  readonly #subscriptions = new Map<string, MessageHandler>();

  constructor(options: MqttPublisherOptions) {
    super();
    const { config } = options;
    if (config.qos !== 0 && config.qos !== 1 && config.qos !== 2) throw new RangeError(`mqtt.qos must be 0, 1 or 2, got ${config.qos}`);
    this.#config = config;
    this.#qos = config.qos;
    this.#logger = options.logger.child({ component: 'mqtt' });
    this.#clock = options.clock ?? systemClock;
    this.#queue = new BoundedQueue(config.max_queue);
    this.#reconnectPeriodMs = options.reconnectPeriodMs ?? 1000;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 3000;
    this.#redactor = options.redactor ?? urlMasker;
    this.topics = createTopics(config.base_topic, config.discovery_prefix);
  }

  /** True while connected and `online` has been published. */
  get connected(): boolean {
    return this.#online;
  }

  get queueDepth(): number {
    return this.#queue.size;
  }

  /** Messages dropped from the outage queue because it was full. */
  get queueDropped(): number {
    return this.#queue.dropped;
  }

  /**
   * Reads TLS files (rejecting with a LookoutError naming the key and file) and
   * starts connecting. Resolves without waiting for the broker: the daemon must
   * run (and queue) while the broker is down.
   */
  async start(): Promise<void> {
    if (this.#client) return;
    const config = this.#config;
    const tls = await readTlsFiles(config);
    const options: IClientOptions = {
      clientId: config.client_id,
      clean: true,
      reconnectPeriod: this.#reconnectPeriodMs,
      connectTimeout: this.#connectTimeoutMs,
      // Our queue holds offline messages; mqtt.js must not keep a second, unbounded one.
      queueQoSZero: false,
      will: { topic: this.topics.availability, payload: Buffer.from('offline'), qos: 1, retain: true },
      rejectUnauthorized: config.reject_unauthorized,
      ...tls,
    };
    if (config.username !== '') options.username = config.username;
    if (config.password !== '') options.password = config.password;
    this.#logger.info({ url: maskUrl(config.url), client_id: config.client_id }, 'connecting to MQTT broker');
    const client = connect(checkUrl(config.url), options);
    this.#client = client;
    client.on('connect', () => this.#onConnect(client));
    client.on('close', () => this.#onClose());
    client.on('error', (error) => this.#onError(error));
    client.on('message', (topic, payload, packet) => {
      for (const [filter, handler] of this.#subscriptions) if (matches(filter, topic)) handler(topic, payload, packet.retain);
    });
  }

  /**
   * Calls `handler` for every message on `filter` (MQTT wildcards allowed),
   * retained ones included; subscribes again on every (re)connect, since the
   * session is clean. Call before or after start().
   */
  subscribe(filter: string, handler: MessageHandler): void {
    this.#subscriptions.set(filter, handler);
    const client = this.#client;
    if (client?.connected) this.#subscribeOn(client, filter);
  }

  #subscribeOn(client: MqttClient, filter: string): void {
    client.subscribe(filter, { qos: 1 }, (error) => {
      if (error && !this.#stopping) this.#logger.warn({ filter, err: { message: error.message } }, 'MQTT subscribe failed');
    });
  }

  /**
   * Sends now when connected, otherwise queues. Retained messages supersede an
   * earlier queued message on the same topic (the broker keeps only the last).
   */
  publish<P>(topic: Topic<P>, payload: P, options: PublishOptions = {}): void {
    // Pictures are pixels: nothing in them to redact.
    const encoded = Buffer.isBuffer(payload) ? payload : encodePayload(this.#redactor.value(payload));
    const message: QueuedMessage = { topic, payload: encoded, retain: options.retain ?? false };
    if (this.#stopping) {
      this.#logger.debug({ topic }, 'publish after stop ignored');
      return;
    }
    if (this.#online && this.#client?.connected === true) {
      this.#send(this.#client, message, this.#qos);
      return;
    }
    const dropped = this.#queue.push(message, message.retain ? message.topic : undefined);
    if (dropped) this.#logger.debug({ topic: dropped.topic, dropped_total: this.#queue.dropped }, 'outage queue full: dropped oldest message');
  }

  /** Publishes `offline` (retained) and waits for the broker's ack before disconnecting. Safe to call twice. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    if (this.#online && client.connected) {
      const offline = client.publishAsync(this.topics.availability, 'offline', { qos: 1, retain: true });
      if (await this.#within(offline, this.#stopTimeoutMs)) {
        this.#logger.debug('published offline');
      } else {
        this.#logger.warn({ timeout_ms: this.#stopTimeoutMs }, 'broker did not acknowledge offline; the Last Will will say so instead');
      }
      // Graceful end waits for in-flight QoS>0 messages; do not let a dead broker block shutdown.
      if (!(await this.#within(client.endAsync(false), this.#stopTimeoutMs))) await client.endAsync(true);
    } else {
      await client.endAsync(true);
    }
    this.#online = false;
    if (this.#queue.size > 0) this.#logger.warn({ undelivered: this.#queue.size }, 'stopping with queued MQTT messages undelivered');
  }

  #onConnect(client: MqttClient): void {
    if (this.#stopping) return;
    const queued = this.#queue.drain();
    this.#send(client, { topic: this.topics.availability, payload: 'online', retain: true }, 1);
    // Messages that waited out an outage go at QoS >= 1 so the wait was not for nothing.
    const flushQos = Math.max(1, this.#qos) as QoS;
    for (const message of queued) this.#send(client, message, flushQos);
    for (const filter of this.#subscriptions.keys()) this.#subscribeOn(client, filter);
    this.#online = true;
    this.#outageErrorLogged = false;
    this.#logger.info(
      { url: maskUrl(this.#config.url), flushed: queued.length, queue_dropped: this.#queue.dropped },
      this.#everConnected ? 'reconnected to MQTT broker' : 'connected to MQTT broker',
    );
    this.#everConnected = true;
    this.emit('connect');
  }

  #onClose(): void {
    if (!this.#online) return; // mqtt.js emits close after every failed attempt too
    this.#online = false;
    if (this.#stopping) return;
    this.#logger.warn({ url: maskUrl(this.#config.url), max_queue: this.#queue.capacity }, 'lost MQTT broker connection; queuing and reconnecting');
    this.emit('disconnect');
  }

  #onError(error: Error): void {
    // During an outage mqtt.js reports every failed attempt; one line per outage is enough.
    const fields = { err: { message: maskUrl(error.message), code: (error as NodeJS.ErrnoException).code }, url: maskUrl(this.#config.url) };
    if (this.#outageErrorLogged) {
      this.#logger.debug(fields, 'MQTT connection error');
    } else {
      this.#outageErrorLogged = true;
      this.#logger.error(fields, 'MQTT connection error (retrying every %d ms)', this.#reconnectPeriodMs);
    }
  }

  #send(client: MqttClient, message: QueuedMessage, qos: QoS): void {
    client.publish(message.topic, message.payload, { qos, retain: message.retain }, (error) => {
      if (error && !this.#stopping) this.#logger.warn({ topic: message.topic, err: { message: error.message } }, 'MQTT publish failed');
    });
  }

  /** Resolves true if `promise` settles within `ms`, false on timeout (errors count as settled). */
  #within(promise: Promise<unknown>, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.#clock.setTimeout(() => resolve(false), ms);
      const done = () => {
        this.#clock.clearTimeout(timer);
        resolve(true);
      };
      promise.then(done, done);
    });
  }
}

/** MQTT topic filter matching (`+` one level, `#` the rest). */
export function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
