/**
 * Letterbox geometry: the source frame is scaled to fit inside the detector
 * input keeping its aspect ratio, then padded (gray 114, like Ultralytics) to
 * the exact detector size. ffmpeg is given these exact numbers, so detector
 * boxes can be mapped back to source pixels without guessing what ffmpeg
 * rounded to.
 */
export interface Letterbox {
  srcWidth: number;
  srcHeight: number;
  dstWidth: number;
  dstHeight: number;
  /** Size of the scaled image inside the padded frame (integers). */
  scaledWidth: number;
  scaledHeight: number;
  /** Left and top padding in detector pixels. */
  padX: number;
  padY: number;
  /** scaled / source, per axis (rounding makes them differ slightly). */
  scaleX: number;
  scaleY: number;
}

/** Gray 114 as ffmpeg's pad filter wants it. */
export const PAD_COLOR = '0x727272';

export function computeLetterbox(srcW: number, srcH: number, dstW: number, dstH: number): Letterbox {
  for (const [name, v] of [['srcW', srcW], ['srcH', srcH], ['dstW', dstW], ['dstH', dstH]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`computeLetterbox: ${name} must be a positive integer, got ${v}`);
  }
  // Compare ratios with integer cross-multiplication so equal aspect ratios
  // never lose a pixel to floating point.
  let scaledWidth: number;
  let scaledHeight: number;
  if (srcW * dstH >= srcH * dstW) {
    scaledWidth = dstW;
    scaledHeight = Math.max(1, Math.min(dstH, Math.round((srcH * dstW) / srcW)));
  } else {
    scaledHeight = dstH;
    scaledWidth = Math.max(1, Math.min(dstW, Math.round((srcW * dstH) / srcH)));
  }
  return {
    srcWidth: srcW,
    srcHeight: srcH,
    dstWidth: dstW,
    dstHeight: dstH,
    scaledWidth,
    scaledHeight,
    padX: Math.floor((dstW - scaledWidth) / 2),
    padY: Math.floor((dstH - scaledHeight) / 2),
    scaleX: scaledWidth / srcW,
    scaleY: scaledHeight / srcH,
  };
}

/**
 * Maps a point in detector pixels to source pixels. Points in the padding
 * have no source pixel, so they are clamped to the source frame's edges; a
 * box that spills into the padding then still lies inside the image.
 */
export function toSourcePoint(lb: Letterbox, x: number, y: number): { x: number; y: number } {
  const sx = (x - lb.padX) / lb.scaleX;
  const sy = (y - lb.padY) / lb.scaleY;
  return {
    x: Math.min(lb.srcWidth, Math.max(0, sx)),
    y: Math.min(lb.srcHeight, Math.max(0, sy)),
  };
}
