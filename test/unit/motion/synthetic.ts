/** Synthetic letterboxed rgb24 frames for motion tests: a gray scene, optionally with a bright square. */
import type { Frame } from '../../../src/ingest/frame.js';
import { computeLetterbox } from '../../../src/ingest/letterbox.js';

/** 320x240 picture letterboxed into 320x320 (40 px of padding above and below), like the RTSP fixture. */
export const LB = computeLetterbox(320, 240, 320, 320);

export interface Square {
  x: number;
  y: number;
  size: number;
}

/** A frame of gray `bg` (0..255) picture with white squares at picture coordinates; padding is gray 114. */
export function syntheticFrame(seq: number, squares: Square[] = [], bg = 100): Frame {
  const { dstWidth: w, dstHeight: h, padX, padY, scaledWidth, scaledHeight } = LB;
  const data = Buffer.alloc(w * h * 3, 114);
  for (let y = 0; y < scaledHeight; y++) {
    for (let x = 0; x < scaledWidth; x++) {
      const inSquare = squares.some((s) => x >= s.x && x < s.x + s.size && y >= s.y && y < s.y + s.size);
      const v = inSquare ? 255 : bg;
      const i = ((padY + y) * w + padX + x) * 3;
      data[i] = v;
      data[i + 1] = v;
      data[i + 2] = v;
    }
  }
  return { camera: 'cam', seq, capturedAt: 0, width: w, height: h, data, letterbox: LB };
}
