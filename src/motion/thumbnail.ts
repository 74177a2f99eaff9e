/**
 * A small grayscale thumbnail of a frame's picture, for motion measurement.
 *
 * It is computed here from the rgb24 frame ffmpeg already delivers, not by a
 * second ffmpeg output: the frame is already scaled down to the detector
 * size, so a 64-pixel-wide thumbnail needs only 4 reads per thumbnail pixel.
 * Measured on the shared 2-core x86-64 build machine (node 20, busy, so
 * these are upper bounds), 320x240 picture in a 320x320 frame:
 * - here: 62-118 µs per frame for the thumbnail, 78-177 µs with the
 *   motion measure and background update (two runs, load average 7 and 10);
 * - a second `-map`ped output of the same ffmpeg (split, scale=64:48,
 *   format=gray) from a 768x576 source: +1.3 ms of ffmpeg CPU per frame
 *   (1.30 -> 1.77 s user for 300 frames), plus a pipe on fd 3 and a second
 *   frame splitter per camera, and frames that could drift out of step.
 *
 * Only the picture is used (the letterbox padding is cut off), so a pixel of
 * the thumbnail maps to normalized source coordinates the way box_norm does.
 */
import type { Letterbox } from '../ingest/letterbox.js';

/** Longest side of the thumbnail, in pixels. */
export const THUMB_SIZE = 64;

export interface Thumbnail {
  width: number;
  height: number;
  /** One gray byte (0..255) per pixel, row-major. */
  data: Uint8Array;
}

/** Thumbnail size for a letterboxed picture: the longest side is THUMB_SIZE (or the picture's, if smaller). */
export function thumbnailSize(lb: Letterbox): { width: number; height: number } {
  const long = Math.max(lb.scaledWidth, lb.scaledHeight);
  const scale = Math.min(1, THUMB_SIZE / long);
  return {
    width: Math.max(1, Math.round(lb.scaledWidth * scale)),
    height: Math.max(1, Math.round(lb.scaledHeight * scale)),
  };
}

/**
 * Gray thumbnail of the picture inside a letterboxed rgb24 frame. Each
 * thumbnail pixel is the mean of a 2x2 grid of samples inside its cell,
 * which smooths single-pixel codec noise at a quarter of a full box filter's
 * cost. `out` is reused when it has the right size.
 */
export function grayThumbnail(rgb: Uint8Array, frameWidth: number, lb: Letterbox, out?: Thumbnail): Thumbnail {
  const { width, height } = thumbnailSize(lb);
  const thumb = out && out.width === width && out.height === height ? out : { width, height, data: new Uint8Array(width * height) };
  const cellW = lb.scaledWidth / width;
  const cellH = lb.scaledHeight / height;
  const stride = frameWidth * 3;
  const xs = new Int32Array(width * 2);
  for (let x = 0; x < width; x++) {
    xs[2 * x] = (lb.padX + Math.floor((x + 0.25) * cellW)) * 3;
    xs[2 * x + 1] = (lb.padX + Math.floor((x + 0.75) * cellW)) * 3;
  }
  const data = thumb.data;
  for (let y = 0; y < height; y++) {
    const row0 = (lb.padY + Math.floor((y + 0.25) * cellH)) * stride;
    const row1 = (lb.padY + Math.floor((y + 0.75) * cellH)) * stride;
    for (let x = 0; x < width; x++) {
      const a = row0 + xs[2 * x]!;
      const b = row0 + xs[2 * x + 1]!;
      const c = row1 + xs[2 * x]!;
      const d = row1 + xs[2 * x + 1]!;
      // ITU-R BT.601 luma in integers, (77 R + 150 G + 29 B) / 256, summed over the 4 samples.
      const sum =
        77 * (rgb[a]! + rgb[b]! + rgb[c]! + rgb[d]!) +
        150 * (rgb[a + 1]! + rgb[b + 1]! + rgb[c + 1]! + rgb[d + 1]!) +
        29 * (rgb[a + 2]! + rgb[b + 2]! + rgb[c + 2]! + rgb[d + 2]!);
      data[y * width + x] = (sum + 512) >> 10;
    }
  }
  return thumb;
}
