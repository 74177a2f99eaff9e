/**
 * A camera restarted by a reload usually reads the same stream as before:
 * probing it again (ffprobe on RTSP takes seconds) would keep the camera dark
 * for no reason. The source's last probe result is kept when the camera stops
 * for a restart and handed to the new source once, when its url and ffmpeg
 * input arguments are unchanged; any later reconnect probes as usual, and a
 * picture size that changed meanwhile is caught by ffmpeg's size-change
 * handling like a change inside the stream.
 */
import type { CameraConfig } from '../config/index.js';
import { probeSource, type ProbeOptions, type SourceInfo } from '../ingest/index.js';

type Probe = (url: string, opts: ProbeOptions) => Promise<SourceInfo>;

const keyOf = (camera: CameraConfig) => JSON.stringify([camera.url, camera.ffmpeg.input_args]);

export class ProbeCache {
  readonly #entries = new Map<string, { key: string; info: SourceInfo }>();

  /** The stopping camera's last probe result (nothing when it never streamed). */
  remember(name: string, camera: CameraConfig | undefined, info: SourceInfo | null): void {
    if (camera && info) this.#entries.set(name, { key: keyOf(camera), info: { ...info } });
    else this.#entries.delete(name);
  }

  /** The probe for the camera's new source: the remembered result once (same stream), then ffprobe; undefined = plain ffprobe. */
  probeFor(name: string, camera: CameraConfig): Probe | undefined {
    const entry = this.#entries.get(name);
    this.#entries.delete(name);
    if (!entry || entry.key !== keyOf(camera)) return undefined;
    let cached: SourceInfo | null = entry.info;
    return (url, opts) => {
      const info = cached;
      cached = null;
      return info ? Promise.resolve(info) : probeSource(url, opts);
    };
  }
}
