/**
 * Reads a tfjs model (model.json + weight shards) from disk. Plain
 * @tensorflow/tfjs has no file:// handler in Node (only tfjs-node does), so
 * this fills the gap: the files are read here and handed to tfjs from memory. Shard sizes are checked
 * against the manifest so a truncated shard is refused by name instead of
 * failing deep inside tfjs.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { modelError, readModelFile } from '../model-dir.js';

type Tf = typeof tfTypes;
type ManifestEntry = tfTypes.io.WeightsManifestEntry;

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

function entryBytes(file: string, w: ManifestEntry): number {
  const count = w.shape.reduce((a, b) => a * b, 1);
  const dtype = w.quantization?.dtype ?? w.dtype;
  const size = DTYPE_BYTES[dtype];
  if (size === undefined) throw modelError(file, `weight '${w.name}' has dtype ${dtype}; expected a numeric dtype`);
  return count * size;
}

export interface TfjsModelJson {
  json: tfTypes.io.ModelJSON;
  kind: 'graph' | 'layers';
}

/** Parses model.json and decides whether it is a graph or a layers model. */
export function readModelJson(file: string): TfjsModelJson {
  let json: tfTypes.io.ModelJSON;
  try {
    json = JSON.parse(readModelFile(file).toString('utf8')) as tfTypes.io.ModelJSON;
  } catch (err) {
    if ((err as { code?: string }).code === 'EMODEL') throw err;
    throw modelError(file, `corrupt or truncated model.json (${(err as Error).message}); expected tfjs model JSON`, err);
  }
  const topology = json?.modelTopology as Record<string, unknown> | undefined;
  if (typeof topology !== 'object' || topology === null || !Array.isArray(json.weightsManifest)) {
    throw modelError(file, 'expected a tfjs model.json with modelTopology and weightsManifest');
  }
  const format = (json as { format?: string }).format;
  const kind = format === 'layers-model' || 'class_name' in topology || 'model_config' in topology ? 'layers' : 'graph';
  return { json, kind };
}

/** The weights of a model.json, read and checked against its manifest. */
export interface TfjsWeights {
  specs: ManifestEntry[];
  /** All shards concatenated, in manifest order; transferable to a worker. */
  data: ArrayBuffer;
}

/**
 * Reads every weight shard listed in model.json from the model's directory.
 * Plain fs work, so it runs on the main thread before any tfjs is loaded and
 * a missing or short shard is refused by name there.
 */
export function readWeights(file: string, json: tfTypes.io.ModelJSON): TfjsWeights {
  const dir = path.dirname(file);
  const specs: ManifestEntry[] = [];
  const chunks: Buffer[] = [];
  for (const group of json.weightsManifest) {
    const expected = group.weights.reduce((sum, w) => sum + entryBytes(file, w), 0);
    const shards = group.paths.map((p) => {
      const shard = path.join(dir, p);
      if (!fs.existsSync(shard)) throw modelError(shard, `missing: weight shard listed in ${path.basename(file)}`);
      return { shard, bytes: readModelFile(shard) };
    });
    const got = shards.reduce((sum, s) => sum + s.bytes.length, 0);
    if (got !== expected) {
      throw modelError(shards.at(-1)?.shard ?? file, `weight shards hold ${got} bytes; expected ${expected} as listed in ${path.basename(file)} (truncated or mismatched shard?)`);
    }
    specs.push(...group.weights);
    chunks.push(...shards.map((s) => s.bytes));
  }
  const all = Buffer.concat(chunks);
  return { specs, data: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer };
}

/** An IOHandler serving model.json and weights already in memory. */
export function memoryIOHandler(tf: Tf, json: tfTypes.io.ModelJSON, weights: TfjsWeights): tfTypes.io.IOHandler {
  return { load: () => tf.io.getModelArtifactsForJSON(json, async () => [weights.specs, weights.data]) };
}

/** An IOHandler serving model.json and its shards from the model's directory. */
export function fileIOHandler(tf: Tf, file: string, json: tfTypes.io.ModelJSON): tfTypes.io.IOHandler {
  return { load: () => tf.io.getModelArtifactsForJSON(json, async () => { const w = readWeights(file, json); return [w.specs, w.data]; }) };
}
