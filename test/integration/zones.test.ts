/**
 * A zone on the lawn of the demo clip (config/demo/vtest.mp4, 768x576, 10 fps),
 * tracked at detect.fps 5 with the shipped model through `lookout track` (the
 * daemon's detection, tracker and event path, frame by frame; the tracking
 * test shows it gives the daemon's events). The expectation was checked by eye
 * once, on the clip's frames with the tracked boxes, their bottom-centres and
 * the zone drawn:
 * - frame 509: a man in a red jacket (track 16) walks in from the bottom-right
 *   corner with a companion: he enters (seen inside at 507 and 509, min_frames 2);
 * - frame 547: his companion, a blonde woman in a black coat (track 18), clear
 *   of him at last, enters beside him;
 * - frame 609: he has walked up past the tripod onto the road: he leaves
 *   (his feet outside at 607 and 609);
 * - frame 749: she has walked up the lawn to its top-left corner and along the
 *   path's edge: she leaves;
 * - nobody else is on the lawn before then: the man standing at the path's
 *   edge at the start and everyone on the path stays out.
 * After frame 755 two people cross on the path and the tracker swaps their
 * ids, so later events are not part of the expectation.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { CLI } from '../helpers/daemon.js';

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
  const changes = lines.filter((l) => l.frame <= 755).flatMap((l) => l.events.filter((e) => e.type === 'enter' || e.type === 'leave').map((e) => `${l.frame} ${e.type} ${e.zone} ${e.id.split('-')[1]}`));
  t.deepEqual(changes, ['509 enter lawn 16', '547 enter lawn 18', '609 leave lawn 16', '749 leave lawn 18'], 'the man in the red jacket and his companion enter; he leaves onto the road, she at the lawn\'s top-left corner');
  const at = (frame: number, id: string) => lines.find((l) => l.frame === frame)!.events.find((e) => e.id.endsWith(`-${id}`))!;
  t.deepEqual(at(547, '18').entered_zones, ['lawn'], 'enter events carry entered_zones');
  t.deepEqual(at(609, '16').zones, [], 'after leaving, zones is empty');
  t.deepEqual(at(609, '16').entered_zones, ['lawn'], 'and entered_zones remembers the lawn');
  const other = lines.filter((l) => l.frame <= 755).flatMap((l) => l.events).filter((e) => !['16', '18'].includes(e.id.split('-')[1]!));
  t.true(other.every((e) => e.zones.length === 0 && e.entered_zones.length === 0), 'nobody else is ever on the lawn before frame 755');
});
