/**
 * Every camera's pictures (CameraPictures), by camera name: what the daemon
 * feeds from each source and detector result, and what the HTTP server asks
 * for the latest picture.
 */
import type { Clock } from '../clock.js';
import type { DetectionResult } from '../detector/detection-stage.js';
import type { Picture } from '../ingest/camera-source-types.js';
import type { Logger } from '../logger.js';
import type { TrackerOutput } from '../tracker/tracker.js';
import { useNoOperationCache } from './draw.js';
import { CameraPictures, type CameraPicturesStats, type SnapshotSettings, type SnapshotSink } from './camera-pictures.js';

export type LatestPicture =
  | { status: 'ok'; jpeg: Buffer; capturedAt: number }
  /** No such camera. */
  | { status: 'unknown' }
  /** The camera takes no pictures (snapshot.enabled false, or not running). */
  | { status: 'off' }
  /** None yet: the first request starts keeping them. */
  | { status: 'waiting' };

export class Snapshots {
  readonly #cameras = new Map<string, CameraPictures | null>();
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(options: { clock: Clock; logger: Logger }) {
    this.#clock = options.clock;
    this.#logger = options.logger;
    useNoOperationCache();
  }

  /** A camera lookout knows; `settings` null = it takes no pictures. */
  add(camera: string, settings: SnapshotSettings | null, sink: SnapshotSink): void {
    this.#cameras.set(camera, settings ? new CameraPictures({ camera, settings, sink, clock: this.#clock, logger: this.#logger }) : null);
  }

  picture(picture: Picture): void {
    this.#cameras.get(picture.camera)?.picture(picture);
  }

  result(result: DetectionResult, output: TrackerOutput): void {
    this.#cameras.get(result.camera)?.result(result, output);
  }

  async latest(camera: string, boxes: boolean): Promise<LatestPicture> {
    if (!this.#cameras.has(camera)) return { status: 'unknown' };
    const pictures = this.#cameras.get(camera);
    if (!pictures) return { status: 'off' };
    const latest = await pictures.latest(boxes);
    return latest ? { status: 'ok', ...latest } : { status: 'waiting' };
  }

  stats(camera: string): CameraPicturesStats | null {
    return this.#cameras.get(camera)?.stats ?? null;
  }
}
