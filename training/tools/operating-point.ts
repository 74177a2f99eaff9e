/**
 * Precision, recall and F1 against a score threshold, at IoU 0.5, pooled over
 * the chosen classes: every detection is matched within its class the way
 * AP@0.5 matches it (highest score first, to the unmatched ground-truth box
 * of highest IoU), so a threshold keeps exactly the matches above it.
 * Used to report each model's operating point: how its default min_score
 * compares with the threshold that maximises F1 on held-out images.
 */
import { iou, type Box, type ImageEval } from './coco-map.js';

export interface PrPoint { threshold: number; precision: number; recall: number; f1: number; tp: number; dets: number; gt: number }

/** (score, is true positive) for every detection of `classIds`, plus the ground-truth count. */
function matched(images: ImageEval[], classIds: Set<number>): { hits: Array<[number, boolean]>; gt: number } {
  const hits: Array<[number, boolean]> = [];
  let gt = 0;
  for (const im of images) {
    for (const c of classIds) {
      const gts = im.gt.filter((g) => g.classId === c).map((g) => g.box);
      gt += gts.length;
      const used = gts.map(() => false);
      const dets = im.dets.filter((d) => d.classId === c).sort((a, b) => b.score - a.score);
      for (const d of dets) {
        let best = -1;
        let bestIou = 0.5;
        gts.forEach((g: Box, j) => {
          const v = used[j] ? 0 : iou(d.box, g);
          if (v >= bestIou) { bestIou = v; best = j; }
        });
        if (best >= 0) used[best] = true;
        hits.push([d.score, best >= 0]);
      }
    }
  }
  return { hits, gt };
}

/** The point at `threshold` (detections with score >= threshold). */
export function prAt(images: ImageEval[], classIds: Set<number>, threshold: number): PrPoint {
  const { hits, gt } = matched(images, classIds);
  const kept = hits.filter(([s]) => s >= threshold);
  const tp = kept.filter(([, h]) => h).length;
  return point(threshold, tp, kept.length, gt);
}

/** The threshold (one of the detection scores) with the highest F1; ties go to the higher threshold. */
export function bestF1(images: ImageEval[], classIds: Set<number>): PrPoint {
  const { hits, gt } = matched(images, classIds);
  hits.sort((a, b) => b[0] - a[0]);
  let best = point(1, 0, 0, gt);
  let tp = 0;
  hits.forEach(([s, h], i) => {
    if (h) tp++;
    // Only at the last detection of a run of equal scores is the threshold's set complete.
    if (i + 1 < hits.length && hits[i + 1]![0] === s) return;
    const p = point(s, tp, i + 1, gt);
    if (p.f1 > best.f1) best = p;
  });
  return best;
}

function point(threshold: number, tp: number, dets: number, gt: number): PrPoint {
  const precision = dets ? tp / dets : 1;
  const recall = gt ? tp / gt : 0;
  const f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
  return { threshold, precision, recall, f1, tp, dets, gt };
}

/**
 * The point of highest recall whose precision is at least `minPrecision` (the lowest such threshold),
 * or null when no threshold reaches it. How a default min_score is picked for a precision target.
 */
export function atPrecision(images: ImageEval[], classIds: Set<number>, minPrecision: number): PrPoint | null {
  const { hits, gt } = matched(images, classIds);
  hits.sort((a, b) => b[0] - a[0]);
  let best: PrPoint | null = null;
  let tp = 0;
  hits.forEach(([s, h], i) => {
    if (h) tp++;
    if (i + 1 < hits.length && hits[i + 1]![0] === s) return;
    const p = point(s, tp, i + 1, gt);
    if (p.precision >= minPrecision && (best === null || p.recall > best.recall)) best = p;
  });
  return best;
}
