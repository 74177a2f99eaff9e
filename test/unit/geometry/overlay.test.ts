import test from 'ava';
import { blendOverlay, cameraGeometry, overlaySvg, renderOverlay } from '../../../src/geometry/overlay.js';

const camera = {
  zones: { lawn: { polygon: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]] as Array<[number, number]>, labels: ['person'] } },
  detect: { mask: [[[0.8, 0], [1, 0], [1, 0.2]]] as Array<Array<[number, number]>> },
  motion: { mask: [[0, 0, 0.1, 0.1] as [number, number, number, number]] },
};

test('cameraGeometry: motion masks, object masks, then zones, each named', (t) => {
  t.deepEqual(cameraGeometry(camera as never).map((s) => `${s.kind}: ${s.name} (${s.polygon.length} points)`), [
    'motion mask: motion mask (4 points)',
    'object mask: object mask (3 points)',
    'zone: lawn (4 points)',
  ], 'masks under zones; the rectangle became a 4-point polygon');
});

test('the overlay tints inside the zone, leaves the outside alone and names the zone', async (t) => {
  const shapes = cameraGeometry(camera as never);
  t.regex(overlaySvg(160, 120, shapes), />lawn<\/text>/, 'the zone is named in the picture');
  const overlay = await renderOverlay(160, 120, shapes);
  const rgb = Buffer.alloc(160 * 120 * 3, 100);
  blendOverlay(rgb, overlay);
  const px = (x: number, y: number) => [...rgb.subarray((y * 160 + x) * 3, (y * 160 + x) * 3 + 3)];
  t.deepEqual(px(40, 40), [100, 100, 100], 'outside every shape: unchanged');
  const inZone = px(80, 100);
  t.true(inZone[2]! > 130 && inZone[0]! < 100, `inside the zone: tinted towards its cyan (${inZone})`);
  const inMask = px(155, 5);
  t.true(inMask[0]! > inMask[1]! + 20, `inside the object mask: tinted red (${inMask})`);
  t.throws(() => blendOverlay(Buffer.alloc(10), overlay), { instanceOf: RangeError }, 'a picture of another size is refused');
});
