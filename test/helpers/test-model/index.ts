/**
 * Generates test model directories at test time (a few ms each) into a temp
 * dir that is removed when the test process exits. Same spec -> same dir, so a
 * test file that asks twice builds once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildOnnxModel } from './build-onnx.js';
import { buildTfjsModel } from './build-tfjs.js';
import { defaultSpec, metadataFor, type TestModelSpec } from './spec.js';

export { anchorCount, defaultSpec, type TestModelSpec } from './spec.js';

export interface GenerateOptions extends Partial<TestModelSpec> {
  /** Which files to write (default both). */
  formats?: Array<'onnx' | 'tfjs'>;
  /** Write lookout-model.json (default true). */
  lookoutMetadata?: boolean;
  /** Write Ultralytics metadata_props into model.onnx (default true). */
  onnxMetadataProps?: boolean;
}

let root: string | null = null;
const cache = new Map<string, string>();

function tempRoot(): string {
  if (root === null) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-test-model-'));
    root = dir;
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return root;
}

/** Returns a directory holding model.onnx and/or model.json + shard + lookout-model.json. */
export function generateTestModel(options: GenerateOptions = {}): string {
  const key = JSON.stringify(options);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const { formats = ['onnx', 'tfjs'], lookoutMetadata = true, onnxMetadataProps = true, ...overrides } = options;
  const spec: TestModelSpec = { ...defaultSpec, ...overrides };
  const dir = path.join(tempRoot(), `m${cache.size}`);
  fs.mkdirSync(dir);
  if (formats.includes('onnx')) {
    fs.writeFileSync(path.join(dir, 'model.onnx'), buildOnnxModel(spec, { metadataProps: onnxMetadataProps }));
  }
  if (formats.includes('tfjs')) {
    const files = buildTfjsModel(spec);
    fs.writeFileSync(path.join(dir, 'model.json'), files.modelJson);
    fs.writeFileSync(path.join(dir, files.shardName), files.shard);
  }
  if (lookoutMetadata) {
    fs.writeFileSync(path.join(dir, 'lookout-model.json'), JSON.stringify(metadataFor(spec), null, 2));
  }
  cache.set(key, dir);
  return dir;
}

/** A copy of `dir` in a fresh temp dir, for tests that damage files. */
export function copyModelDir(dir: string): string {
  const copy = path.join(tempRoot(), `copy${fs.readdirSync(tempRoot()).length}`);
  fs.cpSync(dir, copy, { recursive: true });
  return copy;
}

/**
 * An rgb24 frame of size w x h, gray 114 everywhere (letterbox padding colour)
 * with a white rectangle over columns x1..x2-1 and rows y1..y2-1.
 */
export function frameWithSquare(w: number, h: number, box: [number, number, number, number] | null): Buffer {
  const buf = Buffer.alloc(w * h * 3, 114);
  if (box) {
    const [x1, y1, x2, y2] = box;
    for (let y = y1; y < y2; y++) buf.fill(255, (y * w + x1) * 3, (y * w + x2) * 3);
  }
  return buf;
}
