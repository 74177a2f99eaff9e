import test from 'ava';
import type { ImageEval } from '../../../training/tools/coco-map.js';
import { atPrecision, bestF1, prAt } from '../../../training/tools/operating-point.js';

type B = [number, number, number, number];
const box = (x: number): B => [x, 0, x + 10, 10];
// Two people and a car; detections: a hit at 0.9, a false person at 0.6, a hit at 0.3,
// a duplicate of the first at 0.2 (a false positive once its box is taken), the car at 0.5.
const images: ImageEval[] = [{
  gt: [{ classId: 0, box: box(0) }, { classId: 0, box: box(20) }, { classId: 2, box: box(40) }],
  dets: [
    { classId: 0, score: 0.9, box: box(0) },
    { classId: 0, score: 0.6, box: box(100) },
    { classId: 0, score: 0.3, box: box(20) },
    { classId: 0, score: 0.2, box: box(0) },
    { classId: 2, score: 0.5, box: box(40) },
  ],
}];
const person = new Set([0]);

test('precision and recall at a threshold count the detections at or above it', (t) => {
  t.like(prAt(images, person, 0.6), { tp: 1, dets: 2, gt: 2, precision: 0.5, recall: 0.5 });
  t.like(prAt(images, person, 0.3), { tp: 2, dets: 3, gt: 2, recall: 1 });
  t.like(prAt(images, person, 0.95), { tp: 0, dets: 0, precision: 1, recall: 0, f1: 0 });
  t.like(prAt(images, new Set([0, 2]), 0.5), { tp: 2, dets: 3, gt: 3 }, 'classes pooled, each matched within its class');
  t.like(prAt(images, new Set([2]), 0.1), { tp: 1, dets: 1 }, 'a person box never matches the car');
});

test('the best-F1 threshold is a detection score, and the duplicate below it does not move it', (t) => {
  const b = bestF1(images, person);
  t.is(b.threshold, 0.3);
  t.is(b.f1, 0.8, 'P 2/3, R 1');
  t.like(bestF1([{ gt: images[0]!.gt, dets: [] }], person), { f1: 0, recall: 0 }, 'no detections: F1 0');
});

test('the threshold for a precision target keeps the most recall that still reaches the target', (t) => {
  t.like(atPrecision(images, person, 0.85), { threshold: 0.9, tp: 1, dets: 1, precision: 1, recall: 0.5 }, 'only the first hit stays at P >= 85%');
  t.like(atPrecision(images, person, 0.6), { threshold: 0.3, tp: 2, dets: 3, recall: 1 }, 'P 2/3 reaches 60% with all the recall');
  t.is(atPrecision([{ gt: images[0]!.gt, dets: [{ classId: 0, score: 0.9, box: box(100) }] }], person, 0.5), null, 'no threshold reaches it');
});
