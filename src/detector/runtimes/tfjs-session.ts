/**
 * The tfjs side of the runtime, free of any model-directory checks: choose a
 * backend, load a graph or layers model from memory, run it. The same code
 * runs in the tfjs worker thread (wasm) and on the main thread (tfjs-node).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import type { ModelOutput } from '../model.js';
import { modelError } from '../model-dir.js';
import { memoryIOHandler, type TfjsWeights } from './tfjs-io.js';

export type Tf = typeof tfTypes;
export interface TfBackend { tf: Tf; backend: string }

/** Input shapes as the model declares them (-1 or null where dynamic). */
export type DeclaredShape = Array<number | null>;

/** One loaded model, wherever it runs. One run at a time. */
export interface TfjsSession {
  readonly backend: string;
  readonly inputShapes: DeclaredShape[];
  run(input: Float32Array, shape: number[]): Promise<ModelOutput>;
  dispose(): Promise<void>;
}

export async function initNative(): Promise<TfBackend | null> {
  // A variable specifier keeps TypeScript from requiring the optional package.
  const name = '@tensorflow/tfjs-node';
  try {
    const tf = (await import(name)) as Tf;
    await tf.ready();
    return { tf, backend: 'tfjs-node' };
  } catch {
    return null;
  }
}

export async function initWasm(): Promise<TfBackend> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  // The package's main file sits in dist/ next to the .wasm binaries.
  const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  wasm.setWasmPaths(wasmDir + path.sep);
  if (!(await tf.setBackend('wasm'))) throw new Error(`tfjs wasm backend failed to initialise (wasm files from ${wasmDir})`);
  await tf.ready();
  tf.enableProdMode();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  return { tf, backend: `tfjs-wasm (${simd ? 'simd' : 'no simd'}, 1 thread)` };
}

type AnyModel = tfTypes.GraphModel | tfTypes.LayersModel;

function isGraphModel(m: AnyModel): m is tfTypes.GraphModel {
  return typeof (m as tfTypes.GraphModel).executeAsync === 'function';
}

/**
 * Loads the model into `tf`. A model tfjs refuses is EMODEL naming `file`.
 * Nothing here checks the YOLOv8 contract: the caller does, on the main thread.
 */
export async function openSession(
  { tf, backend }: TfBackend,
  file: string,
  json: tfTypes.io.ModelJSON,
  kind: 'graph' | 'layers',
  weights: TfjsWeights,
): Promise<TfjsSession> {
  let model: AnyModel;
  try {
    const handler = memoryIOHandler(tf, json, weights);
    model = kind === 'graph' ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler);
  } catch (err) {
    if ((err as { code?: string }).code === 'EMODEL') throw err;
    throw modelError(file, `tfjs cannot load this ${kind} model: ${(err as Error).message}`, err);
  }
  const outputName = isGraphModel(model) ? model.outputs[0]?.name : undefined;
  // Graphs with control flow only run through executeAsync; found on first use.
  let useAsync = false;

  const forward = async (x: tfTypes.Tensor): Promise<tfTypes.Tensor> => {
    if (!isGraphModel(model)) return model.predict(x) as tfTypes.Tensor;
    if (!useAsync) {
      try {
        return model.execute(x, outputName) as tfTypes.Tensor;
      } catch (err) {
        if (!/executeAsync/.test((err as Error).message)) throw err;
        useAsync = true;
      }
    }
    return (await model.executeAsync(x, outputName)) as tfTypes.Tensor;
  };

  return {
    backend,
    inputShapes: model.inputs.map((i) => (i.shape ?? []) as DeclaredShape),
    run: async (input, shape) => {
      const x = tf.tensor(input, shape, 'float32');
      let y: tfTypes.Tensor | null = null;
      try {
        y = await forward(x);
        const data = await y.data();
        return { data: data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>), dims: y.shape.slice() };
      } finally {
        x.dispose();
        y?.dispose();
      }
    },
    dispose: async () => {
      model.dispose();
    },
  };
}
