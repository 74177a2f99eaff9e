/**
 * The `<base>/stats` payload, assembled from a view of the daemon's services.
 */
import type { StatsPayload } from '../mqtt/payloads.js';
import { round } from './camera-record.js';
import type { DaemonView } from './daemon-view.js';

/** The stats payload at clock time `now`; the queue figures are the publisher's (0 before it exists). */
export function statsReport(view: DaemonView, now: number): StatsPayload {
  const cameras: StatsPayload['cameras'] = {};
  for (const record of view.records.values()) {
    const detector = view.detector.stats(record.name);
    const payload = record.statusPayload(now, detector.skipped_busy);
    cameras[record.name] = {
      state: payload.state,
      fps_in: payload.fps_in,
      inferred_fps: view.scheduler.cameraStatus(record.name)?.inferred_fps ?? 0,
      frames_dropped: payload.frames_dropped,
      reconnects: payload.reconnects,
      ...detector,
    };
  }
  const publisher = view.publisher();
  return {
    uptime_s: round((now - view.startedAt()) / 1000, 1),
    cameras,
    mqtt: { queue_depth: publisher?.queueDepth ?? 0, queue_dropped: publisher?.queueDropped ?? 0 },
    timestamp: new Date(now).toISOString(),
  };
}
