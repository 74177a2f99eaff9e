/**
 * A DaemonView of three cameras without a daemon: `yard` runs (a real but
 * unstarted CameraSource, so its own counters are 0), `porch` is disabled and
 * `gate` has an invalid file. The detector, scheduler, output and publisher
 * views return fixed figures, so each report's assembly is pinned exactly.
 */
import pino from 'pino';
import type { CameraDetectionStats } from '../../../src/detector/detection-stage.js';
import { CameraSource } from '../../../src/ingest/index.js';
import type { CameraSchedulerStatus, SchedulerStatus } from '../../../src/scheduler/scheduler.js';
import { CameraRecord } from '../../../src/status/camera-record.js';
import type { DaemonView } from '../../../src/status/daemon-view.js';
import { FakeClock } from '../../helpers/fake-clock.js';

export const STARTED_AT = Date.parse('2026-11-29T10:00:00.000Z');
export const NOW = STARTED_AT + 12_345;

export const YARD_DETECTOR: CameraDetectionStats = { inferences: 40, inference_ms_mean: 21.5, inference_ms_p95: 30.25, detections: 97, skipped_busy: 3 };
export const IDLE_DETECTOR: CameraDetectionStats = { inferences: 0, inference_ms_mean: null, inference_ms_p95: null, detections: 0, skipped_busy: 0 };

export const SCHEDULER: SchedulerStatus = {
  enabled: true, cpu_target: 75, temp_limit_c: 80, budget_fps: 4.5, budget_min_fps: 1, budget_max_fps: 5,
  cpu_percent: 62.5, temp_c: null, busy_ratio: 0.4, decision: 'hold', updated_at: '2026-11-29T10:00:12.000Z',
  floors_fps: 1, capacity_fps: 14, floors_met: true, reason: null,
};

export const YARD_SCHEDULER: CameraSchedulerStatus = {
  fps_in: 5, wanted_fps: 5, target_fps: 4.5, inferred_fps: 4.4,
  skipped_fps: { cpu: 0.5, busy: 0.1, motion: 0, rate: 0 },
  skipped: { cpu: 6, busy: 3, motion: 0, rate: 0 },
  motion_enabled: true, motion: true, motion_level: 17.5,
  floor_fps: 1, below_floor: false,
};

export interface Fixture {
  view: DaemonView;
  /** What the view's publisher() returns; set it to null for a daemon before start(). */
  mqtt: { publisher: { connected: boolean; queueDepth: number; queueDropped: number } | null };
}

export function fixture(): Fixture {
  const clock = new FakeClock(NOW);
  const source = new CameraSource({
    name: 'yard', url: 'rtsp://cam.local/stream', fps: 5, width: 320, height: 320, stallTimeoutS: 10, rtspTimeoutS: 5,
    logger: pino({ level: 'silent' }), clock,
  });
  const yard = new CameraRecord({ name: 'yard', file: '/etc/lookout/cameras/yard.json', state: 'streaming', reason: null, source });
  yard.sourceInfo = { width: 768, height: 576, fps: 10, codec: 'h264' };
  const porch = new CameraRecord({ name: 'porch', file: '/etc/lookout/cameras/porch.json', state: 'disabled', reason: 'enabled is false' });
  const gate = new CameraRecord({ name: 'gate', file: '/etc/lookout/cameras/gate.json', state: 'error', reason: 'detect.fps: must be a number > 0, got -1' });
  const records = new Map([['yard', yard], ['porch', porch], ['gate', gate]]);
  const mqtt: Fixture['mqtt'] = { publisher: { connected: true, queueDepth: 2, queueDropped: 1 } };
  const view: DaemonView = {
    records,
    detector: {
      stats: (camera) => (camera === 'yard' ? { ...YARD_DETECTOR } : { ...IDLE_DETECTOR }),
      backend: 'onnxruntime-node cpu (1 thread)',
      inputSize: { width: 320, height: 320 },
    },
    scheduler: {
      status: () => ({ ...SCHEDULER }),
      cameraStatus: (camera) => (camera === 'yard' ? { ...YARD_SCHEDULER } : null),
    },
    output: (camera) => (camera === 'yard' ? { counts: { person: 2, car: 1 }, eventStats: { new: 5, update: 7, update_suppressed: 11, end: 3 } } : undefined),
    mqttUrl: () => 'mqtts://lookout:s3cret@broker.local:8883',
    publisher: () => mqtt.publisher,
    startedAt: () => STARTED_AT,
  };
  return { view, mqtt };
}
