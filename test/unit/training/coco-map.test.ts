import test from 'ava';
import { averagePrecision, iou, meanAp, type ImageEval } from '../../../training/tools/coco-map.js';

test('iou of boxes: identical 1, disjoint 0, half-overlapping 1/3', (t) => {
  t.is(iou([0, 0, 10, 10], [0, 0, 10, 10]), 1, 'identical');
  t.is(iou([0, 0, 10, 10], [20, 20, 30, 30]), 0, 'disjoint');
  t.is(iou([0, 0, 10, 10], [5, 0, 15, 10]), 50 / 150, 'half overlap');
});

test('AP: perfect detections score 1; a higher-scored false positive halves precision at the first recall points', (t) => {
  const gt = [{ classId: 0, box: [0, 0, 10, 10] as [number, number, number, number] }];
  const perfect: ImageEval[] = [{ gt, dets: [{ classId: 0, score: 0.9, box: [0, 0, 10, 10] }] }];
  t.is(averagePrecision(perfect, 0, 0.5), 1, 'one exact hit');
  const withFp: ImageEval[] = [{ gt, dets: [{ classId: 0, score: 0.95, box: [50, 50, 60, 60] }, { classId: 0, score: 0.9, box: [0, 0, 10, 10] }] }];
  t.is(averagePrecision(withFp, 0, 0.5), 0.5, 'precision 1/2 at recall 1, interpolated over all 101 points');
  t.is(averagePrecision(perfect, 3, 0.5), null, 'no ground truth for the class: not scored');
  const r = meanAp(perfect, 80);
  t.deepEqual([r.classes, r.map50, r.map5095], [1, 1, 1], 'one class with ground truth, exact at every threshold');
});

test('AP at IoU 0.75 drops a box that only overlaps 0.6; each ground-truth box is matched once', (t) => {
  const gt = [{ classId: 0, box: [0, 0, 10, 10] as [number, number, number, number] }];
  const loose: ImageEval[] = [{ gt, dets: [{ classId: 0, score: 0.9, box: [0, 0, 10, 16.67] }] }];
  t.is(averagePrecision(loose, 0, 0.5), 1, 'IoU 0.6 counts at 0.5');
  t.is(averagePrecision(loose, 0, 0.75), 0, 'but not at 0.75');
  const dup: ImageEval[] = [{ gt, dets: [{ classId: 0, score: 0.9, box: [0, 0, 10, 10] }, { classId: 0, score: 0.8, box: [0, 0, 10, 10] }] }];
  t.is(averagePrecision(dup, 0, 0.5), 1, 'the duplicate after full recall does not lower interpolated AP');
});
