/**
 * The frame stage between the camera sources and the detector: it decides,
 * frame by frame, which frames are inferred. A frame is either handed on at
 * once or skipped and counted by reason; nothing waits here.
 *
 * - Motion gating (src/motion) measures every frame; a still scene wants
 *   detect.idle_fps, a moving one detect.fps_max, and motion raises the
 *   rate on the frame it is seen.
 * - About once a second the BudgetController turns the CPU load, the SoC
 *   temperature and the detector's busy ratio into a total budget, and
 *   fairShare splits it across the streaming cameras by priority.
 * - A Pacer per camera admits frames at the camera's share.
 *
 * - Floors that cannot be met: the detector's capacity (inferences per
 *   second of its busy time, times its workers) is measured at every step.
 *   When it is below the sum of the streaming cameras' floors (fps_min),
 *   the scheduler says so (status reason, one log line when it starts and
 *   one when it ends) and shares the capacity instead of a budget the
 *   detector cannot serve, in proportion to floor x priority (fair-share.ts),
 *   rather than leaving it to whichever frame finds the detector free.
 *
 * Skip reasons: 'motion' (still scene, idle rate), 'cpu' (the budget gave
 * the camera less than it wanted), 'rate' (detect.fps_max below detect.fps).
 * 'busy' (a frame replaced while waiting for the detector) is counted by the
 * inference queue and reported here next to the others.
 */
import type { Clock, Timer } from '../clock.js';
import type { CameraConfig } from '../config/index.js';
import type { Frame } from '../ingest/frame.js';
import type { Logger } from '../logger.js';
import { MotionDetector } from '../motion/motion-detector.js';
import type { MaskShape } from '../geometry/polygon.js';
import { BudgetController, type Decision } from './budget-controller.js';
import { fairShare } from './fair-share.js';
import type { LoadSource } from './load-source.js';
import { Pacer } from './pacer.js';
import { RateWindow } from './rate-window.js';

export interface SchedulerCameraOptions {
  name: string;
  /** detect.fps: the rate frames arrive at, at most. */
  fps: number;
  /** detect.fps_max; 0 = fps. */
  fpsMax: number;
  fpsMin: number;
  idleFps: number;
  priority: number;
  motion: { enabled: boolean; threshold: number; mask: readonly MaskShape[] };
}

/** What the scheduler reads from the detector. */
export interface DetectorProbe {
  /** Total ms the detector's workers have been running jobs (finished jobs). */
  busyMs(): number;
  workers: number;
  /** Per camera counters of the inference queue. */
  counters(camera: string): { inferences: number; skippedBusy: number };
}

export interface SchedulerOptions {
  enabled: boolean;
  cpuTarget: number;
  tempLimitC: number;
  intervalS: number;
  cameras: readonly SchedulerCameraOptions[];
  load: LoadSource;
  detector: DetectorProbe;
  clock: Clock;
  logger: Logger;
  /** A camera with no frame for this long takes no budget (default 5000 ms). */
  activeWindowMs?: number;
}

export type SkipReason = 'cpu' | 'motion' | 'rate';
const SKIP_REASONS: readonly SkipReason[] = ['cpu', 'motion', 'rate'];

interface CameraState {
  options: SchedulerCameraOptions;
  /** The rate frames arrive at: detect.fps, or the source's own rate when that is lower. */
  frameRate: number;
  /** fps_max resolved (0 = detect.fps), never above frameRate. */
  fpsMax: number;
  motion: MotionDetector | null;
  moving: boolean;
  level: number;
  pacer: Pacer;
  target: number;
  lastFrameAt: number | null;
  framesIn: number;
  admitted: number;
  skipped: Record<SkipReason, number>;
  rates: RateWindow;
}

export interface SchedulerStatus {
  enabled: boolean;
  cpu_target: number;
  temp_limit_c: number;
  budget_fps: number;
  budget_min_fps: number;
  budget_max_fps: number;
  cpu_percent: number | null;
  temp_c: number | null;
  busy_ratio: number | null;
  decision: Decision | 'disabled';
  /** Sum of the streaming cameras' floors (fps_min, at most what each wants now). */
  floors_fps: number;
  /** Inferences per second the detector can do, measured (null until it has run). */
  capacity_fps: number | null;
  floors_met: boolean;
  /** Why floors are not met, in words; null when they are. */
  reason: string | null;
  updated_at: string | null;
}

export interface CameraSchedulerStatus {
  fps_in: number;
  wanted_fps: number;
  target_fps: number;
  inferred_fps: number;
  skipped_fps: Record<SkipReason | 'busy', number>;
  skipped: Record<SkipReason | 'busy', number>;
  motion_enabled: boolean;
  motion: boolean;
  motion_level: number;
  /** This camera's floor now: fps_min, at most what it wants. */
  floor_fps: number;
  /** Its target is below its floor (the detector cannot serve every floor). */
  below_floor: boolean;
}

export class Scheduler {
  readonly #o: SchedulerOptions;
  readonly #log: Logger;
  readonly #cameras = new Map<string, CameraState>();
  readonly #controller: BudgetController;
  readonly #activeWindowMs: number;
  #budget = 0;
  #bounds = { min: 0, max: 0 };
  #decision: Decision | 'disabled';
  #cpu: number | null = null;
  #tempC: number | null = null;
  #busy: number | null = null;
  #updatedAt: number | null = null;
  #lastBusyMs: number | null = null;
  #lastTickAt: number | null = null;
  #lastInferences: number | null = null;
  /** Smoothed detector capacity, inferences/s. */
  #capacity: number | null = null;
  #floorsUnmet = false;
  #timer: Timer | null = null;
  #ticking: Promise<void> | null = null;
  #running = false;

  constructor(options: SchedulerOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'scheduler' });
    this.#activeWindowMs = options.activeWindowMs ?? 5000;
    this.#controller = new BudgetController({ cpuTarget: options.cpuTarget, tempLimitC: options.tempLimitC });
    this.#decision = options.enabled ? 'start' : 'disabled';
    for (const camera of options.cameras) this.#cameras.set(camera.name, newCameraState(camera));
  }

  /** A camera started after the scheduler (a camera file added or changed); replaces one of the same name. */
  addCamera(camera: SchedulerCameraOptions): void {
    this.#cameras.set(camera.name, newCameraState(camera));
    this.#reshare();
  }

  /** A camera that stopped for good (its file removed or changed): its share goes to the others. */
  removeCamera(name: string): void {
    if (this.#cameras.delete(name)) this.#reshare();
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#o.load.start?.();
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== null) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
    await this.#ticking;
  }

  /** The source's own frame rate once probed: a camera never wants more than it delivers. */
  setSourceFps(camera: string, fps: number | null): void {
    const cam = this.#cameras.get(camera);
    if (!cam) return;
    cam.frameRate = fps !== null && fps > 0 ? Math.min(fps, cam.options.fps) : cam.options.fps;
    cam.fpsMax = resolveFpsMax(cam.options, cam.frameRate);
    this.#reshare();
  }

  /** Whether to infer this frame now; false means it is skipped (and counted). */
  admit(frame: Frame): boolean {
    const cam = this.#cameras.get(frame.camera);
    if (!cam) return true;
    const now = this.#o.clock.now();
    const wasActive = this.#isActive(cam, now);
    cam.lastFrameAt = now;
    cam.framesIn++;
    if (cam.motion) {
      const reading = cam.motion.measureFrame(frame, now);
      cam.level = reading.level;
      if (reading.motion !== cam.moving) {
        cam.moving = reading.motion;
        // Motion raises the rate on this very frame; the budget follows at the next tick.
        if (reading.motion) cam.pacer.grant();
        this.#reshare();
      }
    }
    if (!wasActive) this.#reshare();
    const wanted = wantedRate(cam);
    // At full rate every frame is due: the source (ffmpeg's fps filter) already paces them.
    const full = cam.target >= cam.frameRate;
    const due = cam.pacer.offer(now, cam.target);
    if (full || due) {
      cam.admitted++;
      return true;
    }
    const reason: SkipReason = cam.target < wanted - 1e-9 ? 'cpu' : !cam.moving ? 'motion' : 'rate';
    cam.skipped[reason]++;
    return false;
  }

  status(): SchedulerStatus {
    return {
      enabled: this.#o.enabled,
      cpu_target: this.#o.cpuTarget,
      temp_limit_c: this.#o.tempLimitC,
      budget_fps: round(this.#budget, 2),
      budget_min_fps: round(this.#bounds.min, 2),
      budget_max_fps: round(this.#bounds.max, 2),
      cpu_percent: this.#cpu === null ? null : round(this.#cpu, 1),
      temp_c: this.#tempC === null ? null : round(this.#tempC, 1),
      busy_ratio: this.#busy === null ? null : round(this.#busy, 3),
      decision: this.#decision,
      floors_fps: round(this.#floorSum(this.#o.clock.now()), 2),
      capacity_fps: this.#capacity === null ? null : round(this.#capacity, 2),
      floors_met: !this.#floorsUnmet,
      reason: this.#floorsUnmet ? this.#floorsReason() : null,
      updated_at: this.#updatedAt === null ? null : new Date(this.#updatedAt).toISOString(),
    };
  }

  cameraStatus(camera: string): CameraSchedulerStatus | null {
    const cam = this.#cameras.get(camera);
    if (!cam) return null;
    const counters = this.#counters(cam);
    const r = (key: keyof typeof counters) => round(cam.rates.rate(key), 2);
    return {
      fps_in: r('framesIn'),
      wanted_fps: round(wantedRate(cam), 2),
      target_fps: round(cam.target, 2),
      inferred_fps: r('inferences'),
      skipped_fps: { cpu: r('cpu'), busy: r('busy'), motion: r('motion'), rate: r('rate') },
      skipped: { cpu: cam.skipped.cpu, busy: counters.busy, motion: cam.skipped.motion, rate: cam.skipped.rate },
      motion_enabled: cam.motion !== null,
      motion: cam.moving,
      motion_level: round(cam.level, 1),
      floor_fps: round(floorOf(cam), 2),
      below_floor: this.#floorsUnmet && cam.target < floorOf(cam) - 1e-9,
    };
  }

  /** One control step: sample, move the budget, reshare. Exposed for tests. */
  async tick(): Promise<void> {
    const now = this.#o.clock.now();
    const sample = this.#o.enabled ? await this.#o.load.sample() : { cpu: null, tempC: null };
    const busyMs = this.#o.detector.busyMs();
    const span = this.#lastTickAt === null ? 0 : now - this.#lastTickAt;
    const busy = this.#lastBusyMs === null || span <= 0 ? null : Math.min(1, Math.max(0, (busyMs - this.#lastBusyMs) / (span * this.#o.detector.workers)));
    this.#measureCapacity(busyMs);
    this.#lastBusyMs = busyMs;
    this.#lastTickAt = now;
    this.#cpu = sample.cpu;
    this.#tempC = sample.tempC;
    this.#busy = busy;
    this.#updatedAt = now;
    this.#bounds = this.#budgetBounds(now);
    if (this.#o.enabled) {
      const previous = this.#decision;
      const step = this.#controller.step({ cpu: sample.cpu, tempC: sample.tempC, busy }, this.#bounds);
      this.#decision = step.decision;
      if (step.decision !== previous && (step.decision === 'decrease' || step.decision === 'thermal')) {
        this.#log.info({ cpu: sample.cpu, temp_c: sample.tempC, busy, budget: step.budget }, `inference budget lowered (${step.decision})`);
      }
    }
    this.#checkFloors(now);
    this.#reshare();
    for (const cam of this.#cameras.values()) cam.rates.add(now, this.#counters(cam));
  }

  /** Inferences per second of busy time since the last step, times the workers; smoothed. */
  #measureCapacity(busyMs: number): void {
    let inferences = 0;
    for (const cam of this.#cameras.values()) inferences += this.#o.detector.counters(cam.options.name).inferences;
    const previous = this.#lastInferences;
    this.#lastInferences = inferences;
    if (previous === null || this.#lastBusyMs === null) return;
    const done = inferences - previous;
    const busy = busyMs - this.#lastBusyMs;
    if (done <= 0 || busy <= 0) return;
    const capacity = (this.#o.detector.workers * 1000 * done) / busy;
    this.#capacity = this.#capacity === null ? capacity : 0.7 * this.#capacity + 0.3 * capacity;
  }

  /** The floors the streaming cameras ask for now. */
  #floorSum(now: number): number {
    let sum = 0;
    for (const cam of this.#cameras.values()) if (this.#isActive(cam, now)) sum += floorOf(cam);
    return sum;
  }

  /** Floors unmet when the capacity is below their sum (3% either way, so it does not flap). */
  #checkFloors(now: number): void {
    const floors = this.#floorSum(now);
    const capacity = this.#capacity;
    const unmet = capacity !== null && floors > 0 && capacity < floors * (this.#floorsUnmet ? 1.03 : 0.97);
    if (unmet === this.#floorsUnmet) return;
    this.#floorsUnmet = unmet;
    if (unmet) {
      this.#log.warn({ floors_fps: round(floors, 2), capacity_fps: round(capacity!, 2) }, `fps_min floors cannot be met: ${this.#floorsReason()}`);
    } else {
      this.#log.info({ floors_fps: round(floors, 2), capacity_fps: capacity === null ? null : round(capacity, 2) }, 'fps_min floors are met again');
    }
  }

  #floorsReason(): string {
    const floors = this.#floorSum(this.#o.clock.now());
    const capacity = this.#capacity ?? 0;
    const percent = floors > 0 ? Math.round((100 * Math.min(capacity, floors)) / floors) : 100;
    return (
      `the detector does ${round(capacity, 1)} inferences/s, less than the ${round(floors, 1)} the streaming cameras' fps_min add up to; ` +
      `each camera gets a share in proportion to its fps_min and priority (about ${percent}% of its floor at equal priority)`
    );
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = null;
      this.#ticking = this.tick()
        .catch((error: Error) => this.#log.warn({ err: { message: error.message } }, 'scheduler step failed'))
        .finally(() => {
          this.#ticking = null;
          this.#schedule();
        });
    }, this.#o.intervalS * 1000);
    (this.#timer as { unref?: () => unknown }).unref?.();
  }

  #isActive(cam: CameraState, now: number): boolean {
    return cam.lastFrameAt !== null && now - cam.lastFrameAt <= this.#activeWindowMs;
  }

  #budgetBounds(now: number): { min: number; max: number } {
    let min = 0;
    let max = 0;
    for (const cam of this.#cameras.values()) {
      if (!this.#isActive(cam, now)) continue;
      min += Math.min(cam.options.fpsMin, wantedRate(cam));
      max += cam.fpsMax;
    }
    return { min, max };
  }

  /** Shares the budget across the cameras that stream; the others get 0. */
  #reshare(): void {
    const now = this.#o.clock.now();
    const active = [...this.#cameras.values()].filter((cam) => this.#isActive(cam, now));
    // Disabled, before the first step or at full rate: everybody gets what they want.
    let budget = this.#o.enabled && !this.#controller.full ? this.#controller.budget! : Infinity;
    // The detector cannot serve the floors: share what it can do, fairly, instead of a budget it cannot serve.
    if (this.#o.enabled && this.#floorsUnmet && this.#capacity !== null) budget = Math.min(budget, this.#capacity);
    const max = active.reduce((sum, cam) => sum + cam.fpsMax, 0);
    this.#budget = Math.min(budget, max);
    const shares = fairShare(this.#budget, active.map((cam) => ({
      name: cam.options.name,
      wanted: wantedRate(cam),
      min: cam.options.fpsMin,
      priority: cam.options.priority,
    })));
    for (const cam of this.#cameras.values()) cam.target = shares.get(cam.options.name) ?? 0;
  }

  #counters(cam: CameraState): Record<'framesIn' | 'inferences' | 'busy' | SkipReason, number> {
    const detector = this.#o.detector.counters(cam.options.name);
    return { framesIn: cam.framesIn, inferences: detector.inferences, busy: detector.skippedBusy, ...cam.skipped };
  }
}

function newCameraState(camera: SchedulerCameraOptions): CameraState {
  return {
    options: camera,
    frameRate: camera.fps,
    fpsMax: resolveFpsMax(camera, camera.fps),
    motion: camera.motion.enabled ? new MotionDetector({ threshold: camera.motion.threshold, mask: camera.motion.mask }) : null,
    moving: true,
    level: 0,
    pacer: new Pacer(),
    target: 0,
    lastFrameAt: null,
    framesIn: 0,
    admitted: 0,
    skipped: { cpu: 0, motion: 0, rate: 0 },
    rates: new RateWindow(5000),
  };
}

/** A camera's floor now: fps_min, never more than it wants. */
function floorOf(cam: CameraState): number {
  return Math.min(cam.options.fpsMin, wantedRate(cam));
}

/** What a camera asks for now: fps_max while moving (or ungated), idle_fps while still. */
function wantedRate(cam: CameraState): number {
  return cam.motion && !cam.moving ? Math.min(cam.options.idleFps, cam.fpsMax) : cam.fpsMax;
}

function resolveFpsMax(camera: SchedulerCameraOptions, frameRate: number): number {
  return camera.fpsMax > 0 ? Math.min(camera.fpsMax, frameRate) : frameRate;
}

/** The scheduler's view of a camera file. */
export function schedulerCamera(name: string, config: CameraConfig): SchedulerCameraOptions {
  return {
    name,
    fps: config.detect.fps,
    fpsMax: config.detect.fps_max,
    fpsMin: config.detect.fps_min,
    idleFps: config.detect.idle_fps,
    priority: config.detect.priority,
    motion: { enabled: config.motion.enabled, threshold: config.motion.threshold, mask: config.motion.mask },
  };
}

export { SKIP_REASONS };

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
