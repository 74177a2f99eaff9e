/**
 * Latency of model directories through lookout's own runtimes, interleaved
 * round-robin so that background load hits all of them alike.
 *
 *   npx tsx training/tools/time-models.ts [--runs N] [--threads T] RUNTIME:DIR ...
 *
 * RUNTIME is onnx or tfjs. Prints one JSON line per model with the median and
 * the 10th percentile (ms per run, after 3 warm-up runs), input size and backend.
 */
import { getRuntime } from '../../src/detector/runtimes/registry.js';
import type { LoadedModel } from '../../src/detector/model.js';

const args = process.argv.slice(2);
let runs = 30;
let threads = 1;
const specs: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--threads') threads = Number(args[++i]);
  else specs.push(args[i]!);
}
const models: Array<{ spec: string; m: LoadedModel; input: Float32Array; times: number[] }> = [];
for (const spec of specs) {
  const [rt, dir] = spec.split(/:(.*)/s) as [string, string];
  const m = await getRuntime(rt).load(dir, { threads });
  const input = new Float32Array(m.inputWidth * m.inputHeight * 3);
  for (let i = 0; i < input.length; i++) input[i] = ((i * 2654435761) % 1000) / 1000;
  for (let w = 0; w < 3; w++) await m.run(input);
  models.push({ spec, m, input, times: [] });
}
for (let r = 0; r < runs; r++) {
  for (const e of models) {
    const t0 = process.hrtime.bigint();
    await e.m.run(e.input);
    e.times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
for (const e of models) {
  const s = [...e.times].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  process.stdout.write(JSON.stringify({ model: e.spec, backend: e.m.backend, input: e.m.inputWidth, median_ms: +q(0.5).toFixed(2), p10_ms: +q(0.1).toFixed(2) }) + '\n');
  await e.m.dispose();
}
