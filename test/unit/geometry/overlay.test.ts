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

test('snapshots: renderJpeg draws the zones under the boxes of a whole picture, not of a crop', async (t) => {
  const { default: sharp } = await import('sharp');
  const { renderJpeg } = await import('../../../src/snapshot/draw.js');
  const jpeg = await sharp({ create: { width: 160, height: 120, channels: 3, background: { r: 100, g: 100, b: 100 } } }).jpeg({ quality: 95 }).toBuffer();
  const geometry = cameraGeometry(camera as never);
  const pixel = async (out: Buffer, x: number, y: number) => {
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    return [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
  };
  const whole = await renderJpeg(jpeg, { objects: [], space: { width: 160, height: 120 }, geometry });
  t.true((await pixel(whole, 80, 100))[2]! > 125, 'the zone is tinted in the whole picture');
  const crop = await renderJpeg(jpeg, { objects: [], space: { width: 160, height: 120 }, geometry, crop: [60, 80, 100, 118] });
  t.true(Math.abs((await pixel(crop, 10, 10))[2]! - 100) < 8, 'a crop (an MQTT snapshot of one object) stays clean');
});
