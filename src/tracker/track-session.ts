/**
 * The daemon's detection and tracking path, driven frame by frame instead of
 * by a live camera: the same DetectionStage (model, NMS settings, the
 * camera's detect filters with the model's min_score) and the same
 * CameraOutput (tracker, event rate limits, counts) as the daemon, with the
 * MQTT publisher replaced by a recorder. `lookout track` and
 * `npm run eval:track` run on it, so what they measure is what the daemon
 * would publish for the same frames at the same capture times.
 */
import { systemClock, type Clock, type Timer } from '../clock.js';
import { DetectionStage, type DetectionStageOptions } from '../detector/detection-stage.js';
import type { ConfiguredFilter } from '../detector/filters.js';
import type { Frame } from '../ingest/frame.js';
import { computeLetterbox, type Letterbox } from '../ingest/letterbox.js';
import type { Logger } from '../logger.js';
import { CameraOutput } from '../mqtt/camera-output.js';
import type { EventPayload } from '../mqtt/payloads.js';
import { createTopics, type Topic } from '../mqtt/topics.js';
import type { Track } from './tracker.js';
import type { TrackerConfig } from './schema.js';
import type { Zone } from '../zones/schema.js';

/** The detector settings are the daemon's detection stage's. */
export interface TrackSessionOptions extends Pick<DetectionStageOptions, 'runtime' | 'modelDir' | 'threads' | 'iou' | 'maxDet' | 'agnostic' | 'logger'> {
  camera: string;
  /** The camera file, for messages. */
  file: string;
  filter: ConfiguredFilter;
  tracker: TrackerConfig;
  /** The camera's zones and required_zones, as in the daemon (none by default). */
  zones?: readonly Zone[];
  requiredZones?: readonly string[];
}

export interface TrackedFrame {
  /** Counts after this frame, as the retained topics would read (labels published so far, zeros included). */
  counts: Record<string, number>;
  /** The event payloads published for this frame, in order. */
  events: EventPayload[];
  /** Confirmed objects detected in this frame. */
  matched: Track[];
}

/** A clock that reads the capture time of the frame being processed. */
class FrameClock implements Clock {
  at = 0;
  now(): number {
    return this.at;
  }
  setTimeout(fn: () => void, ms: number): Timer {
    return systemClock.setTimeout(fn, ms);
  }
  clearTimeout(timer: Timer): void {
    systemClock.clearTimeout(timer);
  }
}

export class TrackSession {
  readonly #o: TrackSessionOptions;
  readonly #clock = new FrameClock();
  readonly #stage: DetectionStage;
  readonly #output: CameraOutput;
  readonly #topics = createTopics('lookout');
  #events: EventPayload[] = [];
  readonly #counts = new Map<string, number>();
  #pending: { resolve(value: TrackedFrame): void; reject(error: Error): void } | null = null;
  #seq = 0;
  #letterbox: Letterbox | null = null;

  constructor(options: TrackSessionOptions) {
    this.#o = options;
    const eventsTopic = this.#topics.events(options.camera);
    const sink = {
      topics: this.#topics,
      publish: <P>(topic: Topic<P>, payload: P) => {
        if (topic === eventsTopic) this.#events.push(payload as EventPayload);
        else if (isCount(payload) && topic === this.#topics.objectCount(options.camera, payload.label)) this.#counts.set(payload.label, payload.count);
      },
    };
    this.#output = new CameraOutput({
      camera: options.camera,
      sink,
      clock: this.#clock,
      tracker: options.tracker,
      zones: options.zones,
      requiredZones: options.requiredZones,
      publishDetections: false,
      sourceSize: () => null,
    });
    this.#stage = new DetectionStage({
      runtime: options.runtime,
      modelDir: options.modelDir,
      threads: options.threads,
      iou: options.iou,
      maxDet: options.maxDet,
      agnostic: options.agnostic,
      filters: new Map([[options.camera, { ...options.filter, file: options.file }]]),
      onResult: (result) => {
        const out = this.#output.handle(result);
        const pending = this.#pending;
        this.#pending = null;
        pending?.resolve({ counts: Object.fromEntries([...this.#counts].sort(([a], [b]) => (a < b ? -1 : 1))), events: this.#take(), matched: out.matched });
      },
      logger: watchErrors(options.logger, (args) => this.#failed(args)),
      clock: this.#clock,
    });
  }

  /** Loads the model (rejects like the daemon does for a bad model or unknown labels). */
  async start(): Promise<void> {
    await this.#stage.start();
  }

  /** The model's input size, once started. */
  get inputSize(): { width: number; height: number } {
    const size = this.#stage.inputSize;
    if (!size) throw new Error('TrackSession.start() first');
    return size;
  }

  /** The letterbox the detector wants for a source of this size. */
  letterbox(srcWidth: number, srcHeight: number): Letterbox {
    const { width, height } = this.inputSize;
    if (!this.#letterbox || this.#letterbox.srcWidth !== srcWidth || this.#letterbox.srcHeight !== srcHeight) {
      this.#letterbox = computeLetterbox(srcWidth, srcHeight, width, height);
    }
    return this.#letterbox;
  }

  /**
   * One frame, letterboxed as `letterbox(...)` says, captured at `capturedAt`
   * (ms): detection, filters, tracker and publishing, as in the daemon.
   */
  async frame(data: Buffer, letterbox: Letterbox, capturedAt: number): Promise<TrackedFrame> {
    if (this.#pending) throw new Error('one frame at a time');
    const { width, height } = this.inputSize;
    const frame: Frame = { camera: this.#o.camera, seq: ++this.#seq, capturedAt, width, height, data, letterbox };
    this.#clock.at = capturedAt;
    const result = new Promise<TrackedFrame>((resolve, reject) => { this.#pending = { resolve, reject }; });
    this.#stage.push(this.#o.camera, frame);
    return result;
  }

  /** Ends every object (end of the input), as the daemon does when a camera stops. */
  end(at: number): EventPayload[] {
    this.#clock.at = at;
    this.#output.endAll();
    return this.#take();
  }

  async stop(): Promise<void> {
    await this.#stage.stop();
  }

  #take(): EventPayload[] {
    const events = this.#events;
    this.#events = [];
    return events;
  }

  /** The stage reports a failed inference only to its log: that fails the frame being waited for. */
  #failed(args: unknown[]): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = null;
    const first = args[0] as { err?: { message?: string } } | undefined;
    pending.reject(new Error(`${this.#o.camera}: inference failed at ${this.#clock.at} ms: ${first?.err?.message ?? String(args.at(-1))}`));
  }
}

/** The logger with every error (of it and its children) also reported to `onError`. */
function watchErrors(log: Logger, onError: (args: unknown[]) => void): Logger {
  return new Proxy(log, {
    get(target, prop, receiver) {
      if (prop === 'child') return (...args: Parameters<Logger['child']>) => watchErrors(target.child(...args) as unknown as Logger, onError);
      if (prop === 'error') {
        return (...args: unknown[]) => {
          (target.error as (...a: unknown[]) => void)(...args);
          onError(args);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

function isCount(payload: unknown): payload is { label: string; count: number } {
  return typeof payload === 'object' && payload !== null && 'count' in payload && 'label' in payload;
}
