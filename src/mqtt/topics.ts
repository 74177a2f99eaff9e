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
  EventPayload,
  ObjectCountPayload,
  StatsPayload,
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

export function createTopics(base = 'lookout'): Topics {
  const root = checkBase(base);
  const camera = (cam: string, ...rest: string[]) => [root, level('camera', cam), ...rest].join('/');
  return {
    availability: `${root}/status` as Topic<AvailabilityPayload>,
    stats: `${root}/stats` as Topic<StatsPayload>,
    cameraStatus: (cam) => camera(cam, 'status') as Topic<CameraStatusPayload>,
    detections: (cam) => camera(cam, 'detections') as Topic<DetectionsPayload>,
    events: (cam) => camera(cam, 'events') as Topic<EventPayload>,
    objectCount: (cam, label) => camera(cam, countLevel(label)) as Topic<ObjectCountPayload>,
  };
}

/** Strings go out as-is (availability); everything else as JSON. */
export function encodePayload(payload: unknown): string {
  return typeof payload === 'string' ? payload : JSON.stringify(payload);
}
