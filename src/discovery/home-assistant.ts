/**
 * Home Assistant MQTT discovery: announces the daemon and one device per
 * camera, retained, under `<prefix>/<component>/<node_id>/<object_id>/config`.
 *
 * - Publishes every config on each broker (re)connect and whenever Home
 *   Assistant says `online` on `<prefix>/status` (its birth message).
 * - Keeps the set of config topics it announced. A label gets its entities
 *   when the camera's detect.labels names it, or when its count is first
 *   published.
 * - Reads back the retained configs on the broker: one of ours (its node id
 *   is this instance's and its origin is lookout) that is not announced now is
 *   either adopted (a label seen in an earlier run that the camera may still
 *   report) or cleared with an empty retained payload (a camera that is gone,
 *   a label the camera no longer reports, a snapshot camera whose
 *   snapshot.mqtt is off).
 */
import type { Logger } from '../logger.js';
import type { DiscoveryConfigPayload } from '../mqtt/payloads.js';
import type { MessageHandler, PublishOptions } from '../mqtt/publisher.js';
import { discoveryId, type Topic, type Topics } from '../mqtt/topics.js';
import {
  cameraEntities, daemonEntities, labelEntities, ORIGIN_NAME, ownsNode,
  type DiscoveryContext, type DiscoveryEntity,
} from './entities.js';

/** What discovery needs of the MQTT publisher (MqttPublisher fits). */
export interface DiscoverySink {
  readonly topics: Topics;
  publish<P>(topic: Topic<P>, payload: P, options?: PublishOptions): void;
  subscribe(filter: string, handler: MessageHandler): void;
}

export interface DiscoveryCamera {
  name: string;
  /** detect.labels: announced from the start; empty = any label of the model, announced once counted. */
  labels: readonly string[];
  /** Labels the camera can report at all (detect.labels, or the model's labels). */
  reportable: readonly string[];
  /** snapshot.enabled && snapshot.mqtt: the label's snapshot topic is published. */
  snapshots: boolean;
}

export interface HomeAssistantDiscoveryOptions {
  sink: DiscoverySink;
  baseTopic: string;
  version: string;
  hostname: string;
  cameras: readonly DiscoveryCamera[];
  logger: Logger;
}

export class HomeAssistantDiscovery {
  readonly #sink: DiscoverySink;
  readonly #ctx: DiscoveryContext;
  readonly #log: Logger;
  readonly #cameras = new Map<string, DiscoveryCamera>();
  /** Labels announced per camera. */
  readonly #labels = new Map<string, Set<string>>();
  /** Config topic -> config, everything announced now. */
  readonly #announced = new Map<string, DiscoveryConfigPayload>();
  /** Config topics cleared by this run (their empty retained message comes back to us). */
  readonly #cleared = new Set<string>();

  constructor(options: HomeAssistantDiscoveryOptions) {
    this.#sink = options.sink;
    this.#log = options.logger.child({ component: 'discovery' });
    this.#ctx = { topics: options.sink.topics, instance: discoveryId(options.baseTopic), version: options.version, hostname: options.hostname };
    for (const camera of options.cameras) {
      this.#cameras.set(camera.name, camera);
      this.#labels.set(camera.name, new Set(camera.labels));
    }
    this.#rebuild();
  }

  /** Config topics announced now (for tests and /status-like views). */
  get topics(): string[] {
    return [...this.#announced.keys()].sort();
  }

  /** Subscribes to Home Assistant's status and to the retained configs; the first publishAll comes from the connect handler. */
  start(): void {
    const { topics } = this.#sink;
    this.#sink.subscribe(topics.discoveryStatus, (_topic, payload) => {
      if (payload.toString() !== 'online') return;
      this.#log.info('Home Assistant is online: publishing discovery configs again');
      this.publishAll();
    });
    this.#sink.subscribe(topics.discoveryConfigFilter, (topic, payload) => this.#onRetainedConfig(topic, payload));
  }

  /** Publishes every announced config, retained. */
  publishAll(): void {
    for (const [topic, config] of this.#announced) this.#sink.publish(topic as Topic<DiscoveryConfigPayload | ''>, config, { retain: true });
  }

  /** A count of `label` was published for `camera`: announce the label's entities if they are new. */
  labelSeen(camera: string, label: string): void {
    const labels = this.#labels.get(camera);
    if (!labels || labels.has(label) || !this.#cameras.get(camera)!.reportable.includes(label)) return;
    labels.add(label);
    this.#log.info({ camera, label }, 'announcing a new label to Home Assistant');
    for (const e of labelEntities(this.#ctx, camera, label, this.#cameras.get(camera)!.snapshots)) this.#announce(e, true);
  }

  /** A camera added or changed while running: announces its device and labels; a changed one's configs it no longer has are cleared. */
  setCamera(camera: DiscoveryCamera): void {
    const before = this.#cameras.has(camera.name) ? this.#cameraTopics(camera.name) : [];
    this.#cameras.set(camera.name, camera);
    this.#labels.set(camera.name, new Set(camera.labels));
    const now = new Set(this.#cameraTopics(camera.name));
    for (const e of cameraEntities(this.#ctx, camera.name)) this.#announce(e, true);
    for (const label of camera.labels) for (const e of labelEntities(this.#ctx, camera.name, label, camera.snapshots)) this.#announce(e, true);
    for (const topic of before) if (!now.has(topic)) this.#clear(topic);
  }

  /** A camera removed while running: clears its entities (empty retained configs) and forgets it. */
  removeCamera(name: string): void {
    if (!this.#cameras.has(name)) return;
    const topics = this.#cameraTopics(name);
    this.#cameras.delete(name);
    this.#labels.delete(name);
    for (const topic of topics) this.#clear(topic);
    this.#log.info({ camera: name }, 'removed the camera from Home Assistant');
  }

  /** Config topics of a camera's device and of the labels announced for it. */
  #cameraTopics(name: string): string[] {
    const camera = this.#cameras.get(name)!;
    const entities = [...cameraEntities(this.#ctx, name)];
    for (const label of this.#labels.get(name) ?? []) entities.push(...labelEntities(this.#ctx, name, label, camera.snapshots));
    return entities.map((e) => this.#sink.topics.discoveryConfig(e.component, e.nodeId, e.objectId));
  }

  #clear(topic: string): void {
    if (!this.#announced.delete(topic)) return;
    this.#cleared.add(topic);
    this.#sink.publish(topic as Topic<DiscoveryConfigPayload | ''>, '', { retain: true });
  }

  #rebuild(): void {
    const entities: DiscoveryEntity[] = [...daemonEntities(this.#ctx)];
    for (const camera of this.#cameras.values()) {
      entities.push(...cameraEntities(this.#ctx, camera.name));
      for (const label of this.#labels.get(camera.name)!) entities.push(...labelEntities(this.#ctx, camera.name, label, camera.snapshots));
    }
    for (const e of entities) this.#announce(e, false);
  }

  #announce(e: DiscoveryEntity, publish: boolean): void {
    const topic = this.#sink.topics.discoveryConfig(e.component, e.nodeId, e.objectId);
    this.#announced.set(topic, e.config);
    this.#cleared.delete(topic);
    if (publish) this.#sink.publish(topic, e.config, { retain: true });
  }

  /** A retained (or live) config on the broker: adopt or clear one of ours that this run does not announce. */
  #onRetainedConfig(topic: string, payload: Buffer): void {
    if (payload.length === 0 || this.#announced.has(topic)) return;
    const filter = this.#sink.topics.discoveryConfigFilter;
    const prefixLength = filter.length - '/+/+/+/config'.length;
    const [component, nodeId, objectId] = topic.slice(prefixLength + 1).split('/');
    if (!component || !nodeId || !objectId || !ownsNode(this.#ctx, nodeId)) return;
    let config: { origin?: { name?: unknown }; state_topic?: unknown; topic?: unknown };
    try {
      config = JSON.parse(payload.toString()) as typeof config;
    } catch {
      return; // not ours: lookout only publishes JSON here
    }
    if (config.origin?.name !== ORIGIN_NAME) return;
    if (this.#adopt(config)) return;
    if (this.#cleared.has(topic)) return;
    this.#cleared.add(topic);
    this.#log.info({ topic }, 'removing a Home Assistant entity lookout no longer has');
    this.#sink.publish(topic as Topic<DiscoveryConfigPayload | ''>, '', { retain: true });
  }

  /** A label's entity from an earlier run whose camera may still report that label: announce the label again. */
  #adopt(config: { state_topic?: unknown; topic?: unknown }): boolean {
    const stateTopic = typeof config.state_topic === 'string' ? config.state_topic : typeof config.topic === 'string' ? config.topic : null;
    if (stateTopic === null) return false;
    for (const camera of this.#cameras.values()) {
      for (const label of camera.reportable) {
        const count = this.#sink.topics.objectCount(camera.name, label);
        if (stateTopic !== count && stateTopic !== this.#sink.topics.snapshot(camera.name, label)) continue;
        if (stateTopic !== count && !camera.snapshots) return false;
        this.labelSeen(camera.name, label);
        return true;
      }
    }
    return false;
  }
}
