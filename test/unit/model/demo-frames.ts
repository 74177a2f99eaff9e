/**
 * Frames of the demo clip (config/demo/vtest.mp4, 768x576, 795 frames),
 * letterboxed by ffmpeg exactly as the daemon's ingest does, for the model
 * tests that run on real footage from committed files only.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeLetterbox, type Letterbox } from '../../../src/ingest/letterbox.js';
import { decodeFrames, probeMedia } from '../../../src/detector/media.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEMO_CLIP = path.join(ROOT, 'config/demo/vtest.mp4');
export const STUDENT_DIR = path.join(ROOT, 'models/yolov8-mnv3');
export const TEACHER_DIR = path.join(ROOT, 'models/mb3-centernet');

export interface DemoFrame { index: number; rgb: Buffer; lb: Letterbox }

/** The frames at `indices` (ascending), letterboxed to size x size. */
export async function demoFrames(size: number, indices: number[]): Promise<DemoFrame[]> {
  const info = await probeMedia(DEMO_CLIP);
  const lb = computeLetterbox(info.width, info.height, size, size);
  const want = new Set(indices);
  const last = Math.max(...indices);
  const out: DemoFrame[] = [];
  let i = 0;
  for await (const rgb of decodeFrames(DEMO_CLIP, size, size, lb)) {
    if (want.has(i)) out.push({ index: i, rgb: Buffer.from(rgb), lb });
    if (++i > last) break;
  }
  return out;
}

/** IoU of two boxes [x1, y1, x2, y2]. */
export function boxIou(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
  const h = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter);
}
