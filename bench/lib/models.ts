/**
 * Which models the bench runs: every directory under models/ with a file a
 * runtime can load (model.onnx -> onnx, model.json -> tfjs), the shipped
 * config's model, and the generated test network as a floor.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ONNX_FILE, TFJS_FILE } from '../../src/detector/model-dir.js';
import { generateTestModel } from '../../test/helpers/test-model/index.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEMO_CLIP = path.join(ROOT, 'config/demo/vtest.mp4');
/** Input size of the generated floor network: a typical YOLOv8 edge size. */
export const FLOOR_SIZE = 320;

export interface Variant {
  /** 'mb3-centernet', 'test-network', ... */
  model: string;
  dir: string;
  runtime: 'onnx' | 'tfjs';
  /** Intra-op threads (onnx); null where the runtime has no setting (tfjs-wasm in Node is single-threaded). */
  threads: number | null;
  floor: boolean;
}

export function modelDirs(): Array<{ model: string; dir: string; floor: boolean }> {
  const root = path.join(ROOT, 'models');
  const dirs = fs.existsSync(root)
    ? fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => ({ model: d.name, dir: path.join(root, d.name), floor: false }))
    : [];
  return [...dirs, { model: `test-network-${FLOOR_SIZE}`, dir: generateTestModel({ size: FLOOR_SIZE }), floor: true }];
}

/** Bare-model variants: onnx at 1 and 2 threads where model.onnx exists, tfjs where model.json exists. */
export function variants(): Variant[] {
  const out: Variant[] = [];
  for (const { model, dir, floor } of modelDirs()) {
    if (fs.existsSync(path.join(dir, ONNX_FILE))) for (const threads of [1, 2]) out.push({ model, dir, runtime: 'onnx', threads, floor });
    if (fs.existsSync(path.join(dir, TFJS_FILE))) out.push({ model, dir, runtime: 'tfjs', threads: null, floor });
  }
  return out;
}

export const variantName = (v: Pick<Variant, 'model' | 'runtime' | 'threads'>): string =>
  `${v.model} ${v.runtime === 'tfjs' ? 'tfjs' : `onnx ${v.threads}T`}`;

/** The shipped config's detector (config/lookout.json), resolved like the daemon does. */
export function shippedDetector(): { model: string; dir: string; runtime: 'onnx' | 'tfjs'; threads: number | 'auto' } {
  const file = path.join(ROOT, 'config/lookout.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { detector?: { runtime?: string; model?: string; threads?: number | 'auto' } };
  // As the daemon resolves it: a bare name is a model in models/, a path is relative to the daemon file.
  const value = config.detector?.model ?? 'yolov8-mnv3';
  const dir = /[\\/]/.test(value) ? path.resolve(path.dirname(file), value) : path.join(ROOT, 'models', value);
  const runtime = (config.detector?.runtime ?? 'onnx') as 'onnx' | 'tfjs';
  return { model: path.basename(dir), dir, runtime, threads: config.detector?.threads ?? 'auto' };
}
