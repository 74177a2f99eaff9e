/**
 * One camera's pictures: pairs ffmpeg's JPEGs with inference results by frame
 * seq, keeps the latest inferred picture (for /cameras/<name>/latest.jpg and
 * the live page), and, with snapshot.mqtt, publishes the best picture of each
 * object retained on `<base>/<camera>/<label>/snapshot`.
 *
 * Bounded: at most RECENT pictures waiting for their result, one latest
 * picture, and one best picture per object in view (often the same Buffer).
 * Pictures are kept only while they are wanted: snapshot.mqtt is on, or
 * someone asked for the latest picture within the last WANTED_MS. Otherwise
 * every picture is dropped on arrival and nothing is held.
 */
import type { Clock } from '../clock.js';
import type { DetectionResult } from '../detector/detection-stage.js';
import type { Box } from '../detector/detections.js';
import type { Picture } from '../ingest/camera-source-types.js';
import type { Logger } from '../logger.js';
import type { PublishOptions } from '../mqtt/publisher.js';
import type { Topic, Topics } from '../mqtt/topics.js';
import type { TrackerOutput } from '../tracker/tracker.js';
import { cropAround, renderJpeg, type DrawnObject, type RenderOptions } from './draw.js';
import type { DrawnShape } from '../geometry/overlay.js';

/** Pictures waiting for their inference result. */
export const RECENT = 8;
/** How long a request for the latest picture keeps pictures coming. */
export const WANTED_MS = 60_000;

export interface SnapshotSettings {
  mqtt: boolean;
  crop: boolean;
  score_rise: number;
  /** The camera's zones and masks, drawn on latest.jpg with boxes (and on uncropped MQTT snapshots). */
  geometry?: readonly DrawnShape[];
}

export interface SnapshotSink {
  readonly topics: Pick<Topics, 'snapshot'>;
  publish<P>(topic: Topic<P>, payload: P, options?: PublishOptions): void;
}

export interface CameraPicturesOptions {
  camera: string;
  settings: SnapshotSettings;
  sink: SnapshotSink;
  clock: Clock;
  logger: Logger;
  /** Renders a picture (default renderJpeg; the daemon passes one queue shared by all cameras). */
  render?: (jpeg: Buffer, options: RenderOptions) => Promise<Buffer>;
}

interface Latest {
  seq: number;
  jpeg: Buffer;
  objects: DrawnObject[];
  space: { width: number; height: number };
  capturedAt: number;
}

interface Best {
  label: string;
  class_id: number;
  score: number;
  box: Box;
  jpeg: Buffer;
  space: { width: number; height: number };
  /** Score of the last published snapshot; null before the object is confirmed. */
  published: number | null;
  rendering: boolean;
}

export interface CameraPicturesStats {
  /** Pictures ffmpeg delivered. */
  pictures: number;
  /** ... dropped on arrival because nobody wanted them. */
  dropped_unwanted: number;
  /** Snapshots published on MQTT. */
  published: number;
  /** Bytes held now (pictures waiting, latest, best per object; shared buffers once). */
  bytes_held: number;
}

export class CameraPictures {
  readonly #o: CameraPicturesOptions;
  readonly #log: Logger;
  readonly #recent = new Map<number, Buffer>();
  /** A result that came before its picture (the two pipes are not in step). */
  #waiting: { result: DetectionResult; output: TrackerOutput } | null = null;
  #latest: Latest | null = null;
  #rendered: { seq: number; jpeg: Promise<Buffer> } | null = null;
  readonly #best = new Map<string, Best>();
  #askedAt = Number.NEGATIVE_INFINITY;
  /** Labels with a retained snapshot published by this run. */
  readonly #publishedLabels = new Set<string>();
  #stats = { pictures: 0, dropped_unwanted: 0, published: 0 };

  readonly #render: (jpeg: Buffer, options: RenderOptions) => Promise<Buffer>;

  constructor(options: CameraPicturesOptions) {
    this.#o = options;
    this.#render = options.render ?? renderJpeg;
    this.#log = options.logger.child({ camera: options.camera, component: 'snapshot' });
  }

  /** Whether pictures are kept now. */
  get wanted(): boolean {
    return this.#o.settings.mqtt || this.#o.clock.now() - this.#askedAt < WANTED_MS;
  }

  get stats(): CameraPicturesStats {
    const buffers = new Set<Buffer>([...this.#recent.values(), ...[...this.#best.values()].map((b) => b.jpeg)]);
    if (this.#latest) buffers.add(this.#latest.jpeg);
    let bytes = 0;
    for (const b of buffers) bytes += b.length;
    return { ...this.#stats, bytes_held: bytes };
  }

  /** A JPEG from ffmpeg for frame `seq`. */
  picture(picture: Picture): void {
    this.#stats.pictures++;
    if (!this.wanted) {
      this.#stats.dropped_unwanted++;
      this.#forget();
      return;
    }
    const waiting = this.#waiting;
    if (waiting && waiting.result.frame.seq === picture.seq) {
      this.#waiting = null;
      this.#use(picture.jpeg, waiting.result, waiting.output);
      return;
    }
    this.#recent.set(picture.seq, picture.jpeg);
    if (this.#recent.size > RECENT) this.#recent.delete(this.#recent.keys().next().value!);
  }

  /** An inference result and what the tracker made of it. */
  result(result: DetectionResult, output: TrackerOutput): void {
    if (!this.wanted) return;
    const seq = result.frame.seq;
    const jpeg = this.#recent.get(seq);
    for (const key of this.#recent.keys()) if (key <= seq) this.#recent.delete(key);
    if (jpeg) this.#use(jpeg, result, output);
    else this.#waiting = { result, output };
    // Events that need no picture (an end) are handled either way.
    for (const { type, track } of output.events) if (type === 'end') this.#best.delete(track.id);
  }

  /**
   * The latest inferred picture as JPEG, with the detections drawn (boxes) or
   * as ffmpeg encoded it; null when there is none yet. Asking keeps pictures
   * coming for WANTED_MS.
   */
  async latest(boxes: boolean): Promise<{ jpeg: Buffer; capturedAt: number } | null> {
    this.#askedAt = this.#o.clock.now();
    const latest = this.#latest;
    if (!latest) return null;
    const geometry = this.#o.settings.geometry ?? [];
    if (!boxes || (latest.objects.length === 0 && geometry.length === 0)) return { jpeg: latest.jpeg, capturedAt: latest.capturedAt };
    // Viewers of one camera share one rendering per picture.
    if (this.#rendered?.seq !== latest.seq) this.#rendered = { seq: latest.seq, jpeg: this.#render(latest.jpeg, { objects: latest.objects, space: latest.space, geometry }) };
    return { jpeg: await this.#rendered.jpeg, capturedAt: latest.capturedAt };
  }

  #use(jpeg: Buffer, result: DetectionResult, output: TrackerOutput): void {
    const space = { width: result.frame.letterbox.srcWidth, height: result.frame.letterbox.srcHeight };
    this.#latest = { seq: result.frame.seq, jpeg, objects: result.objects, space, capturedAt: result.frame.capturedAt };
    if (!this.#o.settings.mqtt) return;
    for (const track of output.matched) {
      const best = this.#best.get(track.id);
      if (best && track.score <= best.score) continue;
      this.#best.set(track.id, {
        label: track.label, class_id: track.class_id, score: track.score, box: track.box, jpeg, space,
        published: best?.published ?? null, rendering: best?.rendering ?? false,
      });
    }
    for (const { type, track } of output.events) {
      if (type === 'new') this.#publish(track.id);
    }
    for (const [id, best] of this.#best) {
      if (best.published !== null && best.score - best.published >= this.#o.settings.score_rise) this.#publish(id);
    }
  }

  /** Renders and publishes the object's best picture; one rendering per object at a time, the newest best wins. */
  #publish(id: string): void {
    const best = this.#best.get(id);
    if (!best || best.rendering) return;
    best.rendering = true;
    best.published = best.score;
    const { settings, sink, camera } = this.#o;
    const object: DrawnObject = { label: best.label, class_id: best.class_id, score: best.score, box: best.box };
    this.#render(best.jpeg, { objects: [object], space: best.space, crop: settings.crop ? cropAround(best.box, best.space) : null, geometry: settings.geometry })
      .then((jpeg) => {
        sink.publish(sink.topics.snapshot(camera, best.label), jpeg, { retain: true });
        this.#publishedLabels.add(best.label);
        this.#stats.published++;
      })
      .catch((error: Error) => this.#log.warn({ err: { message: error.message } }, 'snapshot rendering failed'))
      .finally(() => {
        const now = this.#best.get(id);
        if (!now) return;
        now.rendering = false;
        // A better picture came while this one was rendered.
        if (now.published !== null && now.score - now.published >= settings.score_rise) this.#publish(id);
      });
  }

  /**
   * The camera is gone: clears its retained snapshots (an empty retained
   * message each, the MQTT way to delete one) and holds nothing more.
   */
  clear(): void {
    const { sink, camera } = this.#o;
    for (const label of this.#publishedLabels) sink.publish(sink.topics.snapshot(camera, label), Buffer.alloc(0), { retain: true });
    this.#publishedLabels.clear();
    this.#forget();
  }

  /** Nobody wants pictures: hold none. */
  #forget(): void {
    this.#recent.clear();
    this.#waiting = null;
    this.#latest = null;
    this.#rendered = null;
    this.#best.clear();
  }
}
