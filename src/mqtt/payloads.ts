/**
 * MQTT payload shapes. Field names are snake_case because they are read by
 * Home Assistant templates, Node-RED and shell scripts, not by TypeScript.
 * Every JSON payload carries `timestamp` (ISO 8601) so a retained message read
 * hours later says how old it is.
 */

/** `<base>/status`: plain strings (not JSON) so the LWT stays a one-word value. */
export type AvailabilityPayload = 'online' | 'offline';

export type CameraState = 'connecting' | 'streaming' | 'offline' | 'disabled' | 'error' | 'removed';

export interface SourcePayload {
  width: number;
  height: number;
  fps: number | null;
  codec: string | null;
}

/** `<base>/<camera>/status`, retained. */
export interface CameraStatusPayload {
  camera: string;
  state: CameraState;
  reason: string | null;
  source: SourcePayload | null;
  fps_in: number;
  frames_in: number;
  frames_dropped: number;
  reconnects: number;
  stalls: number;
  last_frame_at: string | null;
  timestamp: string;
}

/** `<base>/stats`, not retained, published every mqtt.stats_interval_s. */
export interface StatsPayload {
  uptime_s: number;
  cameras: Record<
    string,
    {
      state: CameraState;
      fps_in: number;
      /** Inferences per second over the scheduler's recent window. */
      inferred_fps: number;
      frames_dropped: number;
      reconnects: number;
      inferences: number;
      inference_ms_mean: number | null;
      inference_ms_p95: number | null;
      detections: number;
      skipped_busy: number;
    }
  >;
  mqtt: { queue_depth: number; queue_dropped: number };
  timestamp: string;
}

/** One detected object. `box` is x1,y1,x2,y2 in source-image pixels; `box_norm` the same divided by the source size. */
export interface DetectedObjectPayload {
  label: string;
  class_id: number;
  score: number;
  box: [number, number, number, number];
  box_norm: [number, number, number, number];
}

/**
 * `<base>/<camera>/detections`: one message per processed frame with objects
 * (and one with `objects: []` when the scene clears).
 */
export interface DetectionsPayload {
  camera: string;
  frame_seq: number;
  captured_at: string;
  inferred_at: string;
  /** Capture to publish. */
  latency_ms: number;
  inference_ms: number;
  model: string;
  source_width: number;
  source_height: number;
  objects: DetectedObjectPayload[];
  timestamp: string;
}

export type TrackEventType = 'new' | 'update' | 'end' | 'enter' | 'leave';

/**
 * `<base>/<camera>/events`, not retained: one tracked object's life.
 * - `new`: the object was confirmed (seen in tracker.min_hits frames in a row);
 * - `update`: it moved or its top score rose, at most once per
 *   tracker.update_interval_s per object;
 * - `end`: it has not been seen for tracker.max_age_s (or the camera stopped).
 * `id` is stable for the object's life and unique across restarts
 * (`<first_seen epoch ms>-<n>`). `score`, `box` and `box_norm` are from the
 * latest frame the object was seen in; `top_score` is the best score so far.
 * - `enter` / `leave` (cameras with zones): the object entered or left the
 *   zone named in `zone`; `zones` is where it is after the change.
 */
export interface EventPayload {
  camera: string;
  type: TrackEventType;
  id: string;
  label: string;
  score: number;
  top_score: number;
  box: [number, number, number, number];
  box_norm: [number, number, number, number];
  /** The object has stayed in place for tracker.stationary_s (a parked car, a bag). */
  stationary: boolean;
  /** Zones the object is in now (empty without zones). */
  zones: string[];
  /** Zones it has been in during its life, in the order entered. */
  entered_zones: string[];
  /** The zone entered or left: only on 'enter' and 'leave'. */
  zone?: string;
  first_seen: string;
  last_seen: string;
  timestamp: string;
}

/**
 * `<base>/<camera>/<label>`, retained: how many confirmed objects of a label
 * are in view. Published only when the number changes; 0 when the last one ends.
 */
export interface ObjectCountPayload {
  camera: string;
  label: string;
  count: number;
  timestamp: string;
}

/** `<base>/<camera>/<zone>/<label>`, retained: how many reported objects of a label are in the zone. Published when it changes. */
export interface ZoneCountPayload {
  camera: string;
  zone: string;
  label: string;
  count: number;
  timestamp: string;
}

/** `<base>/<camera>/<label>/snapshot`, retained: JPEG bytes, no JSON, no metadata (Home Assistant's MQTT camera reads it as is). */
export type SnapshotPayload = Buffer;

/**
 * `<prefix>/<component>/<node_id>/<object_id>/config`, retained: one Home
 * Assistant entity, in the field names of Home Assistant's MQTT integration
 * (https://www.home-assistant.io/integrations/mqtt/). Built in src/discovery/.
 */
export type DiscoveryConfigPayload = Record<string, unknown> & {
  unique_id: string;
  device: Record<string, unknown>;
  availability: Array<{ topic: string; payload_available: string; payload_not_available: string }>;
};
