/** The <base>/stats payload assembled from a DaemonView, without a daemon. */
import test from 'ava';
import { statsReport } from '../../../src/status/stats-report.js';
import { fixture, NOW } from './view-fixture.js';

test('stats: per camera the state, input, inferred rate and the detector figures; the queue; uptime and timestamp', (t) => {
  const { view } = fixture();
  t.deepEqual(statsReport(view, NOW), {
    uptime_s: 12.3,
    cameras: {
      yard: { state: 'streaming', fps_in: 0, inferred_fps: 4.4, frames_dropped: 3, reconnects: 0, inferences: 40, inference_ms_mean: 21.5, inference_ms_p95: 30.25, detections: 97, skipped_busy: 3 },
      porch: { state: 'disabled', fps_in: 0, inferred_fps: 0, frames_dropped: 0, reconnects: 0, inferences: 0, inference_ms_mean: null, inference_ms_p95: null, detections: 0, skipped_busy: 0 },
      gate: { state: 'error', fps_in: 0, inferred_fps: 0, frames_dropped: 0, reconnects: 0, inferences: 0, inference_ms_mean: null, inference_ms_p95: null, detections: 0, skipped_busy: 0 },
    },
    mqtt: { queue_depth: 2, queue_dropped: 1 },
    timestamp: '2026-11-29T10:00:12.345Z',
  });
});

test('stats keys come out in the order the payload documents them', (t) => {
  const { view } = fixture();
  const payload = statsReport(view, NOW);
  t.deepEqual(Object.keys(payload), ['uptime_s', 'cameras', 'mqtt', 'timestamp'], 'top level');
  t.deepEqual(
    Object.keys(payload.cameras.yard!),
    ['state', 'fps_in', 'inferred_fps', 'frames_dropped', 'reconnects', 'inferences', 'inference_ms_mean', 'inference_ms_p95', 'detections', 'skipped_busy'],
    'per camera',
  );
});
