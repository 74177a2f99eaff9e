/**
 * COCO-style average precision: per class, detections of all images sorted by
 * score, each matched to the unmatched ground-truth box of highest IoU >= t;
 * precision made monotone, sampled at 101 recall points; averaged over the
 * classes that have ground truth; mAP@0.5:0.95 averages t = 0.50..0.95.
 * At most `maxDets` detections per image (highest scores), as COCO does.
 */
export type Box = [number, number, number, number];
export interface GtBox { classId: number; box: Box }
export interface DetBox { classId: number; box: Box; score: number }
export interface ImageEval { gt: GtBox[]; dets: DetBox[] }

export const IOU_THRESHOLDS = Array.from({ length: 10 }, (_, i) => 0.5 + 0.05 * i);

export function iou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const ua = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return ua > 0 ? inter / ua : 0;
}

/** AP of one class at one IoU threshold; null when the class has no ground truth. */
export function averagePrecision(images: ImageEval[], classId: number, t: number, maxDets = 100): number | null {
  let nGt = 0;
  const dets: Array<{ img: number; box: Box; score: number }> = [];
  images.forEach((im, k) => {
    nGt += im.gt.filter((g) => g.classId === classId).length;
    const top = [...im.dets].sort((a, b) => b.score - a.score).slice(0, maxDets);
    for (const d of top) if (d.classId === classId) dets.push({ img: k, box: d.box, score: d.score });
  });
  if (nGt === 0) return null;
  dets.sort((a, b) => b.score - a.score);
  const used = images.map((im) => im.gt.map(() => false));
  const tp: number[] = [];
  for (const d of dets) {
    const gts = images[d.img]!.gt;
    let best = -1;
    let bestIou = t;
    gts.forEach((g, j) => {
      if (g.classId !== classId || used[d.img]![j]) return;
      const v = iou(d.box, g.box);
      if (v >= bestIou) { bestIou = v; best = j; }
    });
    if (best >= 0) used[d.img]![best] = true;
    tp.push(best >= 0 ? 1 : 0);
  }
  const prec: number[] = [];
  const rec: number[] = [];
  let ctp = 0;
  tp.forEach((v, i) => { ctp += v; prec.push(ctp / (i + 1)); rec.push(ctp / nGt); });
  for (let i = prec.length - 2; i >= 0; i--) prec[i] = Math.max(prec[i]!, prec[i + 1]!);
  let sum = 0;
  let j = 0;
  for (let r = 0; r <= 100; r++) {
    const rr = r / 100;
    while (j < rec.length && rec[j]! < rr) j++;
    sum += j < prec.length ? prec[j]! : 0;
  }
  return sum / 101;
}

export interface MapResult { map50: number; map5095: number; perClass: Map<number, { ap50: number; ap5095: number }>; classes: number }

export function meanAp(images: ImageEval[], nc: number): MapResult {
  const perClass = new Map<number, { ap50: number; ap5095: number }>();
  for (let c = 0; c < nc; c++) {
    const aps = IOU_THRESHOLDS.map((t) => averagePrecision(images, c, t));
    if (aps[0] === null) continue;
    const vals = aps as number[];
    perClass.set(c, { ap50: vals[0]!, ap5095: vals.reduce((a, b) => a + b, 0) / vals.length });
  }
  const list = [...perClass.values()];
  const avg = (f: (v: { ap50: number; ap5095: number }) => number) => (list.length ? list.reduce((a, v) => a + f(v), 0) / list.length : 0);
  return { map50: avg((v) => v.ap50), map5095: avg((v) => v.ap5095), perClass, classes: list.length };
}
