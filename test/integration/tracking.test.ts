/**
 * The built daemon on the demo clip (config/demo/vtest.mp4, read as a camera
 * file at its native 10 fps) with the shipped model and tracker defaults:
 * - over its first 16 s (frames 1-160), where at most 8 people and 2
 *   vehicles (a van, a car) are ever in view (checked by eye on the frames),
 *   no retained count goes above that, and no label that is not in the clip
 *   (the litter on the grass that scores as `bird`) gets a count, a snapshot
 *   (a retained JPEG, read as bytes) or an event;
 * - `lookout track`'s path (TrackSession), given the same frames (the
 *   ingest's ffmpeg filter chain) at the daemon's capture times, publishes
 *   exactly the daemon's events, frame by frame.
 * Load on the machine only changes which frames the daemon infers; both
 * checks hold for whichever it did.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { pino } from 'pino';
import { loadAll } from '../../src/cli/load-config.js';
import { getRuntime } from '../../src/detector/runtimes/registry.js';
import { createLogger } from '../../src/logger.js';
import { openInputs } from '../../src/tracker/frame-source.js';
import { TrackSession } from '../../src/tracker/track-session.js';
import { waitFor } from '../helpers/daemon.js';
import { BASE, startBroker, startDaemon, watch } from '../helpers/stack.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLIP = path.join(ROOT, 'config/demo/vtest.mp4');
const MODEL = path.join(ROOT, 'models/yolov8-mnv3');
/** detect.fps 5 of the 10 fps clip: frame_seq 80 is video frame 159, 16 s in. */
const LAST_SEQ = 80;
const MOST_IN_VIEW: Record<string, number> = { person: 8, car: 2, truck: 2 };

test('demo clip: counts never exceed what is in view, no absent label, and lookout track gives the daemon\'s events', async (t) => {
  t.timeout(240_000);
  const broker = await startBroker(t);
  const mqtt = await watch(t, broker);
  const camera = { url: CLIP, detect: { fps: 5 }, motion: { enabled: false }, mqtt: { detections: true }, stall_timeout_s: 30 };
  const { config } = await startDaemon(t, broker, { demo: camera }, {
    daemon: { detector: { runtime: 'onnx', model: MODEL, threads: 1 }, scheduler: { enabled: false } },
  });
  const detTopic = `${BASE}/demo/detections`;
  await mqtt.waitForJson(detTopic, (p) => p.frame_seq > LAST_SEQ, 180_000);

  // Split what the daemon published into frames: a frame's events and counts go out before its detections.
  const frames: Array<{ seq: number; capturedAt: number; events: any[] }> = [];
  const counts: Array<{ label: string; count: number }> = [];
  const snapshots: Array<{ label: string; payload: Buffer }> = [];
  const eventLabels = new Set<string>();
  let pending: any[] = [];
  for (const m of mqtt.messages) {
    if (m.topic === `${BASE}/demo/events`) {
      pending.push(JSON.parse(m.text));
      continue;
    }
    if (m.topic === detTopic) {
      const p = JSON.parse(m.text);
      if (p.frame_seq > LAST_SEQ) break;
      frames.push({ seq: p.frame_seq, capturedAt: Date.parse(p.captured_at), events: pending });
      for (const e of pending) eventLabels.add(e.label);
      pending = [];
      continue;
    }
    if (!m.topic.startsWith(`${BASE}/demo/`)) continue;
    const levels = m.topic.slice(`${BASE}/demo/`.length).split('/');
    if (levels.length === 1) {
      if (!['status', 'events', 'detections', 'motion', 'snapshot'].includes(levels[0]!)) counts.push({ label: levels[0]!, count: JSON.parse(m.text).count });
    } else if (levels.length === 2 && levels[1] === 'snapshot') {
      // <label>/snapshot is a retained JPEG, binary: its label must be in the clip too.
      snapshots.push({ label: levels[0]!, payload: m.payload });
    } else {
      // No zones are configured, so there is no <zone>/<label> count either.
      t.fail(`unexpected topic ${m.topic}`);
    }
  }
  t.true(frames.length >= 20, `the daemon inferred and published ${frames.length} frames of the first ${LAST_SEQ}`);
  t.true(frames.every((f, i) => i === 0 || f.seq > frames[i - 1]!.seq), 'frames in order');

  for (const { label, count } of counts) {
    t.true(label in MOST_IN_VIEW, `retained count topic '${label}' is a label that is in the clip`);
    t.true(count <= (MOST_IN_VIEW[label] ?? 0), `retained ${label} count ${count} <= ${MOST_IN_VIEW[label] ?? 0} in view`);
  }
  t.true(counts.some((c) => c.label === 'person' && c.count >= 3), 'people were counted');
  for (const label of eventLabels) t.true(label in MOST_IN_VIEW, `events only for labels in the clip, got '${label}'`);
  for (const { label, payload } of snapshots) {
    t.true(label in MOST_IN_VIEW, `snapshot topic '${label}/snapshot' is for a label that is in the clip`);
    t.true(payload.length > 3 && payload[0] === 0xff && payload[1] === 0xd8 && payload[2] === 0xff, `${label}/snapshot is a JPEG (${payload.length} bytes)`);
  }

  // Replay the same frames through lookout track's path.
  const loaded = loadAll(config.configFile, {});
  const entry = loaded.cameras.find((c) => c.name === 'demo')!;
  const session = new TrackSession({
    camera: 'demo',
    file: entry.file,
    filter: entry.config!.detect,
    tracker: entry.config!.tracker,
    runtime: getRuntime('onnx'),
    modelDir: MODEL,
    threads: 1,
    iou: loaded.config.detector.iou,
    maxDet: loaded.config.detector.max_det,
    agnostic: loaded.config.detector.agnostic_nms,
    logger: createLogger('warn', pino.destination({ fd: 2, sync: true })),
  });
  await session.start();
  t.teardown(() => session.stop());
  const [input] = await openInputs([CLIP], null);
  const lb = session.letterbox(input!.width, input!.height);
  const bySeq = new Map(frames.map((f) => [f.seq, f]));
  const strip = (events: any[]) => events.map(({ timestamp: _ignored, ...rest }) => rest);
  let seq = 0;
  let compared = 0;
  for await (const frame of input!.frames(lb, 5)) {
    seq++;
    if (seq > LAST_SEQ) break;
    const daemon = bySeq.get(seq);
    if (!daemon) continue; // the daemon did not infer this one
    const out = await session.frame(frame.data, lb, daemon.capturedAt);
    t.deepEqual(strip(out.events), strip(daemon.events), `frame_seq ${seq}: same events as the daemon`);
    compared++;
  }
  await waitFor('replay done', () => compared === frames.length || null, 1000);
  t.is(compared, frames.length, 'every daemon frame replayed');
  const events = frames.reduce((n, f) => n + f.events.length, 0);
  const most = Object.fromEntries(Object.keys(MOST_IN_VIEW).map((l) => [l, Math.max(0, ...counts.filter((c) => c.label === l).map((c) => c.count))]));
  t.log(`${frames.length} frames compared, ${events} events, ${snapshots.length} snapshots; highest retained counts ${JSON.stringify(most)}`);
  t.true(events > 0, 'there were events to compare');
});
