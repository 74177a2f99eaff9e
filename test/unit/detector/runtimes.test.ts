import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { computeLetterbox } from '../../../src/ingest/letterbox.js';
import { FrameDetector } from '../../../src/detector/frame-detector.js';
import { getRuntime, runtimeTypes } from '../../../src/detector/runtimes/registry.js';
import type { LoadedModel } from '../../../src/detector/model.js';
import { ConfigError } from '../../../src/errors.js';
import { copyModelDir, frameWithSquare, generateTestModel } from '../../helpers/test-model/index.js';

const SIZE = 64;
// 128x96 source -> 64x64 input: scaled 64x48, 8 px gray band top and bottom, factor 2.
const lb = computeLetterbox(128, 96, SIZE, SIZE);

async function load(type: string, dir: string): Promise<LoadedModel> {
  return getRuntime(type).load(dir, { threads: 1 });
}

test('registry knows onnx and tfjs; an unknown type is a config error', (t) => {
  t.deepEqual(runtimeTypes(), ['onnx', 'tfjs'], 'both plugins registered');
  const err = t.throws(() => getRuntime('tensorrt'), { instanceOf: ConfigError }, 'unknown runtime refused');
  t.deepEqual(err?.problems, ["detector.runtime: unknown runtime 'tensorrt'; expected one of onnx, tfjs"], 'problem names key and choices');
});

for (const type of ['onnx', 'tfjs']) {
  test(`${type}: the generated network finds the bright square exactly`, async (t) => {
    const model = await load(type, generateTestModel());
    t.teardown(() => model.dispose());
    t.like(model, { runtime: type, inputWidth: SIZE, inputHeight: SIZE, layout: type === 'onnx' ? 'nchw' : 'nhwc' }, 'geometry from the model');
    t.deepEqual(model.labels, ['bright', 'dim'], 'labels from lookout-model.json');
    t.regex(model.backend, type === 'onnx' ? /^onnxruntime-node cpu/ : /^tfjs-(node|wasm)/, 'backend reported');
    const detector = new FrameDetector(model);
    // Square over input columns 10..29 and rows 20..40.
    const { detections } = await detector.detect(frameWithSquare(SIZE, SIZE, [10, 20, 30, 41]), lb);
    t.deepEqual(detections, [
      { label: 'bright', class_id: 0, score: 1, box: [20, 24, 60, 66], box_norm: [20 / 128, 24 / 96, 60 / 128, 66 / 96] },
    ], 'input box [10,20,30,41] -> source x*2, (y-8)*2');
    t.deepEqual((await detector.detect(frameWithSquare(SIZE, SIZE, null), lb)).detections, [], 'gray frame: nothing');
  });

  test(`${type}: [1,N,4+nc] output layout decodes the same`, async (t) => {
    const model = await load(type, generateTestModel({ outputLayout: 'anchors-first' }));
    t.teardown(() => model.dispose());
    const out = await model.run(new Float32Array(SIZE * SIZE * 3));
    t.deepEqual(out.dims, [1, 84, 6], 'anchors-first output dims');
    const { detections } = await new FrameDetector(model).detect(frameWithSquare(SIZE, SIZE, [0, 8, 64, 56]), lb);
    t.deepEqual(detections.map((d) => d.box), [[0, 0, 128, 96]], 'square covering the whole image area maps to the whole source');
  });
}

test('parity: onnx and tfjs give the same detections on the same frames', async (t) => {
  const dir = generateTestModel({ size: 96 });
  const [onnx, tfjs] = await Promise.all([load('onnx', dir), load('tfjs', dir)]);
  t.teardown(async () => { await onnx.dispose(); await tfjs.dispose(); });
  const lb96 = computeLetterbox(160, 90, 96, 96);
  const boxes: Array<[number, number, number, number] | null> = [null, [0, 21, 1, 22], [5, 30, 50, 60], [40, 21, 96, 75], [95, 74, 96, 75]];
  for (const box of boxes) {
    const frame = frameWithSquare(96, 96, box);
    const a = await new FrameDetector(onnx).detect(frame, lb96);
    const b = await new FrameDetector(tfjs).detect(frame, lb96);
    t.deepEqual(b.detections, a.detections, `same detections for square ${JSON.stringify(box)}`);
    t.is(a.detections.length, box ? 1 : 0, `one detection per square (${JSON.stringify(box)})`);
  }
});

test('onnx: a raw Ultralytics-style export (metadata_props only) gives its labels', async (t) => {
  const dir = generateTestModel({ formats: ['onnx'], lookoutMetadata: false, labels: ['cat', 'dog', 'bird'] });
  const model = await load('onnx', dir);
  t.teardown(() => model.dispose());
  t.deepEqual(model.labels, ['cat', 'dog', 'bird'], "labels from names \"{0: 'cat', 1: 'dog', 2: 'bird'}\"");
});

test('onnx: no metadata at all gives class_<i> labels from the output shape', async (t) => {
  const dir = generateTestModel({ formats: ['onnx'], lookoutMetadata: false, onnxMetadataProps: false });
  const model = await load('onnx', dir);
  t.teardown(() => model.dispose());
  t.deepEqual(model.labels, ['class_0', 'class_1'], '6 output rows -> 2 classes');
});

test('tfjs: labels come from an Ultralytics metadata.yaml', async (t) => {
  const dir = copyModelDir(generateTestModel({ formats: ['tfjs'], lookoutMetadata: false }));
  fs.writeFileSync(path.join(dir, 'metadata.yaml'), [
    'description: Ultralytics YOLOv8n model', "date: '2024-05-01T10:00:00'", 'stride: 32', 'task: detect', 'batch: 1',
    'imgsz:', '- 64', '- 64', 'names:', '  0: person', "  1: 'traffic light'", '',
  ].join('\n'));
  const model = await load('tfjs', dir);
  t.teardown(() => model.dispose());
  t.deepEqual(model.labels, ['person', 'traffic light'], 'names map parsed, quotes removed');
});
