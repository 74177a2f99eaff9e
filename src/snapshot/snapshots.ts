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
import { renderJpeg, useNoOperationCache, type RenderOptions } from './draw.js';
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
  /**
   * Renderings run one at a time, for all cameras together: each one holds a
   * decoded picture and libvips working memory, and side by side they only
   * compete with inference for the same cores (measured: four at once took
   * the process about 50 MB more than one after another).
   */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: { clock: Clock; logger: Logger }) {
    this.#clock = options.clock;
    this.#logger = options.logger;
    useNoOperationCache();
  }

  /** A camera lookout knows; `settings` null = it takes no pictures. */
  add(camera: string, settings: SnapshotSettings | null, sink: SnapshotSink): void {
    const render = (jpeg: Buffer, options: RenderOptions) => this.#render(jpeg, options);
    this.#cameras.set(camera, settings ? new CameraPictures({ camera, settings, sink, clock: this.#clock, logger: this.#logger, render }) : null);
  }

  #render(jpeg: Buffer, options: RenderOptions): Promise<Buffer> {
    const rendered = this.#queue.then(() => renderJpeg(jpeg, options));
    this.#queue = rendered.catch(() => undefined);
    return rendered;
  }

  /** A camera whose file was removed: its retained snapshots are cleared and it is forgotten. */
  remove(camera: string): void {
    this.#cameras.get(camera)?.clear();
    this.#cameras.delete(camera);
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
