import test from 'ava';
import { compareDetections, type DetectLine, type DetectObject } from '../../arm64/compare.js';

const obj = (label: string, score: number, box: [number, number, number, number]): DetectObject => ({ label, class_id: label === 'person' ? 0 : 2, score, box });
const line = (objects: DetectObject[], frame = 0): DetectLine => ({ file: 'a.jpg', frame, width: 768, height: 576, inference_ms: 1, objects });

test('equal outputs compare ok with zero differences', (t) => {
  const ref = [line([obj('person', 0.91, [1, 2, 3, 4]), obj('car', 0.5, [10, 20, 30, 40])])];
  const cmp = compareDetections(ref, structuredClone(ref));
  t.deepEqual(cmp, { ok: true, problems: [], frames: 1, objects: 2, maxBoxDiff: 0, maxScoreDiff: 0 }, 'no problems, no differences');
});

test('boxes within 0.5 px and scores within 1e-4 pass, in either order', (t) => {
  const ref = [line([obj('person', 0.5001, [1, 2, 3, 4]), obj('person', 0.5, [100, 2, 130, 4])])];
  const got = [line([obj('person', 0.5001, [100.5, 2, 130, 4]), obj('person', 0.5, [1, 2.5, 3, 4])])];
  const cmp = compareDetections(ref, got);
  t.true(cmp.ok, `swapped near-equal scores still pair up: ${cmp.problems.join('; ')}`);
  t.is(cmp.maxBoxDiff, 0.5, 'largest box difference is 0.5 px');
  t.true(Math.abs(cmp.maxScoreDiff - 1e-4) < 1e-9, 'largest score difference is 1e-4');
});

test('a box 0.51 px off, a score 2e-4 off, a wrong label and a missing object are each reported', (t) => {
  const ref = [line([obj('person', 0.9, [1, 2, 3, 4]), obj('person', 0.8, [50, 50, 60, 60]), obj('car', 0.7, [5, 5, 9, 9])])];
  const got = [line([obj('person', 0.9, [1.51, 2, 3, 4]), obj('person', 0.8002, [50, 50, 60, 60]), obj('person', 0.7, [5, 5, 9, 9])])];
  const cmp = compareDetections(ref, got);
  t.false(cmp.ok, 'not ok');
  t.deepEqual(
    cmp.problems,
    [
      'a.jpg#0: person x64 0.9 [1, 2, 3, 4] vs arm64 0.9 [1.51, 2, 3, 4]',
      'a.jpg#0: person x64 0.8 [50, 50, 60, 60] vs arm64 0.8002 [50, 50, 60, 60]',
      "a.jpg#0: x64's car 0.7 [5, 5, 9, 9] has no car on arm64",
      "a.jpg#0: arm64's person 0.7 [5, 5, 9, 9] is not in the x64 output",
    ],
    'one problem per difference',
  );
});

test('a different number of frames is reported', (t) => {
  const cmp = compareDetections([line([], 0), line([], 1)], [line([], 0)]);
  t.deepEqual(cmp.problems, ['x64 printed 2 frame line(s), arm64 1'], 'frame count differs');
});
