import type { Letterbox } from './letterbox.js';

/** One decoded, letterboxed frame as the detector receives it. */
export interface Frame {
  camera: string;
  /** Monotonic per camera source, continuing across ffmpeg restarts. */
  seq: number;
  /** ms epoch when the last byte of the frame arrived from ffmpeg. */
  capturedAt: number;
  /** Detector input size (detect.width x detect.height). */
  width: number;
  height: number;
  /** rgb24, width * height * 3 bytes. */
  data: Buffer;
  letterbox: Letterbox;
}

/** What ffprobe found about the camera's stream. */
export interface SourceInfo {
  width: number;
  height: number;
  fps: number | null;
  codec: string | null;
}
