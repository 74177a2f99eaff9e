/**
 * check-config's model check: for every broken model directory the runtime's
 * own loader refuses, the static inspection refuses it with the very same
 * message, without running the model; good directories pass with the labels
 * the loader finds.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspectModelDir } from '../../../src/detector/model-inspect.js';
import { getRuntime } from '../../../src/detector/runtimes/registry.js';
import { modelsDir } from '../../../src/package-root.js';
import { generateTestModel } from '../../helpers/test-model/index.js';

async function loadError(type: string, dir: string): Promise<string> {
  try {
    const model = await getRuntime(type).load(dir, { threads: 1 });
    await model.dispose();
    return 'loaded';
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
}

function inspectError(type: string, dir: string): string {
  try {
    inspectModelDir(dir, type);
    return 'loaded';
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
}

/** Broken model directories, each made by a function of a fresh copy of a good one. */
const broken: Array<[string, Array<'onnx' | 'tfjs'>, (dir: string) => void]> = [
  ['missing directory', ['onnx', 'tfjs'], (dir) => fs.rmSync(dir, { recursive: true })],
  ['empty directory', ['onnx', 'tfjs'], (dir) => fs.readdirSync(dir).forEach((f) => fs.rmSync(path.join(dir, f)))],
  ['truncated model.onnx', ['onnx'], (dir) => truncate(path.join(dir, 'model.onnx'), 0.5)],
  ['text for model.onnx', ['onnx'], (dir) => fs.writeFileSync(path.join(dir, 'model.onnx'), 'not a model at all')],
  ['short tfjs shard', ['tfjs'], (dir) => truncate(path.join(dir, 'group1-shard1of1.bin'), 0.9)],
  ['missing tfjs shard', ['tfjs'], (dir) => fs.rmSync(path.join(dir, 'group1-shard1of1.bin'))],
  ['cut-off model.json', ['tfjs'], (dir) => truncate(path.join(dir, 'model.json'), 0.3)],
  ['empty labels', ['onnx', 'tfjs'], (dir) => writeMeta(dir, { labels: [] })],
  ['a segment model', ['onnx', 'tfjs'], (dir) => writeMeta(dir, { task: 'segment' })],
  ['min_score out of range', ['onnx', 'tfjs'], (dir) => writeMeta(dir, { min_score: 1.5 })],
  ['metadata not JSON', ['onnx', 'tfjs'], (dir) => fs.writeFileSync(path.join(dir, 'lookout-model.json'), '{"labels": [')],
  ['labels one short of the output', ['onnx', 'tfjs'], (dir) => writeMeta(dir, { labels: ['a'] })],
  ['labels one more than the output', ['onnx', 'tfjs'], (dir) => writeMeta(dir, { labels: ['a', 'b', 'c'] })],
];

function truncate(file: string, keep: number): void {
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * keep)));
}

function writeMeta(dir: string, patch: object): void {
  const file = path.join(dir, 'lookout-model.json');
  const meta = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  fs.writeFileSync(file, JSON.stringify({ ...meta, ...patch }));
}

for (const [what, types, breakIt] of broken) {
  for (const type of types) {
    test(`${type}: ${what}: refused without running, with the loader's own message`, async (t) => {
      // A private copy (copyModelDir names copies by count, which removing one would reuse).
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-inspect-'));
      t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
      const dir = path.join(root, 'model');
      fs.cpSync(generateTestModel({ formats: [type] }), dir, { recursive: true });
      breakIt(dir);
      const expected = await loadError(type, dir);
      t.regex(expected, /^EMODEL: /, `the runtime refuses it: ${expected}`);
      t.is(inspectError(type, dir), expected, 'the static check gives the same code and message');
    });
  }
}

test('the output shape a model declares is checked against its labels when it is static', async (t) => {
  for (const type of ['onnx', 'tfjs'] as const) {
    const dir = generateTestModel({ formats: [type], extraRows: 1 });
    const expected = await loadError(type, dir);
    t.regex(expected, /output shape \[1,7,\d+\] does not match the labels/, `${type}: the loader refuses the extra output row`);
    t.is(inspectError(type, dir), expected, `${type}: so does the static check, word for word`);
  }
});

test('good directories pass with the labels and input size the loader finds', async (t) => {
  const dirs: Array<[string, 'onnx' | 'tfjs']> = [
    [generateTestModel({ formats: ['onnx'] }), 'onnx'],
    [generateTestModel({ formats: ['tfjs'] }), 'tfjs'],
    [path.join(modelsDir, 'yolov8-mnv3'), 'onnx'],
    [path.join(modelsDir, 'yolov8-mnv3'), 'tfjs'],
  ];
  for (const [dir, type] of dirs) {
    const inspected = inspectModelDir(dir, type);
    const model = await getRuntime(type).load(dir, { threads: 1 });
    t.teardown(() => model.dispose());
    t.deepEqual(
      { labels: inspected.labels, w: inspected.inputWidth, h: inspected.inputHeight, layout: inspected.layout, file: inspected.file },
      { labels: model.labels, w: model.inputWidth, h: model.inputHeight, layout: model.layout, file: model.file },
      `${dir} (${type}): the same labels, input and file as the loaded model`,
    );
  }
  t.true(inspectModelDir(path.join(modelsDir, 'yolov8-mnv3'), 'tfjs').outputChecked, "the shipped tfjs model's signature declares a static output, so its labels count is checked");
});

test('an unknown runtime is refused', (t) => {
  t.throws(() => inspectModelDir(os.tmpdir(), 'tflite'), { code: 'ERUNTIME', message: /unknown runtime 'tflite'/ });
});
