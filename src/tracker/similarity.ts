/**
 * How a detection is judged against the objects a tracker follows: duplicate
 * boxes, the score median, and nearness for pairs whose boxes do not overlap.
 */
import type { Box, Detection } from '../detector/detections.js';
import { iou } from './geometry.js';

/**
 * How far (in box heights per second since the object was last seen, plus
 * NEAR_BASE) a detection may be from where an object is expected and still
 * continue it when their boxes do not overlap enough: at 1 fps a walking
 * person moves a box width between frames, and a new object has no velocity
 * yet. Such a pair scores below any overlapping one (at most NEAR_MAX), so
 * overlap always wins.
 */
export const NEAR_SPEED = 1.2;
export const NEAR_BASE = 0.25;
const NEAR_MAX = 0.19;
/**
 * Similarity (0..NEAR_MAX) of a detection that does not overlap an object's
 * expected box enough: close in center (relative to the object's height and
 * the time since it was seen) and alike in size. 0 = too far or too unlike.
 */
export function nearness(expected: Box, box: Box, elapsedMs: number): number {
  const h = expected[3] - expected[1];
  const w = expected[2] - expected[0];
  const bh = box[3] - box[1];
  const bw = box[2] - box[0];
  if (h <= 0 || w <= 0 || bh <= 0 || bw <= 0) return 0;
  const ratio = Math.max(h / bh, bh / h, w / bw, bw / w);
  if (ratio > 1.5) return 0;
  const radius = h * (NEAR_BASE + NEAR_SPEED * Math.min(elapsedMs, 3000) / 1000);
  const d = Math.hypot((expected[0] + expected[2] - box[0] - box[2]) / 2, (expected[1] + expected[3] - box[1] - box[3]) / 2);
  return d < radius ? NEAR_MAX * (1 - d / radius) : 0;
}

/**
 * A box of which at least this share lies inside another same-label box counts as covered by it. A box that
 * covers two or more other boxes of its label is a group box: a small detector's one box around two people
 * walking side by side, which NMS keeps (its IoU with each of them is low) and which would otherwise be
 * counted as a third object.
 */
export const GROUP_COVER = 0.6;

function coveredBy(inner: Box, outer: Box): boolean {
  const w = Math.min(inner[2], outer[2]) - Math.max(inner[0], outer[0]);
  const h = Math.min(inner[3], outer[3]) - Math.max(inner[1], outer[1]);
  const area = (inner[2] - inner[0]) * (inner[3] - inner[1]);
  return w > 0 && h > 0 && area > 0 && (w * h) / area >= GROUP_COVER;
}

/**
 * Same-label boxes overlapping by `minIou` or more are one detection: the best-scoring box, in input order
 * otherwise. Then a box covering two or more of the remaining boxes of its label (a group box) is dropped.
 */
export function dedupe(detections: readonly Detection[], minIou: number): Detection[] {
  const order = detections.map((d, i) => ({ d, i })).sort((a, b) => b.d.score - a.d.score || a.i - b.i);
  const kept: Array<{ d: Detection; i: number }> = [];
  for (const c of order) {
    if (kept.some((k) => k.d.label === c.d.label && iou(k.d.box, c.d.box) >= minIou)) continue;
    kept.push(c);
  }
  const single = kept.filter((g) => kept.filter((k) => k !== g && k.d.label === g.d.label && coveredBy(k.d.box, g.d.box)).length < 2);
  return single.sort((a, b) => a.i - b.i).map((k) => k.d);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
