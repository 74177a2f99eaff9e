/**
 * rgb24 bytes (already letterboxed to the model size by ffmpeg) -> float RGB
 * 0..1 in the model's layout. The output array can be reused between frames:
 * a frame at 640x640 would otherwise allocate 4.9 MB each time.
 */
import type { InputLayout } from './model.js';

export function preprocessRgb24(
  rgb: Uint8Array,
  width: number,
  height: number,
  layout: InputLayout,
  out: Float32Array = new Float32Array(width * height * 3),
): Float32Array {
  const pixels = width * height;
  if (rgb.length !== pixels * 3) throw new Error(`frame has ${rgb.length} bytes; expected ${width}x${height}x3 = ${pixels * 3}`);
  if (out.length !== pixels * 3) throw new Error(`output buffer has ${out.length} floats; expected ${pixels * 3}`);
  if (layout === 'nhwc') {
    for (let i = 0; i < rgb.length; i++) out[i] = rgb[i]! / 255;
    return out;
  }
  // nchw: planes R, G, B.
  for (let p = 0, src = 0; p < pixels; p++, src += 3) {
    out[p] = rgb[src]! / 255;
    out[pixels + p] = rgb[src + 1]! / 255;
    out[2 * pixels + p] = rgb[src + 2]! / 255;
  }
  return out;
}
