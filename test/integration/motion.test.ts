/**
 * Motion gating end to end: an RTSP stream shows a bright square parked for
 * STATIC_S seconds, then moving. While the picture is still the daemon must
 * infer at detect.idle_fps; once the square moves, at the full rate. The
 * rates are read from /status (cameras.<name>.detector.inferences and
 * .scheduler), the way an operator would see them.
 *
 * The load controller runs with cpu_target 100 (it never lowers the budget:
 * it lowers only above target + 5), so the shared build machine's load
 * cannot change what is measured here; its logic is pinned by unit tests.
 */
import test from 'ava';
import { getJson, waitFor } from '../helpers/daemon.js';
import { BASE, rtspCamera, startBroker, startCamera, startDaemon, watch } from '../helpers/stack.js';

const STATIC_S = 25;
const FPS = 5;
const IDLE_FPS = 0.2;
const LAVFI =
  'color=c=0x727272:s=320x240:r=10[bg];color=c=white:s=40x40:r=10[sq];' +
  `[bg][sq]overlay=x='if(lt(t\\,${STATIC_S})\\,20\\,20+mod((t-${STATIC_S})*40\\,240))':y=100:shortest=1[out0]`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a still picture is inferred at idle_fps; the rate rises once the square moves', async (t) => {
  const broker = await startBroker(t);
  const camera = await startCamera(t, { lavfi: LAVFI });
  const mqtt = await watch(t, broker);
  // The feeder starts when the server is ready: the stream's t = 0 is about now.
  const streamStart = Date.now();
  const { httpPort } = await startDaemon(
    t,
    broker,
    { sq: rtspCamera(camera.url, { detect: { fps: FPS, idle_fps: IDLE_FPS } }) },
    { daemon: { scheduler: { cpu_target: 100 } } },
  );
  const status = async () => (await getJson(httpPort, '/status')).body;
  const cam = async () => (await status()).cameras.sq;

  await waitFor('the camera to stream', async () => (await cam()).state === 'streaming', 60_000);
  // Let the first frame (always inferred: the scene is unknown) and the background settle.
  await sleep(2000);
  const a = await cam();
  await sleep(6000);
  const b = await cam();
  const staticEnd = streamStart + STATIC_S * 1000;
  t.true(Date.now() < staticEnd - 1000, `the still window ended ${staticEnd - Date.now()} ms before the square starts moving (daemon start took too long otherwise)`);
  const stillInferences = b.detector.inferences - a.detector.inferences;
  // 0.2 fps over 6 s: one or two keep-alive inferences; 5 fps would be 30.
  t.true(stillInferences >= 1 && stillInferences <= 2, `still: ${stillInferences} inferences in 6 s (idle_fps ${IDLE_FPS})`);
  t.like(b.scheduler, { motion_enabled: true, motion: false, wanted_fps: IDLE_FPS, target_fps: IDLE_FPS }, 'still: the camera asks for idle_fps and gets it');
  t.true(b.scheduler.motion_level < 10, `still: motion level ${b.scheduler.motion_level} below the threshold 10`);
  t.true(b.scheduler.skipped.motion - a.scheduler.skipped.motion >= 20, `still: frames skipped for motion (${b.scheduler.skipped.motion - a.scheduler.skipped.motion} in 6 s)`);

  const moving = await waitFor('motion', async () => {
    const c = await cam();
    return c.scheduler.motion ? c : null;
  }, STATIC_S * 1000 + 20_000);
  const movedAt = Date.now();
  t.true(movedAt >= staticEnd - 1000, `motion seen ${movedAt - staticEnd} ms after the square started moving, not before`);
  t.true(moving.scheduler.motion_level > 10, `moving: motion level ${moving.scheduler.motion_level}`);
  await sleep(4000);
  const c = await cam();
  const movingInferences = c.detector.inferences - moving.detector.inferences;
  // 5 fps over 4 s is 20; at least half of that is ten times the idle rate.
  t.true(movingInferences >= 10, `moving: ${movingInferences} inferences in 4 s (fps ${FPS})`);
  t.like(c.scheduler, { motion: true, wanted_fps: FPS, target_fps: FPS }, 'moving: the camera asks for its full rate and gets it');

  const s = await status();
  t.is(s.scheduler.enabled, true, 'status.scheduler is there');
  t.is(typeof s.scheduler.cpu_percent, 'number', `the CPU the scheduler acted on: ${s.scheduler.cpu_percent}`);
  t.is(s.scheduler.budget_fps, FPS, 'budget: the one camera at full rate');
  const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  t.regex(metrics, /^lookout_frames_skipped_total\{camera="sq",reason="motion"\} [1-9]\d*$/m, '/metrics counts frames skipped for motion');
  t.regex(metrics, /^lookout_scheduler_budget_fps 5$/m, '/metrics has the budget');
  t.regex(metrics, /^lookout_camera_target_fps\{camera="sq"\} 5$/m, '/metrics has the target');

  // The tracker turns the detections into state: a `new` event and a retained count.
  const created = await mqtt.waitForJson(`${BASE}/sq/events`, (p) => p.type === 'new', 10_000);
  t.like(created.payload, { camera: 'sq', type: 'new', label: 'bright' }, 'an events message of type new for the square');
  t.true(Math.abs(created.payload.box[1] - 100) <= 1 && Math.abs(created.payload.box[3] - 140) <= 1, `the event's box is the square: ${created.payload.box}`);
  const count = await mqtt.waitForJson(`${BASE}/sq/bright`, (p) => p.count === 1, 10_000);
  t.is(count.payload.label, 'bright', 'the count topic is <base>/<camera>/<label>');
});
