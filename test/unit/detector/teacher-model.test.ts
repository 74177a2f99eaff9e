import test from 'ava';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeFrames, probeMedia } from '../../../src/detector/media.js';
import { FrameDetector } from '../../../src/detector/frame-detector.js';
import type { LoadedModel, ModelOutput } from '../../../src/detector/model.js';
import { tfjsRuntime } from '../../../src/detector/runtimes/tfjs.js';
import { computeLetterbox } from '../../../src/ingest/letterbox.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MODEL_DIR = path.join(ROOT, 'models/mb3-centernet');
const CLIP = path.join(ROOT, 'config/demo/vtest.mp4');

/** The three pedestrians in frame 0 of the demo clip, boxes read off the frame by eye (source pixels). */
const PEOPLE_IN_FRAME_0: Array<[number, number, number, number]> = [
  [500, 157, 530, 233],
  [640, 240, 685, 321],
  [253, 220, 284, 308],
];

const iou = (a: readonly number[], b: readonly number[]): number => {
  const iw = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const ih = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = iw * ih;
  return inter / ((a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter);
};

test('models/mb3-centernet loads through the tfjs runtime and finds the people in a demo frame', async (t) => {
  const model = await tfjsRuntime.load(MODEL_DIR);
  t.teardown(() => model.dispose());
  t.like(model, { runtime: 'tfjs', inputWidth: 512, inputHeight: 512, layout: 'nhwc' }, 'input [1,512,512,3] from model.json');
  t.is(model.labels.length, 80, '80 COCO labels from lookout-model.json');
  t.deepEqual([model.labels[0], model.labels[2], model.labels[7], model.labels[79]], ['person', 'car', 'truck', 'toothbrush'], 'COCO-80 order');

  // Record the raw output of the one inference this test runs.
  let raw: ModelOutput | null = null;
  const recording: LoadedModel = { ...model, run: async (x) => (raw = await model.run(x)) };

  const info = await probeMedia(CLIP);
  const lb = computeLetterbox(info.width, info.height, model.inputWidth, model.inputHeight);
  let frame: Buffer | null = null;
  for await (const rgb of decodeFrames(CLIP, model.inputWidth, model.inputHeight, lb)) {
    frame = rgb; // frame 0; leaving the loop ends ffmpeg
    break;
  }
  t.truthy(frame, 'ffmpeg decoded frame 0 of the demo clip');
  const { detections } = await new FrameDetector(recording).detect(frame!, lb, 0.4);

  t.deepEqual((raw as ModelOutput | null)?.dims, [1, 100, 84], 'output0 is [1,N,4+nc] with N=100, nc=80');
  const people = detections.filter((d) => d.label === 'person');
  t.true(people.some((d) => d.score > 0.5), `at least one person above 0.5 (got ${JSON.stringify(people.map((d) => d.score))})`);
  for (const truth of PEOPLE_IN_FRAME_0) {
    const hit = people.find((d) => d.score > 0.5 && iou(d.box, truth) >= 0.5);
    t.truthy(hit, `a person above 0.5 at IoU >= 0.5 with [${truth.join(',')}] (people: ${JSON.stringify(people.map((d) => [d.score, d.box]))})`);
  }
  for (const d of detections) {
    t.true(d.box[0] >= 0 && d.box[1] >= 0 && d.box[2] <= info.width && d.box[3] <= info.height, `${d.label} box inside the ${info.width}x${info.height} source`);
  }
});
