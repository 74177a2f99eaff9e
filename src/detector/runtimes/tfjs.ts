/**
 * TensorFlow.js runtime. @tensorflow/tfjs-node (native libtensorflow) is used
 * when it can be loaded: it is an optionalDependency whose install needs the
 * internet, so on offline boards it is simply absent. Otherwise @tensorflow/tfjs
 * runs on the wasm backend with the .wasm files taken from the installed
 * package directory (no network). Loads graph models (Ultralytics
 * `format=tfjs`) and layers models.
 *
 * tfjs executes a graph synchronously on the calling thread, so the wasm
 * backend runs each model in its own worker_thread (tfjs-thread.ts) and a
 * 200-400 ms inference leaves the event loop free. tfjs-node stays on the main
 * thread: its native addon is known to fail when loaded by a second worker in
 * one process (tensorflow/tfjs#2079), and each load here would start a worker.
 *
 * Every check of the model directory and of the YOLOv8 contract runs here on
 * the main thread, the same for both placements.
 */
import type { LoadedModel, ModelOutput, RuntimePlugin } from '../model.js';
import { inputDims, resolveInput, resolveLabels, warmUp } from '../model-check.js';
import { mergeMetadata, modelError, readLookoutMetadata, readUltralyticsYaml, requireModelFile, TFJS_FILE } from '../model-dir.js';
import { readModelJson, readWeights } from './tfjs-io.js';
import { initNative, initWasm, openSession, type TfBackend, type TfjsSession } from './tfjs-session.js';
import { openInWorker } from './tfjs-thread.js';

// The main thread's tfjs engine is process-wide, so it is set up once, on
// first use (not at import time).
let nativePromise: Promise<TfBackend | null> | null = null;
let backendPromise: Promise<TfBackend> | null = null;

const nativeTfjs = (): Promise<TfBackend | null> => (nativePromise ??= initNative());

/** tfjs on the main thread: tfjs-node, else wasm (for tools; the runtime runs wasm in a worker). */
export function initTfjs(): Promise<TfBackend> {
  backendPromise ??= nativeTfjs().then((native) => native ?? initWasm());
  return backendPromise;
}

async function load(modelDir: string): Promise<LoadedModel> {
  const lookoutMeta = readLookoutMetadata(modelDir);
  const file = requireModelFile(modelDir, TFJS_FILE, 'tfjs');
  const { json, kind } = readModelJson(file);
  const meta = mergeMetadata(lookoutMeta, readUltralyticsYaml(modelDir));
  const weights = readWeights(file, json);

  const native = await nativeTfjs();
  const session: TfjsSession = native ? await openSession(native, file, json, kind, weights) : await openInWorker(file, json, kind, weights);

  try {
    const inputs = session.inputShapes;
    if (inputs.length !== 1) throw modelError(file, `has ${inputs.length} inputs; expected one image input`);
    const geometry = resolveInput(file, inputs[0]!, meta, 'nhwc');
    const shape = inputDims(geometry);
    const run = (input: Float32Array): Promise<ModelOutput> => session.run(input, shape);
    const labels = resolveLabels(file, await warmUp(file, run, shape), meta);
    return {
      runtime: 'tfjs',
      backend: session.backend,
      ...geometry,
      labels,
      file,
      run,
      dispose: () => session.dispose(),
    };
  } catch (err) {
    await session.dispose();
    throw err;
  }
}

export const tfjsRuntime: RuntimePlugin = { type: 'tfjs', load: (dir) => load(dir) };
