/**
 * Turns one camera's tracker output into MQTT messages:
 * - `<base>/<camera>/events` (not retained): every 'new' and 'end', and
 *   'update' at most once per tracker.update_interval_s per object, and only
 *   when the object moved (IoU with the last published box below
 *   UPDATE_MOVE_IOU), its top score rose by UPDATE_MIN_SCORE_RISE or more,
 *   or it became (or stopped being) stationary.
 *   A suppressed change is not lost: the next frame after the interval still
 *   differs from what was published and goes out, and 'end' carries the
 *   latest box and scores anyway. The interval is measured in capture time,
 *   like the tracker, so it does not depend on inference latency.
 * - `<base>/<camera>/<label>` (retained): the tracker's count of objects of
 *   that label in view (seen now or coasting through a short miss), published only when it changes, and 0 when the last
 *   one ends, so a subscriber (or a Home Assistant sensor) reads state rather
 *   than a firehose.
 * - With zones (src/zones): every event carries `zones` and `entered_zones`;
 *   'enter' and 'leave' events (field `zone`) say when an object's membership
 *   changes, each right after the object's 'new' or 'update' of that frame,
 *   and an object that ends leaves its zones just before its 'end'. Retained
 *   `<base>/<camera>/<zone>/<label>` counts follow like the camera's. With
 *   required zones, an object is announced ('new') when it first enters one,
 *   sends no 'update' while outside all of them and counts only inside one.
 */
import type { Clock } from '../clock.js';
import type { EventPayload, ObjectCountPayload, TrackEventType, ZoneCountPayload } from '../mqtt/payloads.js';
import type { PublishOptions } from '../mqtt/publisher.js';
import type { Topic, Topics } from '../mqtt/topics.js';
import type { Box } from '../detector/detections.js';
import { iou, type Track, type TrackerOutput } from './tracker.js';
import type { TrackerConfig } from './schema.js';
import type { ZoneChange, ZoneTracker } from '../zones/zone-tracker.js';

/** An update is worth sending when the box overlaps the last published one less than this. */
export const UPDATE_MOVE_IOU = 0.9;
/** ... or when top_score rose by at least this since the last published message. */
export const UPDATE_MIN_SCORE_RISE = 0.01;

/** What TrackEventPublisher needs of the MQTT publisher (MqttPublisher fits). */
export interface TrackEventSink {
  readonly topics: Pick<Topics, 'events' | 'objectCount' | 'zoneCount'>;
  publish<P>(topic: Topic<P>, payload: P, options?: PublishOptions): void;
}

export interface TrackEventPublisherOptions {
  camera: string;
  sink: TrackEventSink;
  /** Only for the payloads' `timestamp` (publish time). */
  clock: Clock;
  config: Pick<TrackerConfig, 'update_interval_s'>;
  /** The camera's zones, when it has any (or required zones). */
  zones?: ZoneTracker;
}

export interface TrackEventStats {
  new: number;
  update: number;
  /** Updates from the tracker that were not published (too soon, or nothing changed). */
  update_suppressed: number;
  end: number;
}

interface Published {
  /** Capture time of the track state last published. */
  lastSeen: number;
  box: Box;
  topScore: number;
  stationary: boolean;
}

export class TrackEventPublisher {
  readonly #camera: string;
  readonly #sink: TrackEventSink;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #published = new Map<string, Published>();
  /** Last count published per label, zeros included, for change detection and republishing. */
  readonly #counts = new Map<string, number>();
  readonly #stats: TrackEventStats = { new: 0, update: 0, update_suppressed: 0, end: 0 };
  readonly #zones: ZoneTracker | null;
  /** Last count published per zone and label. */
  readonly #zoneCounts = new Map<string, Map<string, number>>();

  constructor(options: TrackEventPublisherOptions) {
    this.#camera = options.camera;
    this.#sink = options.sink;
    this.#clock = options.clock;
    this.#intervalMs = options.config.update_interval_s * 1000;
    this.#zones = options.zones ?? null;
    for (const zone of this.#zones?.zones ?? []) this.#zoneCounts.set(zone.name, new Map());
  }

  get stats(): TrackEventStats {
    return { ...this.#stats };
  }

  /** Publishes what one Tracker.update or Tracker.endAll returned: events first, then changed counts. */
  handle(output: TrackerOutput): void {
    const now = this.#clock.now();
    const zones = this.#zones;
    const changes = zones ? zones.update(output) : [];
    for (const { type, track } of output.events) {
      if (type === 'end') {
        const announced = !zones || zones.announced(track.id);
        const before = zones?.view(track.id);
        const leaves = zones ? zones.end(track) : [];
        if (!announced) continue;
        const inside = [...(before?.zones ?? [])];
        const entered = before?.entered_zones ?? [];
        for (const change of leaves) {
          inside.splice(inside.indexOf(change.zone), 1);
          this.#publishChange(change, now, { zones: [...inside], entered_zones: entered });
        }
        this.#published.delete(track.id);
        this.#stats.end++;
        this.#publish('end', track, now, before && { zones: [], entered_zones: entered });
        continue;
      }
      const mine = changes.filter((c) => c.track.id === track.id);
      if (zones && !zones.announced(track.id)) continue; // outside every required zone so far: tracked, not told
      if (type === 'new' || (zones && !this.#published.has(track.id))) {
        this.#remember(track);
        this.#stats.new++;
        this.#publish('new', track, now);
      } else if (zones && !zones.reported(track.id) && mine.length === 0) {
        this.#stats.update_suppressed++;
      } else if ((mine.length > 0 && zones?.reported(track.id)) || this.#updateDue(track)) {
        this.#remember(track);
        this.#stats.update++;
        this.#publish('update', track, now);
      } else {
        this.#stats.update_suppressed++;
      }
      for (const change of mine) this.#publishChange(change, now);
    }
    if (zones) {
      const counts = zones.counts(output.counted);
      this.#publishCounts(counts.camera, now);
      for (const [zone, byLabel] of Object.entries(counts.zones)) this.#publishZoneCounts(zone, byLabel, now);
    } else {
      this.#publishCounts(output.counts, now);
    }
  }

  /** The camera's counts: every label published so far, changed ones only. */
  #publishCounts(counts: Record<string, number>, now: number): void {
    const labels = new Set([...this.#counts.keys(), ...Object.keys(counts)]);
    for (const label of [...labels].sort()) {
      const count = counts[label] ?? 0;
      if (this.#counts.get(label) === count) continue;
      this.#counts.set(label, count);
      this.#publishCount(label, count, now);
    }
  }

  #publishZoneCounts(zone: string, counts: Record<string, number>, now: number): void {
    const published = this.#zoneCounts.get(zone)!;
    for (const label of [...new Set([...published.keys(), ...Object.keys(counts)])].sort()) {
      const count = counts[label] ?? 0;
      if (published.get(label) === count) continue;
      published.set(label, count);
      this.#publishZoneCount(zone, label, count, now);
    }
  }

  #remember(track: Track): void {
    this.#published.set(track.id, { lastSeen: track.last_seen, box: track.box, topScore: track.top_score, stationary: track.stationary });
  }

  #publish(type: TrackEventType, track: Track, now: number, view = this.#zones?.view(track.id)): void {
    this.#sink.publish(this.#sink.topics.events(this.#camera), eventPayload(this.#camera, type, track, now, view));
  }

  /** An 'enter' or 'leave' event; `view` is the object's zones after the change (given for an object that ended). */
  #publishChange(change: ZoneChange, now: number, view = this.#zones!.view(change.track.id)): void {
    this.#sink.publish(this.#sink.topics.events(this.#camera), { ...eventPayload(this.#camera, change.type, change.track, now, view), zone: change.zone });
  }

  /**
   * Publishes every count published so far again (zeros included), retained:
   * for a broker that lost its retained messages (restart without persistence).
   */
  republishCounts(): void {
    const now = this.#clock.now();
    for (const label of [...this.#counts.keys()].sort()) this.#publishCount(label, this.#counts.get(label)!, now);
    for (const [zone, byLabel] of this.#zoneCounts) {
      for (const label of [...byLabel.keys()].sort()) this.#publishZoneCount(zone, label, byLabel.get(label)!, now);
    }
  }

  /** Every retained count this publisher has published (camera's and zones'), for clearing a removed camera. */
  publishedCounts(): { camera: string[]; zones: Array<[string, string]> } {
    return {
      camera: [...this.#counts.keys()].sort(),
      zones: [...this.#zoneCounts].flatMap(([zone, byLabel]) => [...byLabel.keys()].sort().map((label): [string, string] => [zone, label])),
    };
  }

  #publishZoneCount(zone: string, label: string, count: number, now: number): void {
    const payload: ZoneCountPayload = { camera: this.#camera, zone, label, count, timestamp: new Date(now).toISOString() };
    this.#sink.publish(this.#sink.topics.zoneCount(this.#camera, zone, label), payload, { retain: true });
  }

  #updateDue(track: Track): boolean {
    const last = this.#published.get(track.id);
    if (!last) return true; // not announced by this publisher (should not happen): say it now
    if (track.last_seen - last.lastSeen < this.#intervalMs) return false;
    return iou(track.box, last.box) < UPDATE_MOVE_IOU || track.top_score - last.topScore >= UPDATE_MIN_SCORE_RISE || track.stationary !== last.stationary;
  }

  #publishCount(label: string, count: number, now: number): void {
    const payload: ObjectCountPayload = { camera: this.#camera, label, count, timestamp: new Date(now).toISOString() };
    this.#sink.publish(this.#sink.topics.objectCount(this.#camera, label), payload, { retain: true });
  }
}

/** The `events` payload for one track; numbers rounded like the detections payload. */
export function eventPayload(camera: string, type: TrackEventType, track: Track, now: number, zones: { zones: string[]; entered_zones: string[] } = { zones: [], entered_zones: [] }): EventPayload {
  return {
    camera,
    type,
    id: track.id,
    label: track.label,
    score: round(track.score, 4),
    top_score: round(track.top_score, 4),
    box: track.box.map((v) => round(v, 1)) as Box,
    box_norm: track.box_norm.map((v) => round(v, 4)) as Box,
    stationary: track.stationary,
    zones: zones.zones,
    entered_zones: zones.entered_zones,
    first_seen: new Date(track.first_seen).toISOString(),
    last_seen: new Date(track.last_seen).toISOString(),
    timestamp: new Date(now).toISOString(),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
