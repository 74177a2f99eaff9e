/**
 * Greedy non-maximum suppression as Ultralytics applies it after decoding:
 * highest score first, a box is dropped when its IoU with an already kept box
 * of the same class (any class when agnostic) exceeds the threshold.
 */

/** Candidate boxes in structure-of-arrays form: index i is one box. */
export interface Candidates {
  count: number;
  x1: number[];
  y1: number[];
  x2: number[];
  y2: number[];
  score: number[];
  classId: number[];
}

export interface NmsOptions {
  iouThreshold: number;
  maxDet: number;
  agnostic: boolean;
}

export function iou(c: Candidates, a: number, b: number): number {
  const iw = Math.min(c.x2[a]!, c.x2[b]!) - Math.max(c.x1[a]!, c.x1[b]!);
  if (iw <= 0) return 0;
  const ih = Math.min(c.y2[a]!, c.y2[b]!) - Math.max(c.y1[a]!, c.y1[b]!);
  if (ih <= 0) return 0;
  const inter = iw * ih;
  const areaA = (c.x2[a]! - c.x1[a]!) * (c.y2[a]! - c.y1[a]!);
  const areaB = (c.x2[b]! - c.x1[b]!) * (c.y2[b]! - c.y1[b]!);
  return inter / (areaA + areaB - inter);
}

/** Indices of the kept candidates, best score first (ties keep input order). */
export function nms(c: Candidates, options: NmsOptions): number[] {
  const order = Array.from({ length: c.count }, (_, i) => i);
  order.sort((a, b) => c.score[b]! - c.score[a]! || a - b);
  const kept: number[] = [];
  for (const i of order) {
    if (kept.length >= options.maxDet) break;
    let suppressed = false;
    for (const k of kept) {
      if (!options.agnostic && c.classId[k] !== c.classId[i]) continue;
      if (iou(c, i, k) > options.iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) kept.push(i);
  }
  return kept;
}
