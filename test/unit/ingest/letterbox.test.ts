import test from 'ava';
import { computeLetterbox, toSourcePoint } from '../../../src/ingest/letterbox.js';

test('768x576 into 320x320: full width, 240 high, 40 px bars top and bottom', (t) => {
  t.deepEqual(computeLetterbox(768, 576, 320, 320), {
    srcWidth: 768, srcHeight: 576, dstWidth: 320, dstHeight: 320,
    scaledWidth: 320, scaledHeight: 240, padX: 0, padY: 40,
    scaleX: 320 / 768, scaleY: 240 / 576,
  });
});

test('1920x1080 into 640x640: 640x360 with 140 px bars', (t) => {
  t.deepEqual(computeLetterbox(1920, 1080, 640, 640), {
    srcWidth: 1920, srcHeight: 1080, dstWidth: 640, dstHeight: 640,
    scaledWidth: 640, scaledHeight: 360, padX: 0, padY: 140,
    scaleX: 1 / 3, scaleY: 1 / 3,
  });
});

test('576x768 portrait into 320x320: bars left and right', (t) => {
  t.deepEqual(computeLetterbox(576, 768, 320, 320), {
    srcWidth: 576, srcHeight: 768, dstWidth: 320, dstHeight: 320,
    scaledWidth: 240, scaledHeight: 320, padX: 40, padY: 0,
    scaleX: 240 / 576, scaleY: 320 / 768,
  });
});

test('odd padding puts the extra pixel on the right/bottom (floor on the left/top)', (t) => {
  // 1280x720 -> 320x321: scaled 320x180, 141 px of padding -> 70 top, 71 bottom.
  const lb = computeLetterbox(1280, 720, 320, 321);
  t.is(lb.scaledHeight, 180, 'scaled height');
  t.is(lb.padY, 70, 'top padding is the floor of half');
});

test('same aspect ratio: no padding at all', (t) => {
  const lb = computeLetterbox(640, 480, 320, 240);
  t.deepEqual([lb.scaledWidth, lb.scaledHeight, lb.padX, lb.padY], [320, 240, 0, 0]);
});

test('rejects non-positive or fractional sizes', (t) => {
  t.throws(() => computeLetterbox(0, 576, 320, 320), { instanceOf: RangeError }, 'zero width');
  t.throws(() => computeLetterbox(768, 576, 320.5, 320), { instanceOf: RangeError }, 'fractional size');
});

test('toSourcePoint maps detector pixels back to source pixels', (t) => {
  const lb = computeLetterbox(768, 576, 320, 320);
  t.deepEqual(toSourcePoint(lb, 0, 40), { x: 0, y: 0 }, 'top-left of the image area');
  t.deepEqual(toSourcePoint(lb, 320, 280), { x: 768, y: 576 }, 'bottom-right of the image area');
  t.deepEqual(toSourcePoint(lb, 160, 160), { x: 384, y: 288 }, 'centre');
  t.deepEqual(toSourcePoint(lb, 100, 100), { x: 240, y: 144 }, 'an inner point');
});

test('toSourcePoint on portrait input and clamping of points in the padding', (t) => {
  const lb = computeLetterbox(576, 768, 320, 320);
  t.deepEqual(toSourcePoint(lb, 40, 0), { x: 0, y: 0 }, 'left edge of the image area');
  t.deepEqual(toSourcePoint(lb, 160, 160), { x: 288, y: 384 }, 'centre');
  t.deepEqual(toSourcePoint(lb, 10, 330), { x: 0, y: 768 }, 'padding and beyond clamp to the source edges');
  t.deepEqual(toSourcePoint(lb, 319, 5), { x: 576, y: 12 }, 'right padding clamps to the right edge');
});
