/**
 * Prometheus metrics. Values live in the services (camera sources, publisher);
 * at scrape time one snapshot is taken and every metric reads its value from
 * it in collect(), so there is no second set of counters to keep in sync.
 *
 * Adding a metric is one line in METRICS (plus the snapshot field it reads).
 * A private Registry keeps tests independent and avoids prom-client's global.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics, prometheusContentType } from 'prom-client';

export interface CameraMetricsSnapshot {
  framesIn: number;
  framesDropped: number;
  reconnects: number;
  stalls: number;
  /** Streaming right now. */
  up: boolean;
  fpsIn: number;
  /** The scheduler's view; absent for cameras it does not run (disabled, invalid). */
  scheduler?: {
    inferences: number;
    /** Frames not inferred, by reason (cpu, busy, motion, rate). */
    skipped: Record<string, number>;
    targetFps: number;
    inferredFps: number;
    motionLevel: number;
  };
  /** The detector's view; absent for cameras that do not run. */
  detector?: { inferenceMsMean: number | null; inferenceMsP95: number | null; detections: number };
}

export interface MetricsSnapshot {
  cameras: Record<string, CameraMetricsSnapshot>;
  mqtt: { connected: boolean; queueDepth: number; queueDropped: number };
  scheduler?: { budgetFps: number; cpuPercent: number | null; tempC: number | null; busyRatio: number | null };
}

type Labels = Record<string, string>;
type Series = Array<[Labels, number]>;

export interface MetricDef {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  labelNames: string[];
  read(snapshot: MetricsSnapshot): Series;
}

/** One series per camera; `undefined` (a value a camera does not have yet) is skipped. */
function perCamera(type: MetricDef['type'], name: string, help: string, pick: (camera: CameraMetricsSnapshot) => number | undefined): MetricDef {
  return {
    name,
    help,
    type,
    labelNames: ['camera'],
    read: (snapshot) =>
      Object.entries(snapshot.cameras).flatMap(([camera, values]): Series => {
        const value = pick(values);
        return value === undefined ? [] : [[{ camera }, value]];
      }),
  };
}

/** One series per camera and skip reason. */
function perCameraReason(name: string, help: string, pick: (camera: CameraMetricsSnapshot) => Record<string, number> | undefined): MetricDef {
  return {
    name,
    help,
    type: 'counter',
    labelNames: ['camera', 'reason'],
    read: (snapshot) =>
      Object.entries(snapshot.cameras).flatMap(([camera, values]): Series =>
        Object.entries(pick(values) ?? {}).map(([reason, value]): [Labels, number] => [{ camera, reason }, value]),
      ),
  };
}

/**
 * A single series. prom-client always renders a label-less series, so a
 * value that does not exist (no temperature sensor, no step yet) is NaN.
 */
function single(type: MetricDef['type'], name: string, help: string, pick: (snapshot: MetricsSnapshot) => number | null | undefined): MetricDef {
  return { name, help, type, labelNames: [], read: (snapshot) => [[{}, pick(snapshot) ?? NaN]] };
}

export const METRICS: readonly MetricDef[] = [
  perCamera('counter', 'lookout_frames_in_total', 'Frames read from ffmpeg.', (c) => c.framesIn),
  perCamera('counter', 'lookout_frames_dropped_total', 'Frames the detector was too busy to take: replaced by a newer one, or another camera held the waiting place.', (c) => c.framesDropped),
  perCamera('counter', 'lookout_reconnects_total', 'ffmpeg restarts after the stream ended or failed.', (c) => c.reconnects),
  perCamera('counter', 'lookout_stalls_total', 'Times no frame arrived within stall_timeout_s.', (c) => c.stalls),
  perCamera('gauge', 'lookout_camera_up', '1 while the camera is streaming, else 0.', (c) => (c.up ? 1 : 0)),
  perCamera('gauge', 'lookout_camera_fps_in', 'Frames per second read from ffmpeg over the last seconds.', (c) => c.fpsIn),
  perCamera('counter', 'lookout_inferences_total', 'Frames the detector ran on.', (c) => c.scheduler?.inferences),
  perCameraReason('lookout_frames_skipped_total', 'Frames not inferred, by reason: cpu (budget), busy (detector), motion (still scene), rate (fps_max).', (c) => c.scheduler?.skipped),
  perCamera('gauge', 'lookout_inference_ms_mean', 'Mean inference time (preprocess, run, decode) over the last 100 runs, ms.', (c) => c.detector?.inferenceMsMean ?? undefined),
  perCamera('gauge', 'lookout_inference_ms_p95', '95th percentile inference time over the last 100 runs, ms.', (c) => c.detector?.inferenceMsP95 ?? undefined),
  perCamera('counter', 'lookout_detections_total', 'Objects reported after the camera filters.', (c) => c.detector?.detections),
  perCamera('gauge', 'lookout_camera_target_fps', "The camera's share of the inference budget, inferences/s.", (c) => c.scheduler?.targetFps),
  perCamera('gauge', 'lookout_camera_inferred_fps', 'Inferences per second over the last seconds.', (c) => c.scheduler?.inferredFps),
  perCamera('gauge', 'lookout_camera_motion_level', 'Motion level: largest block mean absolute difference from the background, 0..255.', (c) => c.scheduler?.motionLevel),
  single('gauge', 'lookout_scheduler_budget_fps', 'Total inference budget over all cameras, inferences/s.', (s) => s.scheduler?.budgetFps),
  single('gauge', 'lookout_scheduler_cpu_percent', 'System CPU load the scheduler acted on, percent of all cores.', (s) => s.scheduler?.cpuPercent),
  single('gauge', 'lookout_scheduler_temperature_celsius', 'SoC temperature the scheduler acted on, °C; NaN where the board reports none.', (s) => s.scheduler?.tempC),
  single('gauge', 'lookout_scheduler_detector_busy_ratio', 'Fraction of the last interval the detector was running.', (s) => s.scheduler?.busyRatio),
  single('gauge', 'lookout_mqtt_connected', '1 while connected to the MQTT broker, else 0.', (s) => (s.mqtt.connected ? 1 : 0)),
  single('gauge', 'lookout_mqtt_queue_depth', 'Messages waiting for the broker to come back.', (s) => s.mqtt.queueDepth),
  single('counter', 'lookout_mqtt_queue_dropped_total', 'Messages dropped because the outage queue was full.', (s) => s.mqtt.queueDropped),
];

export interface Metrics {
  readonly registry: Registry;
  /** prom-client's Prometheus text content type. */
  readonly contentType: string;
  /** Takes one snapshot and renders every metric from it. */
  render(): Promise<string>;
}

export interface MetricsOptions {
  /** Standard process_* / nodejs_* metrics (default true). */
  defaultMetrics?: boolean;
  definitions?: readonly MetricDef[];
}

export function createMetrics(snapshot: () => MetricsSnapshot, options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  let current: MetricsSnapshot | null = null;

  for (const def of options.definitions ?? METRICS) {
    const config = { name: def.name, help: def.help, labelNames: def.labelNames, registers: [registry] };
    if (def.type === 'counter') {
      new Counter({
        ...config,
        collect() {
          // Reset first: series of cameras that are gone must not linger.
          this.reset();
          if (current) for (const [labels, value] of def.read(current)) this.inc(labels, value);
        },
      });
    } else {
      new Gauge({
        ...config,
        collect() {
          this.reset();
          if (current) for (const [labels, value] of def.read(current)) this.set(labels, value);
        },
      });
    }
  }
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  return {
    registry,
    contentType: prometheusContentType,
    async render() {
      current = snapshot();
      return registry.metrics();
    },
  };
}
