/**
 * /readyz and /status, assembled from a view of the daemon's services.
 */
import { maskWholeUrl } from '../config/index.js';
import type { CameraDetectionStats } from '../detector/detection-stage.js';
import type { Readiness } from '../http/health-server.js';
import type { CameraOutput } from '../mqtt/camera-output.js';
import type { CameraStatusPayload } from '../mqtt/payloads.js';
import type { CameraSchedulerStatus, SchedulerStatus } from '../scheduler/scheduler.js';
import { round } from './camera-record.js';
import type { DaemonView } from './daemon-view.js';

/** Facts about the process and its config that /status shows as they are. */
export interface StatusAbout {
  version: string;
  hostname: string;
  pid: number;
  configFile: string;
  runtime: string;
  model: string;
}

export type CameraStatusReport = CameraStatusPayload & {
  file: string;
  detector: CameraDetectionStats;
  objects: Record<string, number>;
  events: CameraOutput['eventStats'] | null;
  scheduler: CameraSchedulerStatus | null;
};

export type StatusReport = {
  version: string;
  hostname: string;
  pid: number;
  uptime_s: number;
  config_file: string;
  detector: { runtime: string; backend: string | null; model: string; input: { width: number; height: number } | null };
  mqtt: { url: string; connected: boolean; queue_depth: number; queue_dropped: number };
  scheduler: SchedulerStatus;
  ready: Readiness;
  cameras: Record<string, CameraStatusReport>;
  timestamp: string;
};

/** Ready when MQTT is connected and every camera that is not disabled is streaming; otherwise why not. */
export function readinessReport(view: DaemonView): Readiness {
  const reasons: string[] = [];
  if (!view.publisher()?.connected) reasons.push(`mqtt: not connected to ${maskWholeUrl(view.mqttUrl())}`);
  for (const record of view.records.values()) {
    if (record.state === 'disabled' || record.streaming) continue;
    reasons.push(`camera ${record.name}: ${record.state}${record.reason ? ` (${record.reason})` : ''}`);
  }
  return { ready: reasons.length === 0, reasons };
}

/** The /status document at clock time `now`. */
export function statusReport(view: DaemonView, about: StatusAbout, now: number): StatusReport {
  const cameras: Record<string, CameraStatusReport> = {};
  for (const record of view.records.values()) {
    const detector = view.detector.stats(record.name);
    const output = view.output(record.name);
    cameras[record.name] = {
      ...record.statusPayload(now, detector.skipped_busy),
      file: record.file,
      detector,
      objects: output?.counts ?? {},
      events: output?.eventStats ?? null,
      scheduler: view.scheduler.cameraStatus(record.name),
    };
  }
  const publisher = view.publisher();
  return {
    version: about.version,
    hostname: about.hostname,
    pid: about.pid,
    uptime_s: round((now - view.startedAt()) / 1000, 1),
    config_file: about.configFile,
    detector: {
      runtime: about.runtime,
      backend: view.detector.backend,
      model: about.model,
      input: view.detector.inputSize,
    },
    mqtt: {
      url: maskWholeUrl(view.mqttUrl()),
      connected: publisher?.connected ?? false,
      queue_depth: publisher?.queueDepth ?? 0,
      queue_dropped: publisher?.queueDropped ?? 0,
    },
    scheduler: view.scheduler.status(),
    ready: readinessReport(view),
    cameras,
    timestamp: new Date(now).toISOString(),
  };
}
