/**
 * A zone on the lawn of the demo clip (config/demo/vtest.mp4, 768x576, 10 fps),
 * tracked at detect.fps 5 with the shipped model through `lookout track` (the
 * daemon's detection, tracker and event path, frame by frame; the tracking
 * test shows it gives the daemon's events). The expectation was checked by eye
 * once, on the clip's frames with the tracked boxes, their bottom-centres and
 * the zone drawn:
 * - frame 509: a man in a red jacket walks in from the bottom-right corner with
 *   a companion: he enters (seen inside at two inferred frames, min_frames 2);
 * - frame 547: his companion, a blonde woman in a black coat, clear of him at
 *   last, enters beside him;
 * - frame 609: he has walked up past the tripod onto the road: he leaves;
 * - she is still on the lawn at frame 725, walking up to its top-left corner;
 * - nobody else is on the lawn before then: the man standing at the path's
 *   edge at the start and everyone on the path stays out.
 * A detector places a box's edge a little differently from one set of weights
 * to the next, so each change may come one inferred frame (2 video frames)
 * early or late, and the ids are the tracker's own numbers: the test follows
 * the two people by their enter events, not by id. From frame 725 a walker on
 * the path passes right behind her and the tracker swaps their ids (her score
 * drops to about 0.3 there), so what follows is not part of the expectation.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { join } from 'node:path';
import { CLI, DaemonProcess, waitFor, writeConfig } from '../helpers/daemon.js';
import { MqttWatch } from '../helpers/mqtt-watch.js';
import { BASE, rtspCamera, startBroker, startCamera, startDaemon, watch } from '../helpers/stack.js';
import { generateTestModel } from '../helpers/test-model/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLIP = path.join(ROOT, 'config/demo/vtest.mp4');
/** The lawn in front of the camera, kept clear of the path's edge (x right, y down, 0..1). */
const LAWN = [[0, 0.465], [0.228, 0.503], [0.443, 0.59], [1, 0.911], [1, 1], [0, 1]];

test('demo clip: a zone on the lawn sees the right people enter and leave at the right frames', async (t) => {
  t.timeout(300_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'lookout-zones-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'cameras'));
  writeFileSync(path.join(dir, 'lookout.json'), JSON.stringify({ mqtt: { url: 'embedded' }, cameras: { dir: 'cameras' }, detector: { runtime: 'onnx', model: path.join(ROOT, 'models/yolov8-mnv3'), threads: 1 } }));
  writeFileSync(path.join(dir, 'cameras/demo.json'), JSON.stringify({
    url: CLIP,
    detect: { fps: 5, labels: ['person'] },
    zones: { lawn: { polygon: LAWN, labels: ['person'], min_frames: 2 } },
  }));
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'track', '--config', path.join(dir, 'lookout.json'), '--camera', 'demo', '--json', CLIP], { maxBuffer: 64 << 20 });
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { frame: number; events: Array<{ type: string; id: string; zone?: string; zones: string[]; entered_zones: string[]; box: number[] }> });
  const END = 725;
  type Change = { frame: number; type: string; zone?: string; id: string };
  const changes: Change[] = lines.filter((l) => l.frame <= END).flatMap((l) => l.events
    .filter((e) => e.type === 'enter' || e.type === 'leave').map((e) => ({ frame: l.frame, type: e.type, zone: e.zone, id: e.id })));
  t.is(changes.length, 3, `three zone changes up to frame ${END}: ${JSON.stringify(changes)}`);
  const [he, she, heLeaves] = changes as [Change, Change, Change];
  const near = (c: Change, frame: number) => Math.abs(c.frame - frame) <= 2;
  t.true(he.type === 'enter' && he.zone === 'lawn' && near(he, 509), `the man in the red jacket enters the lawn at frame 509 (+-2): ${JSON.stringify(he)}`);
  t.true(she.type === 'enter' && she.zone === 'lawn' && near(she, 547) && she.id !== he.id, `his companion enters at frame 547 (+-2): ${JSON.stringify(she)}`);
  t.true(heLeaves.type === 'leave' && heLeaves.zone === 'lawn' && near(heLeaves, 609) && heLeaves.id === he.id, `he leaves onto the road at frame 609 (+-2): ${JSON.stringify(heLeaves)}`);
  const at = (frame: number, id: string) => lines.find((l) => l.frame === frame)!.events.find((e) => e.id === id)!;
  t.deepEqual(at(she.frame, she.id).entered_zones, ['lawn'], 'enter events carry entered_zones');
  t.deepEqual(at(heLeaves.frame, he.id).zones, [], 'after leaving, zones is empty');
  t.deepEqual(at(heLeaves.frame, he.id).entered_zones, ['lawn'], 'and entered_zones remembers the lawn');
  const herLast = lines.filter((l) => l.frame <= END).flatMap((l) => l.events).filter((e) => e.id === she.id).at(-1)!;
  t.deepEqual(herLast.zones, ['lawn'], `she is still on the lawn at frame ${END}`);
  const other = lines.filter((l) => l.frame <= END).flatMap((l) => l.events).filter((e) => e.id !== he.id && e.id !== she.id);
  t.true(other.every((e) => e.zones.length === 0 && e.entered_zones.length === 0), `nobody else is ever on the lawn before frame ${END}`);
});

// A white square at x 60..100, y 100..140 of a 320x240 picture: it stands at (0.25, 0.583).
const SQUARE_LAVFI = 'color=c=0x727272:s=320x240:r=10[bg];color=c=white:s=40x40:r=10[sq];[bg][sq]overlay=x=60:y=100:shortest=1[out0]';
const AROUND_SQUARE = [[0.1, 0.4], [0.4, 0.4], [0.4, 0.7], [0.1, 0.7]];
const RIGHT_HALF = [[0.5, 0], [1, 0], [1, 1], [0.5, 1]];

test('the built daemon: an object mask drops what stands in it; required_zones report only objects inside them; zone counts retained', async (t) => {
  t.timeout(180_000);
  const broker = await startBroker(t);
  const mqtt = await watch(t, broker);
  const camera = await startCamera(t, { lavfi: SQUARE_LAVFI });
  const cam = (extra: object) => rtspCamera(camera.url, { detect: { fps: 5, labels: ['bright'] }, ...extra });
  await startDaemon(t, broker, {
    open: cam({}),
    masked: cam({ detect: { fps: 5, labels: ['bright'], mask: [AROUND_SQUARE] } }),
    inside: cam({ zones: { pad: { polygon: AROUND_SQUARE } }, required_zones: ['pad'] }),
    outside: cam({ zones: { pad: { polygon: AROUND_SQUARE }, far: { polygon: RIGHT_HALF } }, required_zones: ['far'] }),
  }, { modelSize: 320 });
  const openNew = await mqtt.waitForJson(`${BASE}/open/events`, (p) => p.type === 'new', 60_000);
  t.deepEqual([openNew.payload.zones, openNew.payload.entered_zones], [[], []], 'without zones, events carry empty zone lists');
  const insideNew = await mqtt.waitForJson(`${BASE}/inside/events`, (p) => p.type === 'new', 30_000);
  t.deepEqual(insideNew.payload.zones, ['pad'], 'the object in the required zone is announced, in its zone');
  await mqtt.waitForJson(`${BASE}/inside/events`, (p) => p.type === 'enter' && p.zone === 'pad' && p.id === insideNew.payload.id, 10_000);
  await mqtt.waitForJson(`${BASE}/inside/bright`, (p) => p.count === 1, 10_000);
  const zoneCount = await mqtt.waitForJson(`${BASE}/inside/pad/bright`, (p) => p.count === 1, 10_000);
  t.like(zoneCount.payload, { camera: 'inside', zone: 'pad', label: 'bright', count: 1 }, 'the zone count payload');
  const late = await MqttWatch.start(broker.url, `${BASE}/inside/pad/bright`);
  t.teardown(() => late.stop());
  const replay = await waitFor('the retained zone count', () => late.messages[0]);
  t.true(replay.retain && JSON.parse(replay.text).count === 1, 'a subscriber arriving later reads the zone count, retained');
  // The masked and the outside camera have run as long as the others: several seconds of frames with the square.
  await mqtt.waitForJson(`${BASE}/open/bright`, (p) => p.count === 1, 10_000);
  await new Promise((r) => setTimeout(r, 3000));
  for (const name of ['masked', 'outside']) {
    const status = mqtt.json(`${BASE}/${name}/status`).at(-1);
    t.is(status?.state, 'streaming', `${name} streams`);
    t.deepEqual(mqtt.json(`${BASE}/${name}/events`), [], `${name}: no event`);
    t.deepEqual(mqtt.json(`${BASE}/${name}/bright`).filter((p) => p.count > 0), [], `${name}: no count above 0`);
  }
  t.deepEqual(mqtt.json(`${BASE}/outside/pad/bright`).filter((p) => p.count > 0), [], 'outside: an object outside the required zones counts in no zone either');
});

test('check-config refuses zone names that are labels and zone labels the model lacks', async (t) => {
  const model = generateTestModel({ size: 160 });
  const config = writeConfig({ mqtt: { url: 'mqtt://127.0.0.1:1' }, detector: { runtime: 'onnx', model } }, {
    cam: { url: 'rtsp://127.0.0.1:9/x', zones: { bright: { polygon: AROUND_SQUARE }, lawn: { polygon: AROUND_SQUARE, labels: ['person'] } } },
    bad: { url: 'rtsp://127.0.0.1:9/x', zones: { lawn: { polygon: [[0, 0], [1, 1]] } }, required_zones: ['drive'] },
  });
  t.teardown(() => config.remove());
  const check = new DaemonProcess(['check-config', '--config', config.configFile]);
  const { code } = await check.exited;
  t.is(code, 78, 'exit 78');
  const cam = join(config.camerasDir, 'cam.json');
  const bad = join(config.camerasDir, 'bad.json');
  t.deepEqual(check.stderr.trim().split('\n').sort(), [
    `${bad}: required_zones: 'drive' is not among the zones (none defined)`,
    `${bad}: zones.lawn: polygon: needs at least 3 [x, y] points, got 2`,
    `${cam}: zones.bright: name collides with the label 'bright' (both would publish <base>/<camera>/bright); rename the zone`,
    `${cam}: zones.lawn: labels: 'person' not among the labels of ${join(model, 'model.onnx')}`,
  ], 'every zone problem as file: key: reason');
});
