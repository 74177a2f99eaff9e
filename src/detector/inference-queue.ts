/**
 * One queue in front of the runtime instances for every camera.
 * - One job in flight per worker (runtime instance) and per camera, so a
 *   camera's results stay in frame order.
 * - Each camera has one waiting slot: a newer frame replaces the waiting one,
 *   counted as skipped 'busy'. Cameras never pile up frames.
 * - At most `maxWaiting` frames wait in all. A frame waits for the jobs ahead
 *   of it, so with one waiting slot per camera and four cameras a frame could
 *   wait for four inferences before its own; with the cap at the number of
 *   workers it waits for one at most, which is what keeps frame-to-MQTT
 *   latency near two inferences. When the cap is reached, the arriving frame
 *   takes the place of the waiting frame of the camera whose last job started
 *   most recently, if its own camera was served longer ago (so a camera just
 *   served yields to one that waited); otherwise it is the one skipped.
 * - Free workers take cameras round-robin, so a fast camera cannot starve a
 *   slow one.
 * - A handler may release its worker (and camera) before it ends: the
 *   detector does once the model has answered, so the model starts on the
 *   next frame while this one's boxes are decoded and published. A camera's
 *   results still come in frame order as long as the handler does no more
 *   awaiting after release().
 * Timing uses the injected clock so tests are exact.
 */
import type { Clock } from '../clock.js';

export interface InferenceJob<F> {
  camera: string;
  frame: F;
  enqueuedAt: number;
}

export interface InferenceQueueOptions<F, W> {
  /** Runtime instances; each runs one job at a time. */
  workers: readonly W[];
  /** Runs a job; `release()` (optional, once) hands the worker on before the handler ends. */
  handle(job: InferenceJob<F>, worker: W, release: () => void): Promise<void>;
  clock: Clock;
  /** A job's handler threw; the queue goes on. */
  onError?(err: unknown, job: InferenceJob<F>): void;
  /** Frames waiting at most, over all cameras (default: no cap but one per camera). */
  maxWaiting?: number;
}

export interface CameraQueueStats {
  enqueued: number;
  runs: number;
  errors: number;
  /** Frames skipped while the detector was busy: replaced by a newer one, or refused the waiting place. */
  skippedBusy: number;
  /** Time a job held its worker (to release or to the end), ms: mean and p95 over the last RECENT runs. */
  runMsMean: number | null;
  runMsP95: number | null;
  /** Time the last started job waited in the queue, ms. */
  lastWaitMs: number | null;
}

const RECENT = 100;

interface CameraState<F> {
  waiting: InferenceJob<F> | null;
  busy: boolean;
  /** When its last job started; -Infinity before the first. */
  lastStartedAt: number;
  stats: CameraQueueStats;
  recent: number[];
}

export class InferenceQueue<F, W> {
  private readonly cameras = new Map<string, CameraState<F>>();
  private readonly ring: string[] = [];
  private cursor = -1;
  private readonly idle: W[];
  private readonly running = new Set<Promise<void>>();
  private stopped = false;
  private busyTotalMs = 0;

  constructor(private readonly options: InferenceQueueOptions<F, W>) {
    if (options.workers.length === 0) throw new Error('InferenceQueue needs at least one worker');
    this.idle = [...options.workers];
  }

  /** Offers a camera's newest frame. */
  push(camera: string, frame: F): void {
    if (this.stopped) return;
    const cam = this.camera(camera);
    cam.stats.enqueued++;
    if (cam.waiting) cam.stats.skippedBusy++;
    else if (!this.makeRoomFor(cam)) {
      cam.stats.skippedBusy++;
      return;
    }
    cam.waiting = { camera, frame, enqueuedAt: this.options.clock.now() };
    this.dispatch();
  }

  stats(camera: string): CameraQueueStats {
    const s = this.camera(camera).stats;
    return { ...s };
  }

  /** Total time jobs held their workers, ms: the scheduler's busy ratio is its rate. */
  get busyMs(): number {
    return this.busyTotalMs;
  }

  get inFlight(): number {
    return this.running.size;
  }

  /** Drops a camera's waiting frame (camera stopped); a running job finishes. */
  clear(camera: string): void {
    const cam = this.cameras.get(camera);
    if (cam) cam.waiting = null;
  }

  /** Accepts no more frames, drops waiting ones and resolves when running jobs end. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const cam of this.cameras.values()) cam.waiting = null;
    await Promise.all([...this.running]);
  }

  private camera(name: string): CameraState<F> {
    let cam = this.cameras.get(name);
    if (!cam) {
      cam = {
        waiting: null,
        busy: false,
        lastStartedAt: -Infinity,
        stats: { enqueued: 0, runs: 0, errors: 0, skippedBusy: 0, runMsMean: null, runMsP95: null, lastWaitMs: null },
        recent: [],
      };
      this.cameras.set(name, cam);
      this.ring.push(name);
    }
    return cam;
  }

  /**
   * Whether `cam`'s frame may wait: there is room under maxWaiting, or the
   * waiting frame of the camera served most recently gives way to it (that
   * frame is counted as skipped busy).
   */
  private makeRoomFor(cam: CameraState<F>): boolean {
    const max = this.options.maxWaiting;
    if (max === undefined) return true;
    // One pass, no allocation: this runs for every admitted frame.
    let waiting = 0;
    let served: CameraState<F> | null = null;
    for (const c of this.cameras.values()) {
      if (c.waiting === null) continue;
      waiting++;
      if (served === null || c.lastStartedAt > served.lastStartedAt) served = c;
    }
    if (waiting < max || served === null) return true;
    if (!(cam.lastStartedAt < served.lastStartedAt)) return false;
    served.waiting = null;
    served.stats.skippedBusy++;
    return true;
  }

  /** Next camera after the cursor with a waiting frame and nothing in flight. */
  private nextCamera(): string | null {
    for (let k = 1; k <= this.ring.length; k++) {
      const idx = (this.cursor + k) % this.ring.length;
      const name = this.ring[idx]!;
      const cam = this.cameras.get(name)!;
      if (cam.waiting && !cam.busy) {
        this.cursor = idx;
        return name;
      }
    }
    return null;
  }

  private dispatch(): void {
    while (!this.stopped && this.idle.length > 0) {
      const name = this.nextCamera();
      if (name === null) return;
      const cam = this.cameras.get(name)!;
      const job = cam.waiting!;
      cam.waiting = null;
      cam.busy = true;
      const worker = this.idle.shift()!;
      const started = this.options.clock.now();
      cam.lastStartedAt = started;
      cam.stats.lastWaitMs = started - job.enqueuedAt;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.record(cam, this.options.clock.now() - started);
        cam.busy = false;
        this.idle.push(worker);
        this.dispatch();
      };
      const p = this.runJob(job, worker, release).finally(() => {
        this.running.delete(p);
        release();
      });
      this.running.add(p);
    }
  }

  private async runJob(job: InferenceJob<F>, worker: W, release: () => void): Promise<void> {
    try {
      await this.options.handle(job, worker, release);
    } catch (err) {
      this.camera(job.camera).stats.errors++;
      this.options.onError?.(err, job);
    }
  }

  private record(cam: CameraState<F>, ms: number): void {
    cam.stats.runs++;
    this.busyTotalMs += ms;
    cam.recent.push(ms);
    if (cam.recent.length > RECENT) cam.recent.shift();
    const sorted = [...cam.recent].sort((a, b) => a - b);
    cam.stats.runMsMean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    // Nearest-rank p95.
    cam.stats.runMsP95 = sorted[Math.ceil(0.95 * sorted.length) - 1]!;
  }
}
