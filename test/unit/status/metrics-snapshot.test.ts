/** The /metrics snapshot assembled from a DaemonView, without a daemon. */
import test from 'ava';
import { createMetrics } from '../../../src/http/metrics.js';
import { metricsSnapshot } from '../../../src/status/metrics-snapshot.js';
import { fixture } from './view-fixture.js';

test('snapshot: a running camera has scheduler and detector figures; the others only their counters, at 0', (t) => {
  const { view } = fixture();
  t.deepEqual(metricsSnapshot(view), {
    cameras: {
      yard: {
        framesIn: 0, framesDropped: 3, reconnects: 0, stalls: 0, up: true, fpsIn: 0,
        scheduler: { inferences: 40, skipped: { cpu: 6, busy: 3, motion: 0, rate: 0 }, targetFps: 4.5, inferredFps: 4.4, motionLevel: 17.5 },
        detector: { inferenceMsMean: 21.5, inferenceMsP95: 30.25, detections: 97 },
      },
      porch: { framesIn: 0, framesDropped: 0, reconnects: 0, stalls: 0, up: false, fpsIn: 0, scheduler: undefined, detector: undefined },
      gate: { framesIn: 0, framesDropped: 0, reconnects: 0, stalls: 0, up: false, fpsIn: 0, scheduler: undefined, detector: undefined },
    },
    scheduler: { budgetFps: 4.5, cpuPercent: 62.5, tempC: null, busyRatio: 0.4 },
    mqtt: { connected: true, queueDepth: 2, queueDropped: 1 },
  });
});

test('the snapshot renders as Prometheus series', async (t) => {
  const { view, mqtt } = fixture();
  mqtt.publisher = null;
  const text = await createMetrics(() => metricsSnapshot(view)).render();
  t.true(text.includes('lookout_inferences_total{camera="yard"} 40'), 'inferences of the running camera');
  t.true(text.includes('lookout_frames_skipped_total{camera="yard",reason="cpu"} 6'), 'skips by reason');
  t.true(text.includes('lookout_camera_up{camera="porch"} 0'), 'a disabled camera is down');
  t.true(text.includes('lookout_mqtt_connected 0'), 'no publisher yet: not connected');
});
