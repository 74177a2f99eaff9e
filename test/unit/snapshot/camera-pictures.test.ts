/**
 * CameraPictures with real JPEGs (encoded by sharp) and real rendering: how
 * pictures pair with results, when they are kept, and which MQTT snapshots
 * go out.
 */
import test from 'ava';
import sharp from 'sharp';
import type { DetectionResult } from '../../../src/detector/detection-stage.js';
import { computeLetterbox } from '../../../src/ingest/letterbox.js';
import { createLogger } from '../../../src/logger.js';
import { createTopics } from '../../../src/mqtt/topics.js';
import { CameraPictures, RECENT, WANTED_MS, type SnapshotSettings } from '../../../src/snapshot/camera-pictures.js';
import type { Track, TrackerOutput } from '../../../src/tracker/tracker.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const W = 320;
const H = 240;
const topics = createTopics('lk');

/** A gray picture with a white square at x (the "object"), as ffmpeg would send it. */
function jpeg(x: number): Promise<Buffer> {
  const rgb = Buffer.alloc(W * H * 3, 114);
  for (let y = 100; y < 140; y++) for (let i = x; i < x + 40; i++) rgb.fill(255, (y * W + i) * 3, (y * W + i) * 3 + 3);
  return sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
}

function result(seq: number, x: number, score: number): DetectionResult {
  const letterbox = computeLetterbox(W, H, 320, 320);
  return {
    camera: 'sq',
    frame: { camera: 'sq', seq, capturedAt: 1000 * seq, width: 320, height: 320, data: Buffer.alloc(0), letterbox },
    objects: [{ label: 'bright', class_id: 0, score, box: [x, 100, x + 40, 140], box_norm: [x / W, 100 / H, (x + 40) / W, 140 / H] }],
    inferenceMs: 5,
    inferredAt: 1000 * seq,
    model: 'm',
  };
}

function track(x: number, score: number, top: number): Track {
  return {
    id: 'a-1', number: 1, label: 'bright', class_id: 0, score, top_score: top, box: [x, 100, x + 40, 140], box_norm: [0, 0, 0, 0],
    first_seen: 0, last_seen: 0, hits: 3, stationary: false,
  } as Track;
}

function output(events: TrackerOutput['events'], matched: Track[]): TrackerOutput {
  return { at: 0, events, counts: { bright: matched.length }, matched, counted: matched };
}

function setup(settings: Partial<SnapshotSettings> = {}) {
  const clock = new FakeClock();
  const published: Array<{ topic: string; jpeg: Buffer; retain: boolean }> = [];
  const sink = { topics, publish: (topic: string, payload: unknown, options?: { retain?: boolean }) => void published.push({ topic, jpeg: payload as Buffer, retain: options?.retain === true }) };
  const pictures = new CameraPictures({ camera: 'sq', settings: { mqtt: false, crop: false, score_rise: 0.05, ...settings }, sink: sink as never, clock, logger: createLogger('silent') });
  return { clock, published, pictures };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

test('without snapshot.mqtt nothing is kept until someone asks; then the picture of the inferred frame, boxes drawn or clean', async (t) => {
  const { clock, pictures } = setup();
  pictures.picture({ camera: 'sq', seq: 1, jpeg: await jpeg(20) });
  pictures.result(result(1, 20, 0.9), output([], []));
  t.is(await pictures.latest(true), null, 'nobody asked: the picture was dropped');
  t.is(pictures.stats.dropped_unwanted, 1);
  t.is(pictures.stats.bytes_held, 0, 'nothing held');
  // Asked: kept from now on. A result may come before its picture (two pipes).
  pictures.result(result(2, 60, 0.9), output([], []));
  const clean = await jpeg(60);
  pictures.picture({ camera: 'sq', seq: 2, jpeg: clean });
  const plain = await pictures.latest(false);
  t.is(plain!.jpeg, clean, 'boxes=0: the JPEG as ffmpeg made it');
  const drawn = await pictures.latest(true);
  const { data, info } = await sharp(drawn!.jpeg).raw().toBuffer({ resolveWithObject: true });
  t.is(info.width, W, 'source width');
  const at = (x: number, y: number) => [...data.subarray((y * W + x) * 3, (y * W + x) * 3 + 3)];
  const [r, g, b] = at(60, 120);
  t.true(r! > 200 && g! < 110 && b! < 110, `the box's left edge is drawn in class 0's red at the object (got ${r},${g},${b})`);
  t.true(pictures.stats.bytes_held > 0 && pictures.stats.bytes_held <= clean.length, 'holds one picture');
  // A minute without a request: pictures are dropped again.
  clock.advance(WANTED_MS + 1);
  pictures.picture({ camera: 'sq', seq: 3, jpeg: await jpeg(80) });
  t.is(pictures.stats.bytes_held, 0, 'nothing held once nobody has asked for a minute');
});

test('pictures waiting for results are bounded', async (t) => {
  const { pictures } = setup({ mqtt: true });
  const picture = await jpeg(20);
  for (let seq = 1; seq <= RECENT + 5; seq++) pictures.picture({ camera: 'sq', seq, jpeg: Buffer.from(picture) });
  t.is(pictures.stats.bytes_held, RECENT * picture.length, `at most ${RECENT} pictures wait`);
  pictures.result(result(RECENT + 5, 20, 0.5), output([], []));
  t.is(pictures.stats.bytes_held, picture.length, 'a result releases its picture and every older one; the latest stays');
});

test('snapshot.mqtt: the best picture on new, again when the best score rises by score_rise, cropped, retained', async (t) => {
  const { published, pictures } = setup({ mqtt: true, crop: true, score_rise: 0.05 });
  let last: Buffer = Buffer.alloc(0);
  const send = async (seq: number, x: number, score: number, type: 'new' | 'update' | null, top: number) => {
    last = await jpeg(x);
    pictures.picture({ camera: 'sq', seq, jpeg: last });
    const tr = track(x, score, top);
    pictures.result(result(seq, x, score), output(type ? [{ type, track: tr }] : [], [tr]));
    await settle();
  };
  await send(1, 20, 0.6, null, 0.6);
  t.is(published.length, 0, 'not confirmed yet: nothing published');
  await send(2, 40, 0.7, 'new', 0.7);
  t.is(published.length, 1, 'published when confirmed');
  t.is(published[0]!.topic, 'lk/sq/bright/snapshot');
  t.true(published[0]!.retain, 'retained');
  const first = await sharp(published[0]!.jpeg).metadata();
  t.true(first.width! < W && first.height! < H, `cropped around the object: ${first.width}x${first.height}`);
  await send(3, 60, 0.72, 'update', 0.72);
  t.is(published.length, 1, 'a rise under score_rise publishes nothing');
  await send(4, 80, 0.5, 'update', 0.72);
  t.is(published.length, 1, 'a worse picture publishes nothing');
  await send(5, 100, 0.76, 'update', 0.76);
  t.is(published.length, 2, 'best score 0.76 is 0.06 above the published 0.7: published again');
  pictures.result(result(6, 100, 0), output([{ type: 'end', track: track(100, 0.76, 0.76) }], []));
  t.is(pictures.stats.bytes_held, last.length, 'an ended object holds no picture: only the latest one is left');
  // The camera's file is removed: its retained snapshot is deleted with an empty retained message.
  pictures.clear();
  t.deepEqual(published.slice(2).map((p) => [p.topic, p.jpeg.length, p.retain]), [['lk/sq/bright/snapshot', 0, true]]);
  t.is(pictures.stats.bytes_held, 0, 'and nothing is held');
});
