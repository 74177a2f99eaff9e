import test from 'ava';
import { grayThumbnail, thumbnailSize } from '../../../src/motion/thumbnail.js';
import { MotionDetector, maskBits, type MaskRect } from '../../../src/motion/motion-detector.js';
import { computeLetterbox } from '../../../src/ingest/letterbox.js';
import { LB, syntheticFrame } from './synthetic.js';

const thumb = (width: number, height: number, fill: number, square?: { x: number; y: number; size: number; value: number }) => {
  const data = new Uint8Array(width * height).fill(fill);
  if (square) for (let y = square.y; y < square.y + square.size; y++) for (let x = square.x; x < square.x + square.size; x++) data[y * width + x] = square.value;
  return { width, height, data };
};

test('the thumbnail covers the picture only, 64 px on its long side, BT.601 gray', (t) => {
  t.deepEqual(thumbnailSize(LB), { width: 64, height: 48 }, '320x240 picture -> 64x48');
  t.deepEqual(thumbnailSize(computeLetterbox(240, 320, 320, 320)), { width: 48, height: 64 }, 'portrait -> 48x64');
  const frame = syntheticFrame(1, [], 200);
  const th = grayThumbnail(frame.data, frame.width, frame.letterbox);
  t.true(th.data.every((v) => v === 200), 'a uniform gray-200 picture: every pixel 200, the gray-114 padding is cut off');
  const rgb = Buffer.alloc(4 * 4 * 3);
  for (let i = 0; i < 16; i++) rgb.set([255, 0, 0], i * 3);
  const red = grayThumbnail(rgb, 4, computeLetterbox(4, 4, 4, 4));
  t.deepEqual([...red.data], Array(16).fill(77), 'pure red is (77 * 255) / 256 rounded = 77');
});

test('a still scene has level 0 and no motion', (t) => {
  const m = new MotionDetector({ threshold: 10 });
  for (let i = 0; i < 10; i++) {
    const r = m.update(thumb(64, 48, 100), i * 200);
    t.deepEqual(r, { level: 0, motion: false }, `frame ${i}`);
  }
});

test('a square appearing is motion at once; the level is its block mean absolute difference', (t) => {
  const m = new MotionDetector({ threshold: 10, holdMs: 2000, backgroundTauMs: 3000 });
  m.update(thumb(64, 48, 100), 0);
  // An 8x8 square of 255 on 100, aligned with one 8x8 block: that block differs by 155 everywhere.
  const r = m.update(thumb(64, 48, 100, { x: 8, y: 8, size: 8, value: 255 }), 200);
  t.deepEqual(r, { level: 155, motion: true }, 'level 155, moving');
  // Half a block: 32 of 64 pixels differ by 155.
  const m2 = new MotionDetector({ threshold: 10 });
  m2.update(thumb(64, 48, 100), 0);
  const data = thumb(64, 48, 100).data;
  for (let y = 16; y < 24; y++) for (let x = 16; x < 20; x++) data[y * 64 + x] = 255;
  t.is(m2.update({ width: 64, height: 48, data }, 200).level, 77.5, 'half a block: 155 / 2');
});

test('motion holds for holdMs after the last frame above the threshold, then the scene is still', (t) => {
  const m = new MotionDetector({ threshold: 10, holdMs: 2000, backgroundTauMs: 100 });
  m.update(thumb(64, 48, 100), 0);
  t.true(m.update(thumb(64, 48, 100, { x: 0, y: 0, size: 8, value: 255 }), 200).motion, 'square appears: motion');
  // The square stays put; with a 100 ms time constant the background absorbs it within two frames.
  const sq = thumb(64, 48, 100, { x: 0, y: 0, size: 8, value: 255 });
  const readings = [];
  for (let ms = 400; ms <= 3000; ms += 200) readings.push({ ms, ...m.update(sq, ms) });
  t.true(readings[0]!.level > 10 && readings[1]!.level < 10, `the last frame above the threshold is at 400 ms (levels ${readings[0]!.level.toFixed(1)}, ${readings[1]!.level.toFixed(1)})`);
  t.deepEqual(
    readings.map((r) => [r.ms, r.motion]),
    [[400, true], [600, true], [800, true], [1000, true], [1200, true], [1400, true], [1600, true], [1800, true], [2000, true], [2200, true], [2400, true],
      [2600, false], [2800, false], [3000, false]],
    'motion until 2000 ms after 400 ms, then still',
  );
});

test('masked pixels take no part', (t) => {
  const mask: MaskRect[] = [[0, 0, 0.25, 1]]; // left quarter: x 0..15 of 64
  const m = new MotionDetector({ threshold: 10, mask });
  m.update(thumb(64, 48, 100), 0);
  t.deepEqual(m.update(thumb(64, 48, 100, { x: 4, y: 20, size: 8, value: 255 }), 200), { level: 0, motion: false }, 'a square inside the mask is ignored');
  t.is(m.update(thumb(64, 48, 100, { x: 24, y: 20, size: 8, value: 255 }), 400).motion, true, 'the same square outside the mask is motion');
  const bits = maskBits([[0.5, 0.5, 1, 1]], 4, 4);
  t.deepEqual([...bits], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1], 'pixel centres inside the rectangle are masked');
});

test('frames: a static picture stays still, a moving square is motion, the same square under a mask is not', (t) => {
  const still = new MotionDetector({ threshold: 10 });
  const moving = new MotionDetector({ threshold: 10 });
  // The square moves along y = 100..140 px of 240; mask the band y 0.4..0.6 for the third detector.
  const masked = new MotionDetector({ threshold: 10, mask: [[0, 0.4, 1, 0.6]] });
  for (let i = 0; i < 20; i++) {
    const now = i * 200;
    t.false(still.measureFrame(syntheticFrame(i, [{ x: 20, y: 100, size: 40 }]), now).motion, `frame ${i}: static square, still`);
    const frame = syntheticFrame(i, [{ x: 20 + 8 * i, y: 100, size: 40 }]);
    const r = moving.measureFrame(frame, now);
    if (i > 0) t.true(r.motion && r.level > 10, `frame ${i}: moving square, level ${r.level.toFixed(1)}`);
    const rm = masked.measureFrame(frame, now);
    t.deepEqual(rm, { level: 0, motion: false }, `frame ${i}: the moving square inside the mask is ignored`);
  }
});
