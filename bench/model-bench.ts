/**
 * Phase 1a: the bare model. Each variant (model x runtime x threads) is
 * loaded through its runtime plugin (getRuntime(type).load) and run on real
 * frames of the demo clip, letterboxed to the model's input exactly as the
 * daemon's ffmpeg does, after warm-up runs. Only run() is timed:
 * preprocessing and decoding are the daemon's overhead, which the daemon
 * benchmark's ratio shows.
 */
import { decodeFrames, probeMedia } from '../src/detector/media.js';
import { preprocessRgb24 } from '../src/detector/preprocess.js';
import { getRuntime } from '../src/detector/runtimes/registry.js';
import { computeLetterbox } from '../src/ingest/letterbox.js';
import { DEMO_CLIP, variantName, variants, type Variant } from './lib/models.js';
import { median, quantile, round } from './lib/stats.js';

export interface ModelResult {
  name: string;
  model: string;
  runtime: string;
  threads: number | null;
  backend: string | null;
  input: string | null;
  floor: boolean;
  runs: number;
  median_ms: number | null;
  p95_ms: number | null;
  inferences_per_s: number | null;
  error?: string;
}

const FRAMES = 16;

async function letterboxedFrames(width: number, height: number, layout: 'nchw' | 'nhwc'): Promise<Float32Array[]> {
  const info = await probeMedia(DEMO_CLIP);
  const lb = computeLetterbox(info.width, info.height, width, height);
  const out: Float32Array[] = [];
  // Every 10th frame (one per second of video) so the inputs differ.
  let i = 0;
  for await (const frame of decodeFrames(DEMO_CLIP, width, height, lb)) {
    if (i++ % 10 !== 0) continue;
    out.push(preprocessRgb24(frame, width, height, layout));
    if (out.length === FRAMES) break;
  }
  return out;
}

export async function benchVariant(v: Variant, seconds: number, warmup: number): Promise<ModelResult> {
  const base = { name: variantName(v), model: v.model, runtime: v.runtime, threads: v.threads, floor: v.floor };
  let model;
  try {
    model = await getRuntime(v.runtime).load(v.dir, { threads: v.threads ?? undefined });
  } catch (err) {
    return { ...base, backend: null, input: null, runs: 0, median_ms: null, p95_ms: null, inferences_per_s: null, error: (err as Error).message };
  }
  try {
    const frames = await letterboxedFrames(model.inputWidth, model.inputHeight, model.layout);
    for (let i = 0; i < warmup; i++) await model.run(frames[i % frames.length]!);
    const times: number[] = [];
    const started = performance.now();
    // At least 10 runs and `seconds` of running.
    while (times.length < 10 || performance.now() - started < seconds * 1000) {
      const t0 = performance.now();
      await model.run(frames[times.length % frames.length]!);
      times.push(performance.now() - t0);
    }
    const elapsed = (performance.now() - started) / 1000;
    return {
      ...base,
      backend: model.backend,
      input: `${model.inputWidth}x${model.inputHeight}`,
      runs: times.length,
      median_ms: round(median(times), 2),
      p95_ms: round(quantile(times, 0.95), 2),
      inferences_per_s: round(times.length / elapsed, 2),
    };
  } finally {
    await model.dispose();
  }
}

export async function runModelBench(quick: boolean, log: (line: string) => void): Promise<ModelResult[]> {
  const results: ModelResult[] = [];
  for (const v of variants()) {
    log(`model: ${variantName(v)} ...`);
    const r = await benchVariant(v, quick ? 4 : 10, quick ? 3 : 5);
    log(r.error ? `  failed: ${r.error}` : `  ${r.median_ms} ms median, ${r.inferences_per_s} inferences/s (${r.runs} runs, ${r.backend})`);
    results.push(r);
  }
  return results;
}
