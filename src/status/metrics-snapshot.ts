/**
 * The snapshot /metrics reads at each scrape, assembled from a view of the
 * daemon's services.
 */
import type { CameraMetricsSnapshot, MetricsSnapshot } from '../http/metrics.js';
import type { CameraSchedulerStatus } from '../scheduler/scheduler.js';
import type { DaemonView } from './daemon-view.js';

export function metricsSnapshot(view: DaemonView): MetricsSnapshot {
  const cameras: MetricsSnapshot['cameras'] = {};
  for (const record of view.records.values()) {
    const stats = record.source?.stats;
    const detector = view.detector.stats(record.name);
    cameras[record.name] = {
      framesIn: stats?.framesIn ?? 0,
      framesDropped: detector.skipped_busy,
      reconnects: stats?.reconnects ?? 0,
      stalls: stats?.stalls ?? 0,
      up: record.streaming,
      fpsIn: stats?.fpsIn ?? 0,
      scheduler: schedulerMetrics(view.scheduler.cameraStatus(record.name), detector.inferences),
      detector: record.source ? { inferenceMsMean: detector.inference_ms_mean, inferenceMsP95: detector.inference_ms_p95, detections: detector.detections } : undefined,
    };
  }
  const publisher = view.publisher();
  const scheduler = view.scheduler.status();
  return {
    cameras,
    scheduler: { budgetFps: scheduler.budget_fps, cpuPercent: scheduler.cpu_percent, tempC: scheduler.temp_c, busyRatio: scheduler.busy_ratio },
    mqtt: { connected: publisher?.connected ?? false, queueDepth: publisher?.queueDepth ?? 0, queueDropped: publisher?.queueDropped ?? 0 },
  };
}

function schedulerMetrics(status: CameraSchedulerStatus | null, inferences: number): CameraMetricsSnapshot['scheduler'] {
  if (!status) return undefined;
  return { inferences, skipped: status.skipped, targetFps: status.target_fps, inferredFps: status.inferred_fps, motionLevel: status.motion_level };
}
