import test from 'ava';
import { applyFilter } from '../../../src/detector/filters.js';
import type { Detection } from '../../../src/detector/detections.js';
import { maskBits } from '../../../src/motion/motion-detector.js';

const d = (label: string, box_norm: [number, number, number, number]): Detection => ({ label, class_id: 0, score: 0.9, box: box_norm.map((v) => v * 100) as never, box_norm });
// A statue in the bottom-right corner: a triangle.
const statue = [[0.7, 1], [1, 0.6], [1, 1]] as const;

test('detect.mask drops a detection whose bottom-centre lies in a mask polygon, whatever its box covers', (t) => {
  const filter = { labels: [], min_score: 0.4, min_area: 0, mask: [statue] };
  const kept = applyFilter([
    d('person', [0.85, 0.5, 0.95, 0.95]), // stands at (0.9, 0.95): in the triangle
    d('person', [0.6, 0.5, 0.7, 0.95]), // stands at (0.65, 0.95): left of it, though the box is near
    d('person', [0.8, 0.2, 0.9, 0.6]), // stands at (0.85, 0.6): above the triangle's edge
  ], filter);
  t.deepEqual(kept.map((k) => k.box_norm[0]), [0.6, 0.8], 'only the one standing in the mask is dropped');
  t.is(applyFilter([d('person', [0.85, 0.5, 0.95, 0.95])], { ...filter, mask: [] }).length, 1, 'no mask: kept');
});

test('motion masks: polygons and rectangles mark the same thumbnail pixels for the same area', (t) => {
  const rect = maskBits([[0, 0, 0.5, 0.25]], 16, 8);
  const poly = maskBits([[[0, 0], [0.5, 0], [0.5, 0.25], [0, 0.25]]], 16, 8);
  t.deepEqual([...poly], [...rect], 'a rectangle written as a polygon masks the same pixels');
  t.is(rect.reduce((a, b) => a + b, 0), 16, 'half the width of the top quarter: 8 x 2 pixels');
  const triangle = maskBits([[[0, 0], [1, 0], [0, 1]]], 8, 8);
  t.is(triangle.reduce((a, b) => a + b, 0), 28, 'the upper-left triangle: pixel centres strictly above the diagonal (8*8-8)/2');
});
