import test from 'ava';
import path from 'node:path';
import { getRuntime } from '../../../src/detector/runtimes/registry.js';
import { openInWorker } from '../../../src/detector/runtimes/tfjs-thread.js';
import { readModelJson, readWeights } from '../../../src/detector/runtimes/tfjs-io.js';
import { generateTestModel } from '../../helpers/test-model/index.js';

const load = (dir: string) => getRuntime('tfjs').load(dir, { threads: 1 });

test('the event loop keeps turning while tfjs runs the model', async (t) => {
  const model = await load(generateTestModel({ formats: ['tfjs'], size: 256 }));
  t.teardown(() => model.dispose());
  const input = new Float32Array(model.inputWidth * model.inputHeight * 3);
  // Timer ticks that land while a run is in flight. A run on the main thread
  // only resolves microtasks, so back-to-back runs there let no timer fire at
  // all; runs in a worker leave the loop free between messages. No wall-clock
  // bound: only whether ticks happen during runs.
  let inFlight = false;
  let ticksDuringRuns = 0;
  const timer = setInterval(() => { if (inFlight) ticksDuringRuns++; }, 1);
  t.teardown(() => clearInterval(timer));
  let runs = 0;
  while (ticksDuringRuns < 3 && runs < 200) {
    inFlight = true;
    const out = await model.run(input);
    inFlight = false;
    t.is(out.data.length, out.dims.reduce((a, b) => a * b, 1), 'output data matches its dims');
    runs++;
  }
  t.true(ticksDuringRuns >= 3, `timers fired while runs were in flight (${ticksDuringRuns} ticks over ${runs} runs)`);
});

test('a second run while one is in flight is refused; the first completes', async (t) => {
  const model = await load(generateTestModel({ formats: ['tfjs'] }));
  t.teardown(() => model.dispose());
  const input = new Float32Array(model.inputWidth * model.inputHeight * 3);
  const first = model.run(input);
  await t.throwsAsync(model.run(input), { message: /tfjs run\(\) called while another run is in flight/ }, 'concurrent run refused');
  t.deepEqual((await first).dims, [1, 6, 84], 'first run still answers');
});

test('a dying worker rejects the pending run and later ones; the next load works', async (t) => {
  const dir = generateTestModel({ formats: ['tfjs'] });
  const file = path.join(dir, 'model.json');
  const { json, kind } = readModelJson(file);
  const session = await openInWorker(file, json, kind, readWeights(file, json), {
    workerUrl: new URL('../../helpers/dying-tfjs-worker.ts', import.meta.url),
  });
  t.teardown(() => session.dispose());
  t.deepEqual(session.inputShapes, [[1, 8, 8, 3]], 'the stand-in worker opened');
  const crash = { code: 'ERUNTIME', message: `${file}: tfjs worker exited unexpectedly (exit code 3)` };
  await t.throwsAsync(session.run(new Float32Array(192), [1, 8, 8, 3]), crash, 'pending run rejected with the exit code');
  await t.throwsAsync(session.run(new Float32Array(192), [1, 8, 8, 3]), crash, 'later runs rejected the same way');

  const model = await load(dir);
  t.teardown(() => model.dispose());
  t.deepEqual((await model.run(new Float32Array(64 * 64 * 3))).dims, [1, 6, 84], 'a fresh load runs');
});

test('dispose during a run rejects that run and ends the worker', async (t) => {
  const model = await load(generateTestModel({ formats: ['tfjs'] }));
  const pending = model.run(new Float32Array(64 * 64 * 3));
  await model.dispose();
  await t.throwsAsync(pending, { code: 'ERUNTIME', message: /tfjs model disposed$/ }, 'in-flight run rejected');
  await t.throwsAsync(model.run(new Float32Array(64 * 64 * 3)), { code: 'ERUNTIME', message: /tfjs model disposed$/ }, 'runs after dispose rejected');
  await model.dispose();
  t.pass('dispose twice is safe');
});
