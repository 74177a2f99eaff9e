import test from 'ava';
import { loadCameraFile } from '../../../src/config/index.js';
import { tmpDir } from '../config/tmp-dir.js';

test('tracker.thresholds: a label-to-score object, merged label by label over cameras.defaults, bad scores named', (t) => {
  const tmp = tmpDir(t);
  const good = loadCameraFile(tmp.write('yard.json', { url: 'rtsp://h/s', tracker: { thresholds: { car: 0.6, bird: 0.8 } } }), { tracker: { thresholds: { dog: 0.5 } } } as never);
  t.deepEqual(good.problems, [], 'valid');
  t.deepEqual(good.config?.tracker.thresholds, { car: 0.6, bird: 0.8, dog: 0.5 }, "the camera's labels over the defaults' labels");
  t.deepEqual(loadCameraFile(tmp.write('door.json', { url: 'rtsp://h/s' })).config?.tracker.thresholds, {}, 'default: none (and nothing left over from the camera loaded before)');
  const bad = loadCameraFile(tmp.write('bad.json', { url: 'rtsp://h/s', tracker: { thresholds: { car: 2 } } }));
  t.deepEqual(bad.problems, [`${tmp.dir}/bad.json: tracker.thresholds: 'car' must be a number from 0 to 1, got 2`], 'file: key: reason');
  const notObject = loadCameraFile(tmp.write('bad2.json', { url: 'rtsp://h/s', tracker: { thresholds: [0.5] } }));
  t.deepEqual(notObject.problems, [`${tmp.dir}/bad2.json: tracker.thresholds: must be an object of label: score, got an array`], 'an array is refused');
});
