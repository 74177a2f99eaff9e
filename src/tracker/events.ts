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
 */
import type { Clock } from '../clock.js';
import type { EventPayload, ObjectCountPayload, TrackEventType } from '../mqtt/payloads.js';
import type { PublishOptions } from '../mqtt/publisher.js';
import type { Topic, Topics } from '../mqtt/topics.js';
import type { Box } from '../detector/detections.js';
import { iou, type Track, type TrackerOutput } from './tracker.js';
import type { TrackerConfig } from './schema.js';

/** An update is worth sending when the box overlaps the last published one less than this. */
export const UPDATE_MOVE_IOU = 0.9;
/** ... or when top_score rose by at least this since the last published message. */
export const UPDATE_MIN_SCORE_RISE = 0.01;

/** What TrackEventPublisher needs of the MQTT publisher (MqttPublisher fits). */
export interface TrackEventSink {
  readonly topics: Pick<Topics, 'events' | 'objectCount'>;
  publish<P>(topic: Topic<P>, payload: P, options?: PublishOptions): void;
}

export interface TrackEventPublisherOptions {
  camera: string;
  sink: TrackEventSink;
  /** Only for the payloads' `timestamp` (publish time). */
  clock: Clock;
  config: Pick<TrackerConfig, 'update_interval_s'>;
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

  constructor(options: TrackEventPublisherOptions) {
    this.#camera = options.camera;
    this.#sink = options.sink;
    this.#clock = options.clock;
    this.#intervalMs = options.config.update_interval_s * 1000;
  }

  get stats(): TrackEventStats {
    return { ...this.#stats };
  }

  /** Publishes what one Tracker.update or Tracker.endAll returned: events first, then changed counts. */
  handle(output: TrackerOutput): void {
    const now = this.#clock.now();
    for (const { type, track } of output.events) {
      if (type === 'update' && !this.#updateDue(track)) {
        this.#stats.update_suppressed++;
        continue;
      }
      if (type === 'end') this.#published.delete(track.id);
      else this.#published.set(track.id, { lastSeen: track.last_seen, box: track.box, topScore: track.top_score, stationary: track.stationary });
      this.#stats[type]++;
      this.#sink.publish(this.#sink.topics.events(this.#camera), eventPayload(this.#camera, type, track, now));
    }
    const labels = new Set([...this.#counts.keys(), ...Object.keys(output.counts)]);
    for (const label of [...labels].sort()) {
      const count = output.counts[label] ?? 0;
      if (this.#counts.get(label) === count) continue;
      this.#counts.set(label, count);
      this.#publishCount(label, count, now);
    }
  }

  /**
   * Publishes every count published so far again (zeros included), retained:
   * for a broker that lost its retained messages (restart without persistence).
   */
  republishCounts(): void {
    const now = this.#clock.now();
    for (const label of [...this.#counts.keys()].sort()) this.#publishCount(label, this.#counts.get(label)!, now);
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
export function eventPayload(camera: string, type: TrackEventType, track: Track, now: number): EventPayload {
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
    first_seen: new Date(track.first_seen).toISOString(),
    last_seen: new Date(track.last_seen).toISOString(),
    timestamp: new Date(now).toISOString(),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
