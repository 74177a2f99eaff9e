import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getRuntime } from '../../../src/detector/runtimes/registry.js';
import { resolveInput } from '../../../src/detector/model-check.js';
import { copyModelDir, generateTestModel } from '../../helpers/test-model/index.js';

const load = (type: string, dir: string) => getRuntime(type).load(dir, { threads: 1 });
const emodel = (file: string, what: RegExp) => ({ code: 'EMODEL', message: new RegExp(`^${escape(file)}: .*${what.source}`) });
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('missing model directory and missing model files are refused by name', async (t) => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-empty-model-'));
  t.teardown(() => fs.rmSync(empty, { recursive: true, force: true }));
  await t.throwsAsync(load('onnx', empty), emodel(path.join(empty, 'model.onnx'), /missing: the onnx runtime expects model.onnx/), 'onnx: missing model.onnx');
  await t.throwsAsync(load('tfjs', empty), emodel(path.join(empty, 'model.json'), /missing: the tfjs runtime expects model.json/), 'tfjs: missing model.json');
  const gone = path.join(empty, 'nope');
  await t.throwsAsync(load('onnx', gone), emodel(gone, /model directory does not exist/), 'missing directory');
});

test('onnx-only directory loaded as tfjs suggests the runtime to pick', async (t) => {
  const dir = generateTestModel({ formats: ['onnx'] });
  await t.throwsAsync(load('tfjs', dir), { code: 'EMODEL', message: /the directory has model.onnx: pick the matching detector.runtime/ }, 'hint names the file present');
});

test('truncated model.onnx is refused naming the file', async (t) => {
  const dir = copyModelDir(generateTestModel({ formats: ['onnx'] }));
  const file = path.join(dir, 'model.onnx');
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await t.throwsAsync(load('onnx', dir), emodel(file, /corrupt or truncated ONNX file/), 'half a file');
  fs.writeFileSync(file, 'not a model at all');
  await t.throwsAsync(load('onnx', dir), emodel(file, /corrupt or truncated ONNX file/), 'text instead of protobuf');
});

test('truncated tfjs shard and corrupt model.json are refused naming the file', async (t) => {
  const dir = copyModelDir(generateTestModel({ formats: ['tfjs'] }));
  const shard = path.join(dir, 'group1-shard1of1.bin');
  const bytes = fs.readFileSync(shard);
  fs.writeFileSync(shard, bytes.subarray(0, bytes.length - 100));
  await t.throwsAsync(load('tfjs', dir), emodel(shard, new RegExp(`weight shards hold ${bytes.length - 100} bytes; expected ${bytes.length}`)), 'short shard');
  fs.rmSync(shard);
  await t.throwsAsync(load('tfjs', dir), emodel(shard, /missing: weight shard listed in model.json/), 'missing shard');
  const json = path.join(dir, 'model.json');
  fs.writeFileSync(json, fs.readFileSync(json, 'utf8').slice(0, 200));
  await t.throwsAsync(load('tfjs', dir), emodel(json, /corrupt or truncated model.json/), 'cut-off JSON');
});

for (const type of ['onnx', 'tfjs']) {
  test(`${type}: output [1,7,N] with 2 labels is refused with the expected shapes`, async (t) => {
    const dir = generateTestModel({ extraRows: 1 });
    const file = path.join(dir, type === 'onnx' ? 'model.onnx' : 'model.json');
    await t.throwsAsync(load(type, dir), emodel(file, /output shape \[1,7,84\] does not match the labels; expected \[1,6,N\] or \[1,N,6\]/), 'wrong output shape');
  });
}

test('bad lookout-model.json is refused naming the key', async (t) => {
  const dir = copyModelDir(generateTestModel({ formats: ['onnx'] }));
  const meta = path.join(dir, 'lookout-model.json');
  fs.writeFileSync(meta, JSON.stringify({ labels: [], imgsz: [64, 64] }));
  await t.throwsAsync(load('onnx', dir), emodel(meta, /labels: expected a non-empty array of strings/), 'empty labels');
  fs.writeFileSync(meta, JSON.stringify({ task: 'segment' }));
  await t.throwsAsync(load('onnx', dir), emodel(meta, /task: expected 'detect' \(got 'segment'\)/), 'non-detect task');
  fs.writeFileSync(meta, JSON.stringify({ min_score: 1.5 }));
  await t.throwsAsync(load('onnx', dir), emodel(meta, /min_score: expected a number from 0 to 1/), 'min_score out of range');
});

test('input rank, channel count and unknown size are checked', (t) => {
  t.throws(() => resolveInput('m.onnx', [1, 64, 64], {}, 'nchw'), emodel('m.onnx', /input has rank 3 \[1,64,64\]; expected rank 4/), 'rank 3');
  t.throws(() => resolveInput('m.onnx', [1, 4, 64, 64], { layout: 'nchw' }, 'nchw'), emodel('m.onnx', /has 4 channels in nchw layout; expected 3/), '4 channels');
  t.throws(() => resolveInput('m.onnx', [1, 3, 'h', 'w'], {}, 'nchw'), emodel('m.onnx', /input size is dynamic/), 'dynamic size, no imgsz');
  t.deepEqual(resolveInput('m.onnx', [1, 3, 'h', 'w'], { imgsz: [384, 640] }, 'nchw'), { layout: 'nchw', inputWidth: 640, inputHeight: 384 }, 'imgsz [h,w] fills a dynamic size');
  t.deepEqual(resolveInput('m.json', [-1, 320, 320, 3], {}, 'nchw'), { layout: 'nhwc', inputWidth: 320, inputHeight: 320 }, 'channels last detected');
});
