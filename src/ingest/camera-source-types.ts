import type { ChildProcess } from 'node:child_process';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { BackoffOptions } from './backoff.js';
import type { Frame, SourceInfo } from './frame.js';
import type { ProbeOptions } from './probe.js';

/** The camera settings the source needs; the daemon maps CameraConfig to this. */
export interface CameraSourceOptions {
  name: string;
  url: string;
  /** detect.fps: a cap, lowered to the source's own rate when that is known and lower. */
  fps: number;
  width: number;
  height: number;
  stallTimeoutS: number;
  rtspTimeoutS: number;
  inputArgs?: readonly string[];
  /** snapshot.enabled: ffmpeg also encodes each frame as a JPEG of this height (0 = source), emitted as 'picture'. */
  pictures?: { height: number } | null;
}

export interface CameraSourceDeps {
  logger: Logger;
  clock?: Clock;
  backoff?: BackoffOptions;
  /** SIGTERM -> SIGKILL grace for ffmpeg. */
  killGraceMs?: number;
  /** ffprobe time limit, also the allowance for ffmpeg's first frame; default max(10 s, 2 x rtspTimeoutS). */
  probeTimeoutS?: number;
  /** Seams for unit tests; default to the real ffprobe and process-group spawning. */
  probe?: (url: string, opts: ProbeOptions) => Promise<SourceInfo>;
  processes?: ProcessRunner;
}

export interface ProcessRunner {
  spawn(command: string, args: readonly string[], extraPipes?: number): ChildProcess;
  kill(child: ChildProcess, graceMs: number, clock: Clock): Promise<void>;
}

export type CameraState = 'connecting' | 'streaming' | 'offline';
export interface StateChange { state: CameraState; reason: string | null }

export interface CameraSourceStats {
  state: CameraState;
  reason: string | null;
  source: SourceInfo | null;
  framesIn: number;
  /** Frames per second delivered, averaged over the last 5 s. */
  fpsIn: number;
  /** ffmpeg restarts after a failure (probe failures included). */
  reconnects: number;
  stalls: number;
  /** Picture size changes seen inside the stream (each restarts ffmpeg at the new size). */
  sizeChanges: number;
  lastFrameAt: number | null;
}

export interface CameraSourceEvents {
  state: [StateChange];
  source: [SourceInfo];
  frame: [Frame];
  /** The JPEG of the frame with this seq, at snapshot size (only with `pictures`). */
  picture: [Picture];
}

export interface Picture {
  camera: string;
  /** The seq of the detector frame cut from the same decoded picture. */
  seq: number;
  jpeg: Buffer;
}
