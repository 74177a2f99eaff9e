/**
 * Motion gating end to end: an RTSP stream shows a bright square parked until
 * the test tells the stream's ffmpeg to move it (an overlay command), which it
 * does once it has watched the daemon infer the still picture for a while, so
 * however long the daemon takes to start, the still phase is measured whole.
 * While the picture is still the daemon must infer at detect.idle_fps; once
 * the square moves, at the full rate. The rates are read from /status
 * (cameras.<name>.detector.inferences and .scheduler, over the daemon's own
 * `timestamp`s), the way an operator would see them.
 *
 * The load controller runs with cpu_target 100 (it never lowers the budget:
 * it lowers only above target + 5), so the shared build machine's load
 * cannot change what is measured here; its logic is pinned by unit tests.
 */
import test from 'ava';
import { getJson, waitFor } from '../helpers/daemon.js';
import { BASE, rtspCamera, startBroker, startCamera, startDaemon, watch } from '../helpers/stack.js';

const FPS = 5;
const IDLE_FPS = 0.2;
/** The square parked at x = 20 until command() moves it: 40 px/s, wrapping over 240 px. */
const GRAPH = 'color=c=0x727272:s=320x240:r=10[bg];color=c=white:s=40x40:r=10[sq];[bg][sq]overlay@sq=x=20:y=100:shortest=1[out0]';
const MOVE = '20+mod(t*40,240)';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Seconds between two /status reports, on the daemon's clock. */
const between = (a: { timestamp: string }, b: { timestamp: string }) => (Date.parse(b.timestamp) - Date.parse(a.timestamp)) / 1000;

test('a still picture is inferred at idle_fps; the rate rises once the square moves', async (t) => {
  const broker = await startBroker(t);
  const camera = await startCamera(t, { graph: GRAPH });
  const mqtt = await watch(t, broker);
  const { httpPort } = await startDaemon(
    t,
    broker,
    { sq: rtspCamera(camera.url, { detect: { fps: FPS, idle_fps: IDLE_FPS } }) },
    { daemon: { scheduler: { cpu_target: 100 } } },
  );
  const status = async () => (await getJson(httpPort, '/status')).body;
  const sq = async () => {
    const s = await status();
    return { ...s.cameras.sq, timestamp: s.timestamp as string };
  };

  await waitFor('the camera to stream', async () => (await sq()).state === 'streaming', 60_000);
  // Let the first frame (always inferred: the scene is unknown) and the background settle.
  await sleep(2000);
  const a = await sq();
  await sleep(6000);
  const b = await sq();
  const still = between(a, b);
  const stillInferences = b.detector.inferences - a.detector.inferences;
  // 0.2 fps: one keep-alive inference per 5 s; at 5 fps 6 s would be 30.
  const most = Math.floor(still * IDLE_FPS) + 1;
  t.true(still >= 5, `still: ${still} s between the two reports on the daemon's clock`);
  t.true(stillInferences >= 1 && stillInferences <= most, `still: ${stillInferences} inferences in ${still} s (idle_fps ${IDLE_FPS}: 1 to ${most})`);
  t.like(b.scheduler, { motion_enabled: true, motion: false, wanted_fps: IDLE_FPS, target_fps: IDLE_FPS }, 'still: the camera asks for idle_fps and gets it');
  t.true(b.scheduler.motion_level < 10, `still: motion level ${b.scheduler.motion_level} below the threshold 10`);
  const skipped = b.scheduler.skipped.motion - a.scheduler.skipped.motion;
  // 10 fps in: 5 per second reach the gate, all but the keep-alives skipped.
  t.true(skipped >= Math.floor((still * FPS * 2) / 3), `still: frames skipped for motion (${skipped} in ${still} s)`);

  // Only now does the square move: no motion can have been reported before this point (b says so).
  camera.command('overlay@sq', 'x', MOVE);
  const moving = await waitFor('motion', async () => {
    const c = await sq();
    return c.scheduler.motion ? c : null;
  }, 30_000);
  t.true(moving.scheduler.motion_level > 10, `moving: motion level ${moving.scheduler.motion_level}`);
  await sleep(4000);
  const c = await sq();
  const movingFor = between(moving, c);
  const movingInferences = c.detector.inferences - moving.detector.inferences;
  // At 5 fps; at least half of that is ten times the idle rate.
  t.true(movingInferences >= Math.floor(movingFor * FPS * 0.5), `moving: ${movingInferences} inferences in ${movingFor} s (fps ${FPS})`);
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
