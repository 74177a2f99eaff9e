/**
 * What the reports (/status, /readyz, the MQTT stats, the metrics snapshot)
 * read from a running daemon: read-only views of its services. The Daemon
 * builds one; a test can build one from plain values, without starting
 * anything.
 */
import type { DetectionStage } from '../detector/detection-stage.js';
import type { CameraOutput } from '../mqtt/camera-output.js';
import type { MqttPublisher } from '../mqtt/publisher.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { CameraRecord } from './camera-record.js';

export interface DaemonView {
  /** Every camera by name, running or not, in camera-file order. */
  readonly records: ReadonlyMap<string, CameraRecord>;
  readonly detector: Pick<DetectionStage, 'stats' | 'backend' | 'inputSize'>;
  readonly scheduler: Pick<Scheduler, 'status' | 'cameraStatus'>;
  /** The camera's tracker and event output; undefined for a camera that does not run. */
  output(camera: string): Pick<CameraOutput, 'counts' | 'eventStats'> | undefined;
  /** The broker URL lookout connects to (unmasked: the reports mask it). */
  mqttUrl(): string;
  /** The publisher; null before start() created it. */
  publisher(): Pick<MqttPublisher, 'connected' | 'queueDepth' | 'queueDropped'> | null;
  /** When the daemon started, in clock milliseconds. */
  startedAt(): number;
}
