/**
 * A cheap change measure per camera: each frame's gray thumbnail is compared
 * with a running background.
 *
 * The level is the largest mean absolute difference (gray levels, 0..255)
 * over blocks of BLOCK x BLOCK thumbnail pixels. A mean over the whole
 * picture would dilute a person far away (2% of the picture) below the
 * codec noise; per block, the person fills a block and noise stays noise.
 * Masked pixels (polygons, or the older rectangles, in normalized source
 * coordinates, as box_norm) take no part.
 *
 * The background follows the picture with a time constant (default 3 s), so
 * lighting drifts and an object that stops are absorbed and the scene goes
 * idle again. Motion stays on for `holdMs` after the last frame above the
 * threshold, so an object that pauses is still looked at.
 */
import type { Frame } from '../ingest/frame.js';
import { inAny, maskPolygons, type MaskShape, type Polygon } from '../geometry/polygon.js';
import { grayThumbnail, type Thumbnail } from './thumbnail.js';

/** [x1, y1, x2, y2], 0..1 of the source picture (the older mask form). */
export type MaskRect = readonly [number, number, number, number];

export interface MotionDetectorOptions {
  /** Level (block mean absolute difference, gray levels) above which the scene is moving. */
  threshold: number;
  /** Polygons in 0..1 of the source picture, or [x1, y1, x2, y2] rectangles. */
  mask?: readonly MaskShape[];
  /** Background time constant, ms. */
  backgroundTauMs?: number;
  /** Motion stays on this long after the last frame above the threshold, ms. */
  holdMs?: number;
  /** Block side in thumbnail pixels. */
  block?: number;
}

export interface MotionReading {
  /** Largest block mean absolute difference from the background, 0..255. */
  level: number;
  /** Above the threshold now, or within holdMs of the last time it was. */
  motion: boolean;
}

export class MotionDetector {
  readonly threshold: number;
  readonly #mask: readonly Polygon[];
  readonly #tauMs: number;
  readonly #holdMs: number;
  readonly #block: number;
  #background: Float32Array | null = null;
  #maskBits: Uint8Array | null = null;
  #width = 0;
  #height = 0;
  #lastAt = 0;
  #lastMotionAt: number | null = null;
  #thumb: Thumbnail | undefined;
  #reading: MotionReading = { level: 0, motion: false };

  constructor(options: MotionDetectorOptions) {
    this.threshold = options.threshold;
    this.#mask = maskPolygons(options.mask ?? []);
    this.#tauMs = options.backgroundTauMs ?? 3000;
    this.#holdMs = options.holdMs ?? 2000;
    this.#block = options.block ?? 8;
  }

  /** The last reading (level 0, no motion before the first frame). */
  get reading(): MotionReading {
    return this.#reading;
  }

  /** Thumbnail of a letterboxed rgb24 frame, then update(). */
  measureFrame(frame: Frame, now: number): MotionReading {
    this.#thumb = grayThumbnail(frame.data, frame.width, frame.letterbox, this.#thumb);
    return this.update(this.#thumb, now);
  }

  /**
   * Compares a thumbnail with the background, then blends it in. The first
   * thumbnail (or one of a new size) becomes the background: level 0.
   */
  update(thumb: Thumbnail, now: number): MotionReading {
    const { width, height, data } = thumb;
    if (!this.#background || width !== this.#width || height !== this.#height || now - this.#lastAt > 10 * this.#tauMs) {
      this.#reset(thumb, now);
      return this.#reading;
    }
    const bg = this.#background;
    const mask = this.#maskBits!;
    const B = this.#block;
    let level = 0;
    for (let by = 0; by < height; by += B) {
      for (let bx = 0; bx < width; bx += B) {
        let sum = 0;
        let n = 0;
        let cells = 0;
        const yEnd = Math.min(by + B, height);
        const xEnd = Math.min(bx + B, width);
        for (let y = by; y < yEnd; y++) {
          for (let x = bx; x < xEnd; x++) {
            cells++;
            const i = y * width + x;
            if (mask[i]) continue;
            sum += Math.abs(data[i]! - bg[i]!);
            n++;
          }
        }
        // A block mostly under the mask would make a few stray pixels count as much as a whole block.
        if (n * 4 >= cells && n > 0) level = Math.max(level, sum / n);
      }
    }
    const alpha = 1 - Math.exp(-Math.max(0, now - this.#lastAt) / this.#tauMs);
    for (let i = 0; i < bg.length; i++) bg[i] = bg[i]! + alpha * (data[i]! - bg[i]!);
    this.#lastAt = now;
    if (level > this.threshold) this.#lastMotionAt = now;
    const motion = this.#lastMotionAt !== null && now - this.#lastMotionAt <= this.#holdMs;
    this.#reading = { level, motion };
    return this.#reading;
  }

  #reset(thumb: Thumbnail, now: number): void {
    this.#background = Float32Array.from(thumb.data);
    this.#width = thumb.width;
    this.#height = thumb.height;
    this.#maskBits = maskBits(this.#mask, thumb.width, thumb.height);
    this.#lastAt = now;
    this.#reading = { level: 0, motion: this.#lastMotionAt !== null && now - this.#lastMotionAt <= this.#holdMs };
  }
}

/** 1 where a thumbnail pixel's centre lies inside a mask polygon (or rectangle). */
export function maskBits(shapes: readonly MaskShape[], width: number, height: number): Uint8Array {
  const bits = new Uint8Array(width * height);
  if (shapes.length === 0) return bits;
  const mask = maskPolygons(shapes);
  for (let y = 0; y < height; y++) {
    const cy = (y + 0.5) / height;
    for (let x = 0; x < width; x++) {
      const cx = (x + 0.5) / width;
      if (inAny(cx, cy, mask)) bits[y * width + x] = 1;
    }
  }
  return bits;
}
