/**
 * Every MQTT topic lookout publishes is built here and nowhere else, so the
 * topic layout can be read (and changed) in one place.
 *
 * A topic is a string branded with its payload type: `publish(topics.stats,
 * payload)` only type-checks when `payload` is a StatsPayload. That brand is
 * the typed topic -> payload map; `TopicPayloads` names the same map by kind.
 */
import { LookoutError } from '../errors.js';
import type {
  AvailabilityPayload,
  CameraStatusPayload,
  DetectionsPayload,
  DiscoveryConfigPayload,
  SnapshotPayload,
  EventPayload,
  ObjectCountPayload,
  StatsPayload,
  ZoneCountPayload,
} from './payloads.js';

declare const payloadType: unique symbol;
/** A topic string that carries the type of the payload published on it. */
export type Topic<P> = string & { readonly [payloadType]: P };

/** Topic kind -> payload type. */
export interface TopicPayloads {
  availability: AvailabilityPayload;
  camera_status: CameraStatusPayload;
  stats: StatsPayload;
  detections: DetectionsPayload;
  events: EventPayload;
  object_count: ObjectCountPayload;
  zone_count: ZoneCountPayload;
  snapshot: SnapshotPayload;
  /** An entity's config, or '' (retained) to remove the entity. */
  discovery_config: DiscoveryConfigPayload | '';
}

export interface Topics {
  /** `<base>/status`: online/offline, retained, also the Last Will. */
  readonly availability: Topic<TopicPayloads['availability']>;
  /** `<base>/stats`: periodic daemon statistics. */
  readonly stats: Topic<TopicPayloads['stats']>;
  /** `<base>/<camera>/status`: retained camera state. */
  cameraStatus(camera: string): Topic<TopicPayloads['camera_status']>;
  /** `<base>/<camera>/detections`. */
  detections(camera: string): Topic<TopicPayloads['detections']>;
  /** `<base>/<camera>/events`. */
  events(camera: string): Topic<TopicPayloads['events']>;
  /**
   * `<base>/<camera>/<label>`, retained: how many objects of a label are in
   * view. A label equal to a RESERVED_CAMERA_LEVELS entry is rejected (see there).
   */
  objectCount(camera: string, label: string): Topic<TopicPayloads['object_count']>;
  /**
   * `<base>/<camera>/<zone>/<label>`, retained: how many objects of a label are
   * in a zone. Zone names are checked against labels and reserved levels when
   * the camera file is read (src/zones/schema.ts).
   */
  zoneCount(camera: string, zone: string, label: string): Topic<TopicPayloads['zone_count']>;
  /** `<base>/<camera>/<label>/snapshot`, retained: a JPEG of the best picture of the latest object of that label. */
  snapshot(camera: string, label: string): Topic<TopicPayloads['snapshot']>;
  /**
   * `<prefix>/<component>/<node_id>/<object_id>/config`, retained: a Home
   * Assistant discovery config (prefix = mqtt.discovery_prefix). node_id and
   * object_id must be `[a-zA-Z0-9_-]+` (see discoveryId).
   */
  discoveryConfig(component: string, nodeId: string, objectId: string): Topic<TopicPayloads['discovery_config']>;
  /** `<prefix>/+/+/+/config`: every discovery config with a node id (to find stale ones of ours). */
  readonly discoveryConfigFilter: string;
  /** `<prefix>/status`: Home Assistant's birth (`online`) and will (`offline`) messages; lookout subscribes to it. */
  readonly discoveryStatus: string;
}

/**
 * Levels under `<base>/<camera>/` that lookout uses or keeps for itself. Counts
 * live at `<base>/<camera>/<label>` (the layout: `lookout/front/person`
 * reads as the state it is), so a model label spelled like one of these would
 * overwrite another topic. Such a label is refused: objectCount throws, and the
 * daemon checks the labels a camera can publish at start
 * (reservedLabelConflicts) so the error comes once, with a fix, instead of at
 * the first sighting. `motion` and `snapshot` are reserved ahead of use so that
 * adding those topics later cannot break a working config.
 * A new per-camera topic must be added here.
 */
export const RESERVED_CAMERA_LEVELS: readonly string[] = ['status', 'detections', 'events', 'motion', 'snapshot'];

/** The labels among `labels` that cannot have a count topic, in the order given. */
export function reservedLabelConflicts(labels: Iterable<string>): string[] {
  return [...labels].filter((label) => RESERVED_CAMERA_LEVELS.includes(label));
}

/**
 * One topic level: `/` would add levels and `+`/`#` are wildcards that MQTT
 * forbids in published topics, so a camera or label containing them is a bug
 * upstream (config validates camera names) and fails loudly here.
 */
function level(kind: string, value: string): string {
  if (value === '' || /[/+#\u0000]/.test(value)) {
    throw new LookoutError('EMQTT_TOPIC', `invalid MQTT topic level for ${kind}: ${JSON.stringify(value)} (must be non-empty without / + # or NUL)`);
  }
  return value;
}

function countLevel(label: string): string {
  if (RESERVED_CAMERA_LEVELS.includes(label)) {
    throw new LookoutError(
      'EMQTT_TOPIC',
      `label ${JSON.stringify(label)} cannot have a count topic: <base>/<camera>/${label} is reserved (${RESERVED_CAMERA_LEVELS.join(', ')}); ` +
        'leave it out with detect.labels or rename it in the model',
    );
  }
  return level('label', label);
}

/** `base` may have several levels (`home/lookout`) but no wildcards or empty levels. */
function checkBase(base: string): string {
  if (base === '' || /[+#\u0000]/.test(base) || base.split('/').some((part) => part === '')) {
    throw new LookoutError('EMQTT_TOPIC', `invalid mqtt.base_topic ${JSON.stringify(base)}: use levels like "lookout" or "home/lookout" without + # or empty levels`);
  }
  return base;
}

/**
 * A Home Assistant node_id or object_id: only `[a-zA-Z0-9_-]` is allowed
 * there, so anything else (the space of "traffic light") becomes `_`.
 */
export function discoveryId(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^a-zA-Z0-9_-]/g, '_')).join('_');
}

export function createTopics(base = 'lookout', discoveryPrefix = 'homeassistant'): Topics {
  const root = checkBase(base);
  const prefix = checkBase(discoveryPrefix);
  const id = (kind: string, value: string) => {
    if (!/^[a-zA-Z0-9_-]+$/.test(value)) throw new LookoutError('EMQTT_TOPIC', `invalid discovery ${kind} ${JSON.stringify(value)} (must be [a-zA-Z0-9_-]+)`);
    return value;
  };
  const camera = (cam: string, ...rest: string[]) => [root, level('camera', cam), ...rest].join('/');
  return {
    availability: `${root}/status` as Topic<AvailabilityPayload>,
    stats: `${root}/stats` as Topic<StatsPayload>,
    cameraStatus: (cam) => camera(cam, 'status') as Topic<CameraStatusPayload>,
    detections: (cam) => camera(cam, 'detections') as Topic<DetectionsPayload>,
    events: (cam) => camera(cam, 'events') as Topic<EventPayload>,
    objectCount: (cam, label) => camera(cam, countLevel(label)) as Topic<ObjectCountPayload>,
    zoneCount: (cam, zone, label) => camera(cam, countLevel(zone), countLevel(label)) as Topic<ZoneCountPayload>,
    snapshot: (cam, label) => camera(cam, countLevel(label), 'snapshot') as Topic<SnapshotPayload>,
    discoveryConfig: (component, nodeId, objectId) =>
      [prefix, id('component', component), id('node_id', nodeId), id('object_id', objectId), 'config'].join('/') as Topic<DiscoveryConfigPayload | ''>,
    discoveryConfigFilter: `${prefix}/+/+/+/config`,
    discoveryStatus: `${prefix}/status`,
  };
}

/** Strings (availability) and bytes (snapshots) go out as-is; everything else as JSON. */
export function encodePayload(payload: unknown): string | Buffer {
  if (Buffer.isBuffer(payload)) return payload;
  return typeof payload === 'string' ? payload : JSON.stringify(payload);
}
