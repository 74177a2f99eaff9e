import test from 'ava';
import { fileURLToPath } from 'node:url';
import { getRuntime } from '../../../src/detector/runtimes/registry.js';

const MODEL = fileURLToPath(new URL('../../../models/yolov8-mnv3', import.meta.url));

test('onnx inference runs off the event loop: a callback queued after run() starts fires before the result arrives', async (t) => {
  const model = await getRuntime('onnx').load(MODEL, { threads: 1 });
  t.teardown(() => model.dispose());
  t.regex(model.backend, /worker thread/, 'backend says where it runs');
  const input = new Float32Array(3 * model.inputWidth * model.inputHeight).fill(0.5);
  const order: string[] = [];
  // On the main thread, onnxruntime's run() blocks inside an already queued setImmediate,
  // so it would resolve before this one fires; in a worker the loop keeps turning.
  const running = model.run(input).then((out) => {
    order.push('result');
    return out;
  });
  setImmediate(() => order.push('immediate'));
  const out = await running;
  t.deepEqual(order, ['immediate', 'result'], 'the event loop turned while the model ran');
  t.true(out.data.length > 0 && out.dims.length === 3, `an output tensor came back (${out.dims.join('x')})`);
});

test('a disposed onnx model refuses to run with ERUNTIME naming the file', async (t) => {
  const model = await getRuntime('onnx').load(MODEL, { threads: 1 });
  await model.dispose();
  const err = await t.throwsAsync(model.run(new Float32Array(3 * model.inputWidth * model.inputHeight)));
  t.is((err as { code?: string }).code, 'ERUNTIME', 'error code');
  t.regex(err!.message, /model\.onnx: onnx model disposed/, 'names the model file');
});

test('onnx runs reuse their buffers: a recycled output serves the next run, and every output is that run\'s own', async (t) => {
  const model = await getRuntime('onnx').load(MODEL, { threads: 1 });
  t.teardown(() => model.dispose());
  const size = 3 * model.inputWidth * model.inputHeight;
  const gray = new Float32Array(size).fill(0.5);
  const ramp = Float32Array.from({ length: size }, (_, i) => (i % 251) / 250);
  // Each input's answer from a run that recycles nothing.
  const grayAlone = (await model.run(gray)).data.slice();
  const rampAlone = (await model.run(ramp)).data.slice();
  t.notDeepEqual(grayAlone, rampAlone, 'the two inputs give different outputs');

  const first = await model.run(gray);
  t.deepEqual(first.data, grayAlone, 'first run');
  t.truthy(first.recycle, 'the onnx runtime offers its output back');
  first.recycle!();
  const second = await model.run(ramp);
  // The recycled buffer went back to the worker: the old view is detached, not silently overwritten.
  t.is(first.data.length, 0, 'the recycled output was handed to the next run');
  t.deepEqual(second.data, rampAlone, 'the next run wrote its own result into it');
  second.recycle!();
  second.recycle!(); // twice is harmless
  t.deepEqual((await model.run(gray)).data, grayAlone, 'and the one after');
});
