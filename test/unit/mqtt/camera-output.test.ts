import test from 'ava';
import { TRACKER_DEFAULTS } from '../../../src/tracker/schema.js';
import { CameraOutput } from '../../../src/mqtt/camera-output.js';
import type { DetectionResult } from '../../../src/detector/detection-stage.js';
import type { Detection } from '../../../src/detector/detections.js';
import { computeLetterbox } from '../../../src/ingest/letterbox.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { recordingSink as sink } from '../../helpers/recording-sink.js';

const person = (x: number): Detection => ({ label: 'person', class_id: 0, score: 0.9, box: [x, 10, x + 20, 50], box_norm: [x / 320, 10 / 240, (x + 20) / 320, 50 / 240] });

function result(seq: number, at: number, objects: Detection[]): DetectionResult {
  return {
    camera: 'door',
    frame: { camera: 'door', seq, capturedAt: at, width: 320, height: 320, data: Buffer.alloc(0), letterbox: computeLetterbox(320, 240, 320, 320) },
    objects,
    inferenceMs: 12.34,
    inferredAt: at + 13,
    model: 'm',
  };
}

const TRACKER = { ...TRACKER_DEFAULTS, min_hits: 2, max_age_s: 1, iou_min: 0.3, update_interval_s: 2 };

test('detections go out for frames with objects and once, empty, when the scene clears', (t) => {
  const clock = new FakeClock(1_000_000);
  const s = sink();
  const out = new CameraOutput({ camera: 'door', sink: s, clock, tracker: TRACKER, publishDetections: true, sourceSize: () => ({ width: 320, height: 240 }) });
  out.handle(result(1, 1_000_000, [person(10)]));
  out.handle(result(2, 1_000_200, [person(12)]));
  out.handle(result(3, 1_000_400, []));
  out.handle(result(4, 1_000_600, []));
  const detections = s.sent.filter((m) => m.topic === 'lk/door/detections').map((m) => [m.payload.frame_seq, m.payload.objects.length]);
  t.deepEqual(detections, [[1, 1], [2, 1], [3, 0]], 'two frames with a person, then one empty list, then silence');
  const first = s.sent.find((m) => m.topic === 'lk/door/detections')!.payload;
  t.like(first, { camera: 'door', source_width: 320, source_height: 240, inference_ms: 12.3, model: 'm', captured_at: new Date(1_000_000).toISOString() }, 'payload fields');
  t.deepEqual(first.objects[0], { label: 'person', class_id: 0, score: 0.9, box: [10, 10, 30, 50], box_norm: [0.0313, 0.0417, 0.0938, 0.2083] }, 'object fields, rounded');
});

test('with per-frame detections off, only events and retained counts are published', (t) => {
  const clock = new FakeClock(2_000_000);
  const s = sink();
  const out = new CameraOutput({ camera: 'door', sink: s, clock, tracker: TRACKER, publishDetections: false, sourceSize: () => null });
  out.handle(result(1, 2_000_000, [person(10)]));
  out.handle(result(2, 2_000_200, [person(12)]));
  t.false(s.sent.some((m) => m.topic === 'lk/door/detections'), 'no per-frame detections');
  t.deepEqual(s.sent.map((m) => [m.topic, m.payload.type ?? m.payload.count, m.retain]), [
    ['lk/door/events', 'new', false],
    ['lk/door/person', 1, true],
  ], 'a confirmed person gives a new event and a retained count of 1');
  out.endAll();
  t.deepEqual(s.sent.slice(2).map((m) => [m.topic, m.payload.type ?? m.payload.count, m.retain]), [
    ['lk/door/events', 'end', false],
    ['lk/door/person', 0, true],
  ], 'ending the camera ends the person and retains a count of 0');
});
