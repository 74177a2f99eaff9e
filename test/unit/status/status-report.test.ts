/** /readyz and /status assembled from a DaemonView, without a daemon. */
import test from 'ava';
import { readinessReport, statusReport, type StatusAbout } from '../../../src/status/status-report.js';
import { fixture, NOW, SCHEDULER, YARD_DETECTOR, YARD_SCHEDULER } from './view-fixture.js';

const ABOUT: StatusAbout = {
  version: '9.8.7', hostname: 'board', pid: 4242, configFile: '/etc/lookout/lookout.json', runtime: 'onnx', model: '/opt/lookout/models/yolov8-mnv3',
};

test('readiness: the broker URL masked, every camera that is not disabled and not streaming named with its reason', (t) => {
  const { view, mqtt } = fixture();
  t.deepEqual(readinessReport(view), { ready: false, reasons: ['camera gate: error (detect.fps: must be a number > 0, got -1)'] }, 'the invalid camera keeps it unready; the disabled one does not');
  mqtt.publisher = null;
  t.deepEqual(
    readinessReport(view).reasons,
    ['mqtt: not connected to mqtts://lookout:***@broker.local:8883', 'camera gate: error (detect.fps: must be a number > 0, got -1)'],
    'no publisher yet: not connected, password masked',
  );
  view.records.get('gate')!.state = 'disabled';
  mqtt.publisher = { connected: true, queueDepth: 0, queueDropped: 0 };
  t.deepEqual(readinessReport(view), { ready: true, reasons: [] }, 'connected and the rest streaming or disabled: ready');
});

test('status: the daemon block, then each camera: its status payload plus file, detector, objects, events and scheduler', (t) => {
  const { view } = fixture();
  const report = statusReport(view, ABOUT, NOW);
  t.deepEqual(
    { ...report, cameras: Object.keys(report.cameras) },
    {
      version: '9.8.7',
      hostname: 'board',
      pid: 4242,
      uptime_s: 12.3,
      config_file: '/etc/lookout/lookout.json',
      detector: { runtime: 'onnx', backend: 'onnxruntime-node cpu (1 thread)', model: '/opt/lookout/models/yolov8-mnv3', input: { width: 320, height: 320 } },
      mqtt: { url: 'mqtts://lookout:***@broker.local:8883', connected: true, queue_depth: 2, queue_dropped: 1 },
      scheduler: SCHEDULER,
      ready: { ready: false, reasons: ['camera gate: error (detect.fps: must be a number > 0, got -1)'] },
      cameras: ['yard', 'porch', 'gate'],
      timestamp: '2026-11-29T10:00:12.345Z',
    },
    'daemon fields, uptime rounded to 0.1 s, cameras in file order',
  );
  t.deepEqual(
    report.cameras.yard,
    {
      camera: 'yard',
      state: 'streaming',
      reason: null,
      source: { width: 768, height: 576, fps: 10, codec: 'h264' },
      fps_in: 0,
      frames_in: 0,
      frames_dropped: 3,
      reconnects: 0,
      stalls: 0,
      last_frame_at: null,
      timestamp: '2026-11-29T10:00:12.345Z',
      file: '/etc/lookout/cameras/yard.json',
      detector: YARD_DETECTOR,
      objects: { person: 2, car: 1 },
      events: { new: 5, update: 7, update_suppressed: 11, end: 3 },
      scheduler: YARD_SCHEDULER,
    },
    'a running camera: frames_dropped is the detector\'s skipped_busy',
  );
  t.deepEqual(
    report.cameras.porch,
    {
      camera: 'porch', state: 'disabled', reason: 'enabled is false', source: null, fps_in: 0, frames_in: 0, frames_dropped: 0,
      reconnects: 0, stalls: 0, last_frame_at: null, timestamp: '2026-11-29T10:00:12.345Z',
      file: '/etc/lookout/cameras/porch.json',
      detector: { inferences: 0, inference_ms_mean: null, inference_ms_p95: null, detections: 0, skipped_busy: 0 },
      objects: {}, events: null, scheduler: null,
    },
    'a camera that does not run: no objects, events or scheduler',
  );
});

test('status before start: no publisher means not connected and empty queues', (t) => {
  const { view, mqtt } = fixture();
  mqtt.publisher = null;
  t.deepEqual(statusReport(view, ABOUT, NOW).mqtt, { url: 'mqtts://lookout:***@broker.local:8883', connected: false, queue_depth: 0, queue_dropped: 0 });
});
