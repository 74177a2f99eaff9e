import test from 'ava';
import { decodeYolo, outputLayout, type InputBox } from '../../../src/detector/yolo-decode.js';
import type { ModelOutput } from '../../../src/detector/model.js';

interface Anchor { cx: number; cy: number; w: number; h: number; scores: Record<number, number> }

/** Builds a YOLOv8 output for `nc` classes in either layout from a list of anchors. */
function yoloOutput(anchors: Anchor[], nc: number, layout: 'channels-first' | 'anchors-first'): ModelOutput {
  const rows = 4 + nc;
  const n = anchors.length;
  const data = new Float32Array(rows * n);
  const set = (r: number, i: number, v: number) => {
    data[layout === 'channels-first' ? r * n + i : i * rows + r] = v;
  };
  anchors.forEach((a, i) => {
    [a.cx, a.cy, a.w, a.h].forEach((v, r) => set(r, i, v));
    for (const [k, v] of Object.entries(a.scores)) set(4 + Number(k), i, v);
  });
  return { data, dims: layout === 'channels-first' ? [1, rows, n] : [1, n, rows] };
}

const f = Math.fround;
// A0 and A1 overlap with IoU 360/440 = 0.818 (same class 3); A2 is A1's box in class 5;
// A3 scores 0.3 (between the 0.25 default and 0.4); A4 scores nothing above 0.1.
const anchors: Anchor[] = [
  { cx: 50, cy: 50, w: 20, h: 20, scores: { 3: 0.9 } },
  { cx: 52, cy: 50, w: 20, h: 20, scores: { 3: 0.8, 1: 0.2 } },
  { cx: 52, cy: 50, w: 20, h: 20, scores: { 5: 0.85 } },
  { cx: 200, cy: 100, w: 40, h: 10, scores: { 0: 0.3 } },
  { cx: 10, cy: 10, w: 4, h: 4, scores: { 7: 0.1, 79: 0.1 } },
];
const a0: InputBox = { x1: 40, y1: 40, x2: 60, y2: 60, score: f(0.9), classId: 3 };
const a2: InputBox = { x1: 42, y1: 40, x2: 62, y2: 60, score: f(0.85), classId: 5 };
const a3: InputBox = { x1: 180, y1: 95, x2: 220, y2: 105, score: f(0.3), classId: 0 };

for (const layout of ['channels-first', 'anchors-first'] as const) {
  const out = yoloOutput(anchors, 80, layout);

  test(`${layout} [${out.dims.join(',')}]: layout detected from 4+nc`, (t) => {
    t.is(outputLayout(out.dims, 80), layout, 'dims compared with 4+80 = 84');
  });

  test(`${layout}: class-wise NMS keeps the other-class overlap, drops the same-class one`, (t) => {
    t.deepEqual(decodeYolo(out, 80), [a0, a2, a3], 'A1 suppressed by A0 (IoU 0.818 > 0.7), A2 kept (class 5), A3 kept at 0.25, A4 under threshold');
  });

  test(`${layout}: agnostic NMS also drops the other-class overlap`, (t) => {
    t.deepEqual(decodeYolo(out, 80, { agnostic: true }), [a0, a3], 'A2 suppressed by A0 across classes');
  });

  test(`${layout}: score threshold 0.4 drops A3 (0.3)`, (t) => {
    t.deepEqual(decodeYolo(out, 80, { scoreThreshold: 0.4 }), [a0, a2], 'only scores >= 0.4 remain');
  });

  test(`${layout}: IoU threshold 0.9 keeps both same-class boxes`, (t) => {
    const a1: InputBox = { x1: 42, y1: 40, x2: 62, y2: 60, score: f(0.8), classId: 3 };
    t.deepEqual(decodeYolo(out, 80, { iouThreshold: 0.9 }), [a0, a2, a1, a3], 'IoU 0.818 is under 0.9, sorted by score');
  });
}

test('IoU exactly at the threshold is kept (suppression needs IoU > threshold)', (t) => {
  // [0,0,10,10] vs [0,0,10,5]: IoU = 50/100 = 0.5.
  const out = yoloOutput([
    { cx: 5, cy: 5, w: 10, h: 10, scores: { 0: 0.9 } },
    { cx: 5, cy: 2.5, w: 10, h: 5, scores: { 0: 0.8 } },
  ], 1, 'channels-first');
  t.is(decodeYolo(out, 1, { iouThreshold: 0.5 }).length, 2, 'both boxes kept at IoU == 0.5');
  t.is(decodeYolo(out, 1, { iouThreshold: 0.49 }).length, 1, 'second box dropped at threshold 0.49');
});

test('maxDet keeps the highest-scoring boxes only', (t) => {
  const out = yoloOutput([
    { cx: 10, cy: 10, w: 5, h: 5, scores: { 0: 0.5 } },
    { cx: 50, cy: 10, w: 5, h: 5, scores: { 0: 0.7 } },
    { cx: 90, cy: 10, w: 5, h: 5, scores: { 0: 0.6 } },
  ], 1, 'anchors-first');
  t.deepEqual(decodeYolo(out, 1, { maxDet: 2 }).map((b) => b.x1), [47.5, 87.5], 'the 0.7 and 0.6 boxes, best first');
});

test('each anchor reports its best class only', (t) => {
  const out = yoloOutput([{ cx: 10, cy: 10, w: 4, h: 4, scores: { 0: 0.5, 1: 0.6, 2: 0.55 } }], 3, 'channels-first');
  t.deepEqual(decodeYolo(out, 3).map((b) => b.classId), [1], 'class 1 (0.6) wins; no second box for the same anchor');
});

test('NaN scores are rejected, not kept', (t) => {
  const out = yoloOutput([{ cx: 10, cy: 10, w: 4, h: 4, scores: { 0: NaN } }], 1, 'channels-first');
  t.deepEqual(decodeYolo(out, 1), [], 'NaN never passes the threshold');
});

test('output matching neither layout throws', (t) => {
  t.is(outputLayout([1, 85, 2100], 80), null, '85 rows is not 4+80');
  t.is(outputLayout([84, 2100], 80), null, 'rank 2 is not a YOLOv8 output');
  t.throws(() => decodeYolo({ data: new Float32Array(85 * 3), dims: [1, 85, 3] }, 80), { message: /neither \[1,84,N\] nor \[1,N,84\]/ }, 'decoder refuses the shape');
});

test('an N equal to 4+nc is read as Ultralytics [1,4+nc,N]', (t) => {
  t.is(outputLayout([1, 6, 6], 2), 'channels-first', 'ambiguous square output defaults to channels-first');
});
