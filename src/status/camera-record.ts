/**
 * What the daemon knows about one camera, whatever its state: a running
 * source, a disabled camera, or a camera whose file did not validate. The
 * MQTT status payload, /status, readiness and metrics are all views of it.
 */
import type { CameraSource, SourceInfo } from '../ingest/index.js';
import type { CameraState, CameraStatusPayload } from '../mqtt/payloads.js';

export interface CameraRecordInit {
  name: string;
  /** The camera file, for messages that must name it. */
  file: string;
  state: CameraState;
  reason: string | null;
  source?: CameraSource | null;
}

export class CameraRecord {
  readonly name: string;
  readonly file: string;
  /** Set once the camera is started; null for disabled and invalid cameras. */
  source: CameraSource | null;
  state: CameraState;
  reason: string | null;
  sourceInfo: SourceInfo | null = null;

  constructor(init: CameraRecordInit) {
    this.name = init.name;
    this.file = init.file;
    this.state = init.state;
    this.reason = init.reason;
    this.source = init.source ?? null;
  }

  get streaming(): boolean {
    return this.state === 'streaming';
  }

  /** `framesDropped`: frames the detector was too busy to take (replaced by a newer one, or refused the waiting place). */
  statusPayload(now: number, framesDropped: number): CameraStatusPayload {
    const stats = this.source?.stats;
    return {
      camera: this.name,
      state: this.state,
      reason: this.reason,
      source: this.sourceInfo ? { ...this.sourceInfo } : null,
      fps_in: round(stats?.fpsIn ?? 0, 2),
      frames_in: stats?.framesIn ?? 0,
      frames_dropped: framesDropped,
      reconnects: stats?.reconnects ?? 0,
      stalls: stats?.stalls ?? 0,
      last_frame_at: stats?.lastFrameAt ? new Date(stats.lastFrameAt).toISOString() : null,
      timestamp: new Date(now).toISOString(),
    };
  }
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
