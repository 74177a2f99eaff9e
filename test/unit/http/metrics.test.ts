import test from 'ava';
import { createMetrics, type MetricsSnapshot } from '../../../src/http/metrics.js';

const snapshot = (): MetricsSnapshot => ({
  cameras: {
    front: { framesIn: 120, framesDropped: 3, reconnects: 1, stalls: 2, up: true, fpsIn: 5 },
    back: { framesIn: 0, framesDropped: 0, reconnects: 4, stalls: 0, up: false, fpsIn: 0 },
  },
  mqtt: { connected: true, queueDepth: 7, queueDropped: 9 },
});

test('every series is rendered from the snapshot', async (t) => {
  const metrics = createMetrics(snapshot, { defaultMetrics: false });
  const text = await metrics.render();
  const expected = [
    '# TYPE lookout_frames_in_total counter',
    'lookout_frames_in_total{camera="front"} 120',
    'lookout_frames_in_total{camera="back"} 0',
    'lookout_frames_dropped_total{camera="front"} 3',
    'lookout_reconnects_total{camera="back"} 4',
    'lookout_stalls_total{camera="front"} 2',
    '# TYPE lookout_camera_up gauge',
    'lookout_camera_up{camera="front"} 1',
    'lookout_camera_up{camera="back"} 0',
    'lookout_camera_fps_in{camera="front"} 5',
    'lookout_mqtt_connected 1',
    'lookout_mqtt_queue_depth 7',
    '# TYPE lookout_mqtt_queue_dropped_total counter',
    'lookout_mqtt_queue_dropped_total 9',
  ];
  for (const line of expected) t.true(text.split('\n').includes(line), `has line: ${line}`);
  t.is(metrics.contentType, 'text/plain; version=0.0.4; charset=utf-8');
});

test('each scrape reads a fresh snapshot; a camera that is gone disappears', async (t) => {
  let current = snapshot();
  const metrics = createMetrics(() => current, { defaultMetrics: false });
  await metrics.render();
  current = { cameras: { front: { framesIn: 130, framesDropped: 3, reconnects: 1, stalls: 2, up: true, fpsIn: 5 } }, mqtt: { connected: false, queueDepth: 0, queueDropped: 9 } };
  const text = await metrics.render();
  t.true(text.includes('lookout_frames_in_total{camera="front"} 130'), 'updated value');
  t.false(text.includes('camera="back"'), 'removed camera has no series');
  t.true(text.includes('lookout_mqtt_connected 0'));
});

test('standard process metrics are included by default', async (t) => {
  const metrics = createMetrics(snapshot);
  const text = await metrics.render();
  t.regex(text, /^process_cpu_user_seconds_total \d/m);
  t.regex(text, /^nodejs_heap_size_used_bytes \d/m);
});

test('registries are private: two instances do not clash', (t) => {
  t.notThrows(() => {
    createMetrics(snapshot, { defaultMetrics: false });
    createMetrics(snapshot, { defaultMetrics: false });
  });
});

test('scheduler series: per camera and reason, the budget, and NaN temperature without a sensor', async (t) => {
  const metrics = createMetrics(
    () => ({
      cameras: {
        front: {
          framesIn: 120, framesDropped: 3, reconnects: 0, stalls: 0, up: true, fpsIn: 5,
          scheduler: { inferences: 40, skipped: { cpu: 10, busy: 3, motion: 67, rate: 0 }, targetFps: 2.5, inferredFps: 2, motionLevel: 12.5 },
        },
      },
      mqtt: { connected: true, queueDepth: 0, queueDropped: 0 },
      scheduler: { budgetFps: 7.5, cpuPercent: 81.2, tempC: null, busyRatio: 0.4 },
    }),
    { defaultMetrics: false },
  );
  const lines = (await metrics.render()).split('\n');
  const expected = [
    '# TYPE lookout_inferences_total counter',
    'lookout_inferences_total{camera="front"} 40',
    '# TYPE lookout_frames_skipped_total counter',
    'lookout_frames_skipped_total{camera="front",reason="cpu"} 10',
    'lookout_frames_skipped_total{camera="front",reason="busy"} 3',
    'lookout_frames_skipped_total{camera="front",reason="motion"} 67',
    'lookout_frames_skipped_total{camera="front",reason="rate"} 0',
    'lookout_camera_target_fps{camera="front"} 2.5',
    'lookout_camera_inferred_fps{camera="front"} 2',
    'lookout_camera_motion_level{camera="front"} 12.5',
    'lookout_scheduler_budget_fps 7.5',
    'lookout_scheduler_cpu_percent 81.2',
    'lookout_scheduler_detector_busy_ratio 0.4',
  ];
  for (const line of expected) t.true(lines.includes(line), `has line: ${line}`);
  t.true(lines.includes('lookout_scheduler_temperature_celsius Nan'), 'NaN (prom-client writes Nan; Prometheus parses it case-insensitively) without a sensor');
});
