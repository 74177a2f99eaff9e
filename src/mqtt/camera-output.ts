/**
 * Everything one camera publishes from its detection results: tracker events
 * and retained per-label counts always, per-frame detections when the camera's
 * mqtt.detections switch is on. It sees every inferred frame, empty ones
 * included, because misses are what end tracked objects.
 */
import type { Clock } from '../clock.js';
import type { DetectionResult } from '../detector/detection-stage.js';
import { Tracker, type TrackerOutput } from '../tracker/tracker.js';
import { TrackEventPublisher, type TrackEventSink } from '../tracker/events.js';
import type { TrackerConfig } from '../tracker/schema.js';
import { ZoneTracker } from '../zones/zone-tracker.js';
import type { Zone } from '../zones/schema.js';
import type { DetectionsPayload } from './payloads.js';
import type { PublishOptions } from './publisher.js';
import type { Topic, Topics } from './topics.js';

/** What a camera's output needs of the MQTT publisher (MqttPublisher fits). */
export interface CameraOutputSink extends TrackEventSink {
  readonly topics: Pick<Topics, 'events' | 'objectCount' | 'zoneCount' | 'detections'>;
  publish<P>(topic: Topic<P>, payload: P, options?: PublishOptions): void;
}

export interface CameraOutputOptions {
  camera: string;
  sink: CameraOutputSink;
  clock: Clock;
  tracker: TrackerConfig;
  publishDetections: boolean;
  /** The camera's zones and required_zones (none by default). */
  zones?: readonly Zone[];
  requiredZones?: readonly string[];
  /** Source size, for the detections payload. */
  sourceSize(): { width: number; height: number } | null;
}

export class CameraOutput {
  readonly #o: CameraOutputOptions;
  readonly #tracker: Tracker;
  readonly #events: TrackEventPublisher;
  #lastHadObjects = false;

  constructor(options: CameraOutputOptions) {
    this.#o = options;
    this.#tracker = new Tracker(options.tracker);
    const zones = options.zones ?? [];
    const required = options.requiredZones ?? [];
    this.#events = new TrackEventPublisher({
      camera: options.camera,
      sink: options.sink,
      clock: options.clock,
      config: options.tracker,
      zones: zones.length > 0 || required.length > 0 ? new ZoneTracker(zones, required) : undefined,
    });
  }

  /** Objects counted in view now, by label (seen now or coasting through a short miss). */
  get counts(): Record<string, number> {
    return this.#tracker.counts;
  }

  get eventStats() {
    return this.#events.stats;
  }

  /** Tracks one inferred frame and publishes what follows from it; returns the tracker's view of the frame. */
  handle(result: DetectionResult): TrackerOutput {
    const output = this.#tracker.update(result.frame.capturedAt, result.objects);
    this.#events.handle(output);
    if (this.#o.publishDetections) this.#publishDetections(result);
    return output;
  }

  #publishDetections(result: DetectionResult): void {
    // Frames with objects, plus one empty list when the scene clears.
    if (result.objects.length === 0 && !this.#lastHadObjects) return;
    this.#lastHadObjects = result.objects.length > 0;
    const { sink } = this.#o;
    sink.publish(sink.topics.detections(this.#o.camera), detectionsPayload(result, this.#o.sourceSize(), this.#o.clock.now()));
  }

  /** The camera stopped or lost its stream: every object it saw has ended. */
  endAll(): void {
    this.#events.handle(this.#tracker.endAll(this.#o.clock.now()));
    this.#lastHadObjects = false;
  }

  /** Every retained count topic published so far (camera labels, zone labels), for clearing them when the camera is removed. */
  publishedCounts(): { camera: string[]; zones: Array<[string, string]> } {
    return this.#events.publishedCounts();
  }

  /** After a (re)connect: the broker may have lost the retained counts. */
  republish(): void {
    this.#events.republishCounts();
  }
}

/** `_source` (the camera's current size) is not used for the sizes: the frame's own letterbox is what its boxes are in. */
export function detectionsPayload(result: DetectionResult, _source: { width: number; height: number } | null, now: number): DetectionsPayload {
  const { frame } = result;
  return {
    camera: result.camera,
    frame_seq: frame.seq,
    captured_at: new Date(frame.capturedAt).toISOString(),
    inferred_at: new Date(result.inferredAt).toISOString(),
    latency_ms: Math.max(0, now - frame.capturedAt),
    inference_ms: round(result.inferenceMs, 1),
    model: result.model,
    // The size the boxes were mapped to, from the frame itself: a frame still in the detector
    // when the camera changed its picture size keeps the size it was cut at.
    source_width: frame.letterbox.srcWidth,
    source_height: frame.letterbox.srcHeight,
    objects: result.objects.map((d) => ({
      label: d.label,
      class_id: d.class_id,
      score: round(d.score, 4),
      box: d.box.map((v) => round(v, 1)) as [number, number, number, number],
      box_norm: d.box_norm.map((v) => round(v, 4)) as [number, number, number, number],
    })),
    timestamp: new Date(now).toISOString(),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
