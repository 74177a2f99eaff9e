/**
 * The detector stage of the daemon: every camera's admitted frames go through
 * one inference queue (one frame waits at most; cameras take turns), the model runs, and the
 * detections, filtered per camera, go to `onResult` for every inferred frame,
 * empty ones included (the tracker needs misses to end objects).
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Frame } from '../ingest/index.js';
import type { Detection } from './detections.js';
import { applyFilter, defaultDetectFilter, resolveFilter, unknownFilterLabels, type ConfiguredFilter, type DetectFilter } from './filters.js';
import { FrameDetector } from './frame-detector.js';
import { modelMinScore } from './model-dir.js';
import { InferenceQueue, type InferenceJob } from './inference-queue.js';
import type { LoadedModel, RuntimePlugin } from './model.js';
import { RecentStats } from './recent-stats.js';
import { ConfigError } from '../errors.js';

export interface DetectionResult {
  camera: string;
  frame: Frame;
  /** Filtered detections; may be empty. */
  objects: Detection[];
  inferenceMs: number;
  inferredAt: number;
  model: string;
}

export interface DetectionStageOptions {
  runtime: RuntimePlugin;
  modelDir: string;
  threads: number;
  iou: number;
  maxDet: number;
  agnostic: boolean;
  /** Per camera filters, by camera name, with the camera file for messages. */
  filters: ReadonlyMap<string, ConfiguredFilter & { file: string }>;
  onResult(result: DetectionResult): void;
  logger: Logger;
  clock: Clock;
}

export interface CameraDetectionStats {
  inferences: number;
  inference_ms_mean: number | null;
  inference_ms_p95: number | null;
  detections: number;
  skipped_busy: number;
}

interface PerCamera {
  inferenceMs: RecentStats;
  inferences: number;
  detections: number;
}

export class DetectionStage {
  readonly #options: DetectionStageOptions;
  readonly #log: Logger;
  readonly #cameras = new Map<string, PerCamera>();
  #model: LoadedModel | null = null;
  #detector: FrameDetector | null = null;
  #queue: InferenceQueue<Frame, FrameDetector> | null = null;
  #modelName = '';
  /** The cameras' filters with `min_score: 'model'` resolved against the loaded model. */
  #filters = new Map<string, DetectFilter>();

  constructor(options: DetectionStageOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'detector' });
  }

  /** The loaded model's input size: cameras without an explicit detect size use it. */
  get inputSize(): { width: number; height: number } | null {
    return this.#model ? { width: this.#model.inputWidth, height: this.#model.inputHeight } : null;
  }

  get backend(): string | null {
    return this.#model?.backend ?? null;
  }

  get model(): LoadedModel | null {
    return this.#model;
  }

  /** Total ms the detector has spent on finished jobs (the scheduler's busy ratio). */
  get busyMs(): number {
    return this.#queue?.busyMs ?? 0;
  }

  /** Runtime instances running jobs in parallel. */
  get workers(): number {
    return 1;
  }

  /**
   * Sets (or with null removes) a camera's filter after start, for a camera
   * file added or changed while running; returns its problems (detect.labels
   * the model lacks) without setting it when there are any.
   */
  setFilter(camera: string, filter: (ConfiguredFilter & { file: string }) | null): string[] {
    if (filter === null) {
      this.#filters.delete(camera);
      return [];
    }
    const model = this.#model;
    if (!model) throw new Error('DetectionStage.start() first');
    const unknown = unknownFilterLabels(filter, model.labels);
    if (unknown.length > 0) return [`${filter.file}: detect.labels: ${unknown.map((l) => `'${l}'`).join(', ')} not among the labels of ${model.file} (camera ${camera})`];
    this.#filters.set(camera, resolveFilter(filter, modelMinScore(this.#options.modelDir, defaultDetectFilter.min_score)));
    return [];
  }

  /** Loads the model; a missing, corrupt or mismatched one rejects with EMODEL. */
  async start(): Promise<void> {
    const o = this.#options;
    const model = await o.runtime.load(o.modelDir, { threads: o.threads });
    this.#model = model;
    this.#modelName = modelName(o.modelDir);
    const modelScore = modelMinScore(o.modelDir, defaultDetectFilter.min_score);
    for (const [camera, filter] of o.filters) this.#filters.set(camera, resolveFilter(filter, modelScore));
    const problems: string[] = [];
    for (const [camera, filter] of o.filters) {
      const unknown = unknownFilterLabels(filter, model.labels);
      if (unknown.length > 0) problems.push(`${filter.file}: detect.labels: ${unknown.map((l) => `'${l}'`).join(', ')} not among the labels of ${model.file} (camera ${camera})`);
    }
    if (problems.length > 0) {
      await model.dispose();
      this.#model = null;
      throw new ConfigError(problems);
    }
    this.#detector = new FrameDetector(model, { iouThreshold: o.iou, maxDet: o.maxDet, agnostic: o.agnostic });
    this.#queue = new InferenceQueue<Frame, FrameDetector>({
      workers: [this.#detector],
      // One frame waits at most (for the run in progress): a frame that would wait for several cameras' runs
      // arrives late on MQTT, and a newer one is never more than a frame interval away.
      maxWaiting: 1,
      clock: o.clock,
      handle: (job, detector, release) => this.#handle(job, detector, release),
      onError: (error, job) => this.#log.error({ camera: job.camera, err: { message: (error as Error).message } }, 'inference failed'),
    });
    this.#log.info(
      { model: this.#modelName, file: model.file, backend: model.backend, input: `${model.inputWidth}x${model.inputHeight}`, labels: model.labels.length, model_min_score: modelScore },
      `detector ready: ${model.backend}`,
    );
  }

  async stop(): Promise<void> {
    await this.#queue?.stop();
    this.#queue = null;
    await this.#model?.dispose();
    this.#model = null;
  }

  push(camera: string, frame: Frame): void {
    this.#queue?.push(camera, frame);
  }

  stats(camera: string): CameraDetectionStats {
    const c = this.#cameras.get(camera);
    const q = this.#queue?.stats(camera);
    return {
      inferences: c?.inferences ?? 0,
      inference_ms_mean: round1(c?.inferenceMs.mean() ?? null),
      inference_ms_p95: round1(c?.inferenceMs.p95() ?? null),
      detections: c?.detections ?? 0,
      skipped_busy: q?.skippedBusy ?? 0,
    };
  }

  async #handle(job: InferenceJob<Frame>, detector: FrameDetector, release: () => void): Promise<void> {
    const { frame, camera } = job;
    const run = await detector.run(frame.data, frame.letterbox);
    // The model goes on with the next frame (its preprocessing happens inside release()) while this
    // one is decoded and published; nothing below awaits, so results stay in frame order.
    release();
    const filter = this.#filters.get(camera);
    const result = detector.decodeRun(run, frame.letterbox, filter?.min_score);
    const objects = filter ? applyFilter(result.detections, filter) : result.detections;
    const stats = this.#camera(camera);
    stats.inferences++;
    stats.inferenceMs.add(result.inferenceMs);
    stats.detections += objects.length;
    this.#options.onResult({
      camera,
      frame,
      objects,
      inferenceMs: result.inferenceMs,
      inferredAt: this.#options.clock.now(),
      model: this.#modelName,
    });
  }

  #camera(name: string): PerCamera {
    let c = this.#cameras.get(name);
    if (!c) {
      c = { inferenceMs: new RecentStats(), inferences: 0, detections: 0 };
      this.#cameras.set(name, c);
    }
    return c;
  }
}

function modelName(dir: string): string {
  return dir.split(/[\\/]/).filter(Boolean).pop() ?? dir;
}

function round1(v: number | null): number | null {
  return v === null ? null : Math.round(v * 10) / 10;
}
