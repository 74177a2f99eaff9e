/**
 * CLEAR-MOT and identity (IDF1) metrics for one sequence, following the
 * MOTChallenge devkit's rules:
 * - a ground-truth box and a tracker box can match when their IoU is at least
 *   `iouThreshold` (0.5);
 * - in each frame, a pair matched in the previous frame stays matched while it
 *   still overlaps that much; the other boxes are matched by a min-cost
 *   assignment on 1 - IoU (Hungarian);
 * - an identity switch is a ground-truth object matched to another tracker id
 *   than the one it was last matched to (in any earlier frame);
 * - a fragmentation is a ground-truth object going from tracked to missed
 *   between the first and the last frame it is tracked in (counted over the
 *   frames it is present in, as py-motmetrics does);
 * - MT / ML: tracked in >= 80% / < 20% of the frames it is present in, PT the rest;
 * - MOTA = 1 - (FN + FP + IDsw) / GT boxes; MOTP = mean IoU of the matches
 *   (the devkit's convention; py-motmetrics reports 1 - this);
 * - IDF1 = 2 IDTP / (GT boxes + tracker boxes), IDTP from one global
 *   assignment of tracker ids to ground-truth ids that maximises the frames
 *   in which they overlap by at least the threshold.
 */
import type { Box } from '../detector/detections.js';
import { minCostAssignment } from '../tracker/assignment.js';
import { iou } from '../tracker/geometry.js';
import type { MotRow } from './mot-file.js';

export interface MotMetrics {
  frames: number;
  gt_boxes: number;
  hyp_boxes: number;
  gt_tracks: number;
  hyp_tracks: number;
  matches: number;
  fp: number;
  fn: number;
  idsw: number;
  fm: number;
  mt: number;
  pt: number;
  ml: number;
  mota: number;
  motp: number;
  precision: number;
  recall: number;
  idtp: number;
  idfp: number;
  idfn: number;
  idp: number;
  idr: number;
  idf1: number;
}

export interface EvaluateOptions {
  /** Least IoU for a match (MOTChallenge: 0.5). */
  iouThreshold?: number;
}

interface FrameBoxes {
  gt: Map<number, Box>;
  hyp: Map<number, Box>;
}

function byFrame(gt: readonly MotRow[], hyp: readonly MotRow[]): Map<number, FrameBoxes> {
  const frames = new Map<number, FrameBoxes>();
  const get = (f: number) => {
    let fb = frames.get(f);
    if (!fb) frames.set(f, (fb = { gt: new Map(), hyp: new Map() }));
    return fb;
  };
  for (const r of gt) get(r.frame).gt.set(r.id, r.box);
  for (const r of hyp) get(r.frame).hyp.set(r.id, r.box);
  return frames;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

export function evaluateMot(gt: readonly MotRow[], hyp: readonly MotRow[], options: EvaluateOptions = {}): MotMetrics {
  const threshold = options.iouThreshold ?? 0.5;
  const frames = byFrame(gt, hyp);
  const frameNumbers = [...frames.keys()].sort((a, b) => a - b);

  let matches = 0;
  let fp = 0;
  let fn = 0;
  let idsw = 0;
  let iouSum = 0;
  /** gt id -> hyp id it is matched to in the previous frame. */
  let previous = new Map<number, number>();
  /** gt id -> hyp id it was last matched to, in any frame. */
  const last = new Map<number, number>();
  /** gt id -> per present frame, tracked or not, in frame order. */
  const trackedSeq = new Map<number, boolean[]>();
  /** `${gt},${hyp}` -> frames where both are present and overlap enough (for IDF1). */
  const overlapFrames = new Map<number, Map<number, number>>();

  for (const f of frameNumbers) {
    const { gt: g, hyp: h } = frames.get(f)!;
    const gtIds = [...g.keys()];
    const hypIds = [...h.keys()];
    const current = new Map<number, number>();
    const usedHyp = new Set<number>();

    for (const o of gtIds) {
      for (const hid of hypIds) {
        if (iou(g.get(o)!, h.get(hid)!) < threshold) continue;
        let row = overlapFrames.get(o);
        if (!row) overlapFrames.set(o, (row = new Map()));
        row.set(hid, (row.get(hid) ?? 0) + 1);
      }
    }

    // 1. Keep last frame's pairs that still overlap.
    for (const o of gtIds) {
      const hid = previous.get(o);
      if (hid === undefined || !h.has(hid) || usedHyp.has(hid)) continue;
      const overlap = iou(g.get(o)!, h.get(hid)!);
      if (overlap < threshold) continue;
      current.set(o, hid);
      usedHyp.add(hid);
      iouSum += overlap;
    }
    // 2. Min-cost assignment of the rest on 1 - IoU.
    const freeGt = gtIds.filter((o) => !current.has(o));
    const freeHyp = hypIds.filter((hid) => !usedHyp.has(hid));
    if (freeGt.length > 0 && freeHyp.length > 0) {
      const cost = freeGt.map((o) =>
        freeHyp.map((hid) => {
          const overlap = iou(g.get(o)!, h.get(hid)!);
          return overlap >= threshold ? 1 - overlap : null;
        }),
      );
      minCostAssignment(cost).forEach((j, i) => {
        if (j < 0) return;
        const o = freeGt[i]!;
        const hid = freeHyp[j]!;
        current.set(o, hid);
        usedHyp.add(hid);
        iouSum += 1 - cost[i]![j]!;
        const before = last.get(o);
        if (before !== undefined && before !== hid) idsw++;
      });
    }
    for (const [o, hid] of current) last.set(o, hid);

    matches += current.size;
    fn += gtIds.length - current.size;
    fp += hypIds.length - current.size;
    for (const o of gtIds) {
      let seq = trackedSeq.get(o);
      if (!seq) trackedSeq.set(o, (seq = []));
      seq.push(current.has(o));
    }
    previous = current;
  }

  let fm = 0;
  let mt = 0;
  let pt = 0;
  let ml = 0;
  for (const seq of trackedSeq.values()) {
    const tracked = seq.filter(Boolean).length;
    const share = tracked / seq.length;
    if (share >= 0.8) mt++;
    else if (share < 0.2) ml++;
    else pt++;
    const first = seq.indexOf(true);
    const lastTracked = seq.lastIndexOf(true);
    for (let i = first + 1; first >= 0 && i <= lastTracked; i++) if (seq[i - 1] && !seq[i]) fm++;
  }

  // IDF1: one global assignment of hypothesis ids to ground-truth ids.
  const gtIds = [...new Set(gt.map((r) => r.id))].sort((a, b) => a - b);
  const hypIds = [...new Set(hyp.map((r) => r.id))].sort((a, b) => a - b);
  let idtp = 0;
  if (gtIds.length > 0 && hypIds.length > 0) {
    const overlapOf = (o: number, hid: number) => overlapFrames.get(o)?.get(hid) ?? 0;
    // A pair that never overlaps is allowed at no gain, not forbidden: pairing many ids is not the goal.
    const cost = gtIds.map((o) => hypIds.map((hid) => -overlapOf(o, hid)));
    minCostAssignment(cost).forEach((j, i) => {
      if (j >= 0) idtp += overlapOf(gtIds[i]!, hypIds[j]!);
    });
  }

  const gtBoxes = gt.length;
  const hypBoxes = hyp.length;
  return {
    frames: frameNumbers.length,
    gt_boxes: gtBoxes,
    hyp_boxes: hypBoxes,
    gt_tracks: gtIds.length,
    hyp_tracks: hypIds.length,
    matches,
    fp,
    fn,
    idsw,
    fm,
    mt,
    pt,
    ml,
    mota: gtBoxes > 0 ? 1 - (fn + fp + idsw) / gtBoxes : 0,
    motp: ratio(iouSum, matches),
    precision: ratio(matches, hypBoxes),
    recall: ratio(matches, gtBoxes),
    idtp,
    idfp: hypBoxes - idtp,
    idfn: gtBoxes - idtp,
    idp: ratio(idtp, hypBoxes),
    idr: ratio(idtp, gtBoxes),
    idf1: ratio(2 * idtp, gtBoxes + hypBoxes),
  };
}
