import test from 'ava';
import { join } from 'node:path';
import { loadCameraConfigs } from '../../../src/config/index.js';
import { zoneList, zoneModelProblems } from '../../../src/zones/schema.js';
import { tmpDir } from '../config/tmp-dir.js';

const lawn = [[0, 0.5], [1, 0.5], [1, 1], [0, 1]];

test('zones, required_zones and detect.mask load with defaults filled in', (t) => {
  const tmp = tmpDir(t);
  tmp.write('cams/yard.json', {
    url: 'rtsp://h/s',
    zones: { lawn: { polygon: lawn, labels: ['person'], min_frames: 3 }, gate: { polygon: [[0, 0], [0.2, 0], [0.2, 0.2]] } },
    required_zones: ['lawn'],
    detect: { mask: [[[0.8, 0.8], [1, 0.8], [1, 1]]] },
    motion: { mask: [[0, 0, 1, 0.1], [[0, 0.9], [1, 0.9], [1, 1]]] },
  });
  const [entry] = loadCameraConfigs(join(tmp.dir, 'cams'));
  t.deepEqual(entry!.problems, [], 'a valid file has no problems');
  t.deepEqual(zoneList(entry!.config!.zones), [
    { name: 'lawn', polygon: lawn, labels: ['person'], minFrames: 3 },
    { name: 'gate', polygon: [[0, 0], [0.2, 0], [0.2, 0.2]], labels: [], minFrames: 1 },
  ], 'zones in file order; labels default to all, min_frames to 1');
  t.deepEqual(entry!.config!.required_zones, ['lawn'], 'required zones as written');
  t.deepEqual(entry!.config!.detect.mask, [[[0.8, 0.8], [1, 0.8], [1, 1]]], 'object mask polygons');
  t.deepEqual(entry!.config!.motion.mask, [[0, 0, 1, 0.1], [[0, 0.9], [1, 0.9], [1, 1]]], 'motion mask: a rectangle (older form) and a polygon side by side');
});

test('every zone and mask problem is a file: key: reason line', (t) => {
  const tmp = tmpDir(t);
  const file = tmp.write('cams/bad.json', {
    url: 'rtsp://h/s',
    zones: {
      ok: { polygon: lawn },
      'front door': { polygon: lawn },
      status: { polygon: lawn },
      two: { polygon: [[0, 0], [1, 1]] },
      far: { polygon: [[0, 0], [1, 0], [1.5, 1]] },
      typo: { polygon: lawn, label: ['person'] },
      nopoly: { labels: ['person'] },
      frames: { polygon: lawn, min_frames: 0 },
      labels: { polygon: lawn, labels: 'person' },
    },
    required_zones: ['drive'],
    detect: { mask: [[[0, 0], [1, 0]]] },
    motion: { mask: [[0, 0, 1]] },
  });
  const [entry] = loadCameraConfigs(join(tmp.dir, 'cams'));
  t.is(entry!.config, null, 'no config for a file with problems');
  t.deepEqual(entry!.problems, [
    `${file}: zones.front door: name 'front door' may only contain letters, digits, '_' and '-' (it becomes an MQTT topic level)`,
    `${file}: zones.status: name 'status' is reserved for the topic <base>/<camera>/status; pick another (reserved: status, detections, events, motion, snapshot)`,
    `${file}: zones.two: polygon: needs at least 3 [x, y] points, got 2`,
    `${file}: zones.far: polygon: point 2 is [1.5,1]; coordinates must be from 0 to 1 (fractions of the picture width and height)`,
    `${file}: zones.typo: unknown key 'label' (a zone has polygon, labels, min_frames)`,
    `${file}: zones.nopoly: polygon: is required (at least 3 [x, y] points in 0..1)`,
    `${file}: zones.frames: min_frames: must be an integer from 1 to 100, got 0`,
    `${file}: zones.labels: labels: must be an array of label names, got 'person'`,
    `${file}: detect.mask: polygon 0: needs at least 3 [x, y] points, got 2`,
    `${file}: motion.mask: shape 0: [0,0,1] is neither a rectangle [x1, y1, x2, y2] nor a polygon of 3 or more [x, y] points`,
    `${file}: required_zones: 'drive' is not among the zones (none defined)`,
  ], 'all problems at once; required_zones checked against the zones that loaded (none, since zones was refused)');
});

test('required_zones must name zones of the file', (t) => {
  const tmp = tmpDir(t);
  const file = tmp.write('cams/a.json', { url: 'rtsp://h/s', zones: { lawn: { polygon: lawn } }, required_zones: ['lawn', 'drive', 'gate'] });
  const [entry] = loadCameraConfigs(join(tmp.dir, 'cams'));
  t.deepEqual(entry!.problems, [`${file}: required_zones: 'drive', 'gate' are not among the zones ('lawn')`], 'unknown names listed with the known ones');
});

test('zoneModelProblems: names that are labels, labels the model or detect.labels lack', (t) => {
  const zones = zoneList({
    person: { polygon: lawn as never },
    lawn: { polygon: lawn as never, labels: ['persn'] },
    drive: { polygon: lawn as never, labels: ['car'] },
    path: { polygon: lawn as never, labels: ['person'] },
  });
  t.deepEqual(zoneModelProblems('cam.json', zones, ['person'], ['person', 'car'], 'model.onnx'), [
    "cam.json: zones.person: name collides with the label 'person' (both would publish <base>/<camera>/person); rename the zone",
    "cam.json: zones.lawn: labels: 'persn' not among the labels of model.onnx",
    "cam.json: zones.drive: labels: 'car' not in detect.labels, so never detected; add it there or remove it here",
  ], 'one problem per zone, exact text');
  t.deepEqual(zoneModelProblems('cam.json', zones.slice(2), [], ['person', 'car'], 'model.onnx'), [], 'without detect.labels every model label is reported');
  t.deepEqual(zoneModelProblems('cam.json', zoneList({ car: { polygon: lawn as never } }), ['person'], ['person', 'car'], 'm'), [], 'a zone may be named like a label the camera does not report');
});
