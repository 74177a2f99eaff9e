/**
 * TensorFlow.js runtime. @tensorflow/tfjs-node (native libtensorflow) is used
 * when it can be loaded: it is an optionalDependency whose install needs the
 * internet, so on offline boards it is simply absent. Otherwise @tensorflow/tfjs
 * runs on the wasm backend with the .wasm files taken from the installed
 * package directory (no network). Loads graph models (Ultralytics
 * `format=tfjs`) and layers models.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import type { LoadedModel, ModelOutput, RuntimePlugin } from '../model.js';
import { resolveInput, resolveLabels } from '../model-check.js';
import { mergeMetadata, modelError, readLookoutMetadata, readUltralyticsYaml, requireModelFile, TFJS_FILE } from '../model-dir.js';
import { fileIOHandler, readModelJson } from './tfjs-io.js';

type Tf = typeof tfTypes;
interface TfBackend { tf: Tf; backend: string }

// The tfjs engine is process-wide, so the backend is chosen once, on first load
// (not at import time).
let backendPromise: Promise<TfBackend> | null = null;

async function initNative(): Promise<TfBackend | null> {
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

async function initWasm(): Promise<TfBackend> {
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

export function initTfjs(): Promise<TfBackend> {
  backendPromise ??= initNative().then((native) => native ?? initWasm());
  return backendPromise;
}

type AnyModel = tfTypes.GraphModel | tfTypes.LayersModel;

function isGraphModel(m: AnyModel): m is tfTypes.GraphModel {
  return typeof (m as tfTypes.GraphModel).executeAsync === 'function';
}

async function load(modelDir: string): Promise<LoadedModel> {
  const lookoutMeta = readLookoutMetadata(modelDir);
  const file = requireModelFile(modelDir, TFJS_FILE, 'tfjs');
  const { json, kind } = readModelJson(file);
  const meta = mergeMetadata(lookoutMeta, readUltralyticsYaml(modelDir));
  const { tf, backend } = await initTfjs();

  let model: AnyModel;
  try {
    const handler = fileIOHandler(tf, file, json);
    model = kind === 'graph' ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler);
  } catch (err) {
    if ((err as { code?: string }).code === 'EMODEL') throw err;
    throw modelError(file, `tfjs cannot load this ${kind} model: ${(err as Error).message}`, err);
  }

  try {
    const inputs = model.inputs;
    if (inputs.length !== 1) throw modelError(file, `has ${inputs.length} inputs; expected one image input`);
    const geometry = resolveInput(file, inputs[0]!.shape ?? [], meta, 'nhwc');
    const shape = geometry.layout === 'nchw' ? [1, 3, geometry.inputHeight, geometry.inputWidth] : [1, geometry.inputHeight, geometry.inputWidth, 3];
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

    const run = async (input: Float32Array): Promise<ModelOutput> => {
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
    };

    let warm: ModelOutput;
    try {
      warm = await run(new Float32Array(shape.reduce((a, b) => a * b, 1)));
    } catch (err) {
      throw modelError(file, `warm-up run on a zero ${shape.join('x')} input failed: ${(err as Error).message}`, err);
    }
    const labels = resolveLabels(file, warm, meta);
    return {
      runtime: 'tfjs',
      backend,
      ...geometry,
      labels,
      file,
      run,
      dispose: async () => {
        model.dispose();
      },
    };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

export const tfjsRuntime: RuntimePlugin = { type: 'tfjs', load: (dir) => load(dir) };
