import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computeLetterbox } from '../../../src/ingest/letterbox.js';
import { identityLetterbox, mapBoxToSource, toDetections } from '../../../src/detector/detections.js';
import { applyFilter, defaultDetectFilter, resolveFilter, unknownFilterLabels } from '../../../src/detector/filters.js';
import { modelMinScore } from '../../../src/detector/model-dir.js';
import { preprocessRgb24 } from '../../../src/detector/preprocess.js';

test('landscape 640x360 into 320x320: pad 70 top, factor 2', (t) => {
  const lb = computeLetterbox(640, 360, 320, 320);
  t.like(lb, { scaledWidth: 320, scaledHeight: 180, padX: 0, padY: 70 }, 'letterbox geometry as ffmpeg gets it');
  t.deepEqual(mapBoxToSource(lb, 32, 88, 64, 106), [64, 36, 128, 72], 'x*2, (y-70)*2');
});

test('portrait 360x640 into 320x320: pad 70 left', (t) => {
  const lb = computeLetterbox(360, 640, 320, 320);
  t.like(lb, { scaledWidth: 180, scaledHeight: 320, padX: 70, padY: 0 }, 'letterbox geometry');
  t.deepEqual(mapBoxToSource(lb, 80, 10, 160, 20), [20, 20, 180, 40], '(x-70)*2, y*2');
});

test('768x576 into 320x320: factor 2.4, pad 40 top', (t) => {
  const lb = computeLetterbox(768, 576, 320, 320);
  t.like(lb, { scaledWidth: 320, scaledHeight: 240, padX: 0, padY: 40 }, 'letterbox geometry');
  t.deepEqual(mapBoxToSource(lb, 100, 50, 200, 150), [240, 24, 480, 264], 'x*2.4, (y-40)*2.4');
});

test('boxes reaching into the padding or past the frame are clipped to the source', (t) => {
  const lb = computeLetterbox(640, 360, 320, 320);
  t.deepEqual(mapBoxToSource(lb, -10, 30, 330, 300), [0, 0, 640, 360], 'every edge clipped');
});

test('toDetections adds label, box_norm fractions, and keeps the score', (t) => {
  const lb = computeLetterbox(640, 360, 320, 320);
  const [d] = toDetections([{ x1: 32, y1: 88, x2: 64, y2: 106, score: 0.75, classId: 1 }], ['person', 'car'], lb);
  t.deepEqual(d, { label: 'car', class_id: 1, score: 0.75, box: [64, 36, 128, 72], box_norm: [0.1, 0.1, 0.2, 0.2] }, 'full detection object');
});

test('identity letterbox leaves boxes unchanged', (t) => {
  t.deepEqual(mapBoxToSource(identityLetterbox(100, 50), 1, 2, 30, 40), [1, 2, 30, 40], 'no scaling or padding');
});

const det = (label: string, score: number, box_norm: [number, number, number, number]) => ({
  label, class_id: 0, score, box: [0, 0, 0, 0] as [number, number, number, number], box_norm,
});

test('filters: default min_score 0.4, all labels, no min area', (t) => {
  const kept = applyFilter([det('person', 0.39, [0, 0, 1, 1]), det('car', 0.4, [0, 0, 0.01, 0.01])], defaultDetectFilter);
  t.deepEqual(kept.map((d) => d.label), ['car'], '0.39 dropped, 0.4 kept, tiny box kept');
});

test("filters: min_score 'model' takes the model's own default; a number is kept", (t) => {
  const configured = { labels: [], min_score: 'model' as const, min_area: 0, file: 'cam.json' };
  t.deepEqual(resolveFilter(configured, 0.25), { labels: [], min_score: 0.25, min_area: 0, file: 'cam.json' }, "'model' -> the model's score");
  t.is(resolveFilter({ ...configured, min_score: 0.6 }, 0.25).min_score, 0.6, 'an explicit score wins');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-minscore-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  t.is(modelMinScore(dir, 0.4), 0.4, 'no lookout-model.json: the fallback');
  fs.writeFileSync(path.join(dir, 'lookout-model.json'), JSON.stringify({ labels: ['a'] }));
  t.is(modelMinScore(dir, 0.4), 0.4, 'no min_score in it: the fallback');
  fs.writeFileSync(path.join(dir, 'lookout-model.json'), JSON.stringify({ labels: ['a'], min_score: 0.25 }));
  t.is(modelMinScore(dir, 0.4), 0.25, "the model's min_score");
});

test('filters: label list and min_area as a fraction of the frame', (t) => {
  const filter = { labels: ['person'], min_score: 0.1, min_area: 0.05 };
  const kept = applyFilter([
    det('person', 0.9, [0, 0, 0.2, 0.2]), // area 0.04
    det('person', 0.9, [0, 0, 0.5, 0.1]), // area 0.05
    det('car', 0.9, [0, 0, 1, 1]),
  ], filter);
  t.deepEqual(kept.map((d) => d.box_norm[2]), [0.5], 'only the person box with area >= 0.05');
  t.deepEqual(unknownFilterLabels({ ...filter, labels: ['person', 'persn'] }, ['person', 'car']), ['persn'], 'typo reported');
});

test('preprocess: rgb24 -> NCHW planes and NHWC interleaved, /255', (t) => {
  const rgb = Uint8Array.from([255, 0, 51, 102, 153, 204]); // 2x1 pixels
  t.deepEqual(Array.from(preprocessRgb24(rgb, 2, 1, 'nchw')), [1, 0.4, 0, 0.6, 0.2, 0.8].map(Math.fround), 'R plane, G plane, B plane');
  t.deepEqual(Array.from(preprocessRgb24(rgb, 2, 1, 'nhwc')), [1, 0, 0.2, 0.4, 0.6, 0.8].map(Math.fround), 'same order as the bytes');
  t.throws(() => preprocessRgb24(rgb, 3, 1, 'nchw'), { message: /expected 3x1x3 = 9/ }, 'wrong frame size refused');
});
