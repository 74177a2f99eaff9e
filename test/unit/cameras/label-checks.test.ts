import test from 'ava';
import { cameraLabelProblems } from '../../../src/cameras/label-checks.js';

const square = [[0, 0], [1, 0], [1, 1]] as Array<[number, number]>;
const model = { labels: ['person', 'status', 'car'], file: '/m/model.onnx' };

test('a label spelled like a reserved level, a zone named like a label and an unknown zone label, each as file: key: reason', (t) => {
  const camera = { detect: { labels: [] as string[] }, zones: { car: { polygon: square }, yard: { polygon: square, labels: ['dog'] } } };
  t.deepEqual(cameraLabelProblems('cam.json', camera as never, model), [
    "cam.json: zones.car: name collides with the label 'car' (both would publish <base>/<camera>/car); rename the zone",
    "cam.json: zones.yard: labels: 'dog' not among the labels of /m/model.onnx",
    "cam.json: detect.labels: 'status' would collide with the reserved topics status, detections, events, motion, snapshot; list the labels to report without it",
  ], 'every model label is reported when detect.labels is empty, so status collides');
  t.deepEqual(cameraLabelProblems('cam.json', { detect: { labels: ['person'] }, zones: { car: { polygon: square } } } as never, model), [], 'with detect.labels [person], neither status nor a zone named car collides');
});
