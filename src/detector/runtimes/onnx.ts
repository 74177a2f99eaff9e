/**
 * onnxruntime-node, CPU execution provider, in a worker thread (onnx-worker.ts):
 * onnxruntime runs a session on its calling thread, so on the main thread every
 * inference (30-80 ms here) stalled the daemon's event loop.
 *
 * The file is read into memory once: the same bytes give the Ultralytics
 * metadata_props (which onnxruntime does not expose) and, transferred to the
 * worker without a copy, the session; a truncated file is caught by name.
 * - Each run copies the input once and transfers the copy (onnxruntime
 *   refuses shared memory); the output buffer is transferred back. Both
 *   buffers are reused from run to run (the output once the caller recycles
 *   it), so a steady stream of frames allocates no large buffers.
 * - One run in flight; a second concurrent run() is refused.
 * - A worker that dies rejects what is pending, and every later call, with
 *   ERUNTIME naming the model file.
 * - An idle worker does not keep the process alive; one with work does.
 */
import { LookoutError } from '../../errors.js';
import type { LoadedModel, ModelOutput, RuntimeOptions, RuntimePlugin } from '../model.js';
import { inputDims, resolveInput, resolveLabels, warmUp } from '../model-check.js';
import {
  mergeMetadata,
  metadataFromOnnxProps,
  modelError,
  ONNX_FILE,
  readLookoutMetadata,
  readModelFile,
  requireModelFile,
} from '../model-dir.js';
import { readOnnxMetadata } from '../onnx-metadata.js';
import type { FromOnnxWorker, ToOnnxWorker } from './onnx-worker.js';
import { openWorkerChannel, type WorkerChannel } from './worker-channel.js';

/** The worker script next to this module: .js when compiled, .ts when the sources run through tsx. */
const workerUrl = (): URL => new URL(import.meta.url.endsWith('.ts') ? './onnx-worker.ts' : './onnx-worker.js', import.meta.url);

type OnnxWorker = WorkerChannel<ToOnnxWorker, FromOnnxWorker>;

function openWorker(file: string): OnnxWorker {
  return openWorkerChannel<ToOnnxWorker, FromOnnxWorker>({
    url: workerUrl(),
    file,
    runtime: 'onnx',
    failure: (msg) => {
      if (msg.type !== 'failed') return null;
      const err = new Error(msg.error.message);
      if (msg.error.stack) err.stack = msg.error.stack;
      return err;
    },
  });
}

async function load(modelDir: string, options: RuntimeOptions = {}): Promise<LoadedModel> {
  const lookoutMeta = readLookoutMetadata(modelDir);
  const file = requireModelFile(modelDir, ONNX_FILE, 'onnx');
  const bytes = readModelFile(file);
  let props: Record<string, string>;
  try {
    props = readOnnxMetadata(bytes);
  } catch (err) {
    throw modelError(file, `corrupt or truncated ONNX file (${(err as Error).message}); expected a complete ONNX ModelProto`, err);
  }
  const meta = mergeMetadata(lookoutMeta, metadataFromOnnxProps(props));

  const threads = options.threads && options.threads > 0 ? options.threads : 0;
  const worker = openWorker(file);
  let opened: FromOnnxWorker;
  try {
    // A private copy of the bytes moves to the worker (transferred, so no second copy there).
    const own = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    opened = await worker.request({ type: 'open', bytes: own, threads }, [own]);
  } catch (err) {
    await worker.close();
    if (err instanceof LookoutError) throw err;
    throw modelError(file, `onnxruntime cannot load it: ${(err as Error).message}`, err);
  }

  try {
    if (opened.type !== 'opened') throw new Error(`${file}: onnx worker answered ${opened.type} to open`);
    const [inputName] = opened.inputNames;
    const [outputName] = opened.outputNames;
    if (inputName === undefined || outputName === undefined) throw modelError(file, 'expected one input and at least one output');
    if (opened.inputNames.length !== 1) throw modelError(file, `has ${opened.inputNames.length} inputs; expected one image input`);
    const geometry = resolveInput(file, opened.inputDims, meta, 'nchw');
    const dims = inputDims(geometry);
    await worker.request({ type: 'dims', dims });

    // The buffers that travel to the worker and back: the input's, and an output the caller recycled.
    let spareInput: ArrayBuffer | null = null;
    let spareOutput: ArrayBuffer | null = null;
    const run = async (data: Float32Array): Promise<ModelOutput> => {
      // onnxruntime takes no SharedArrayBuffer: one copy of the input, transferred (the caller may reuse `data`).
      const input = spareInput?.byteLength === data.byteLength ? spareInput : new ArrayBuffer(data.byteLength);
      spareInput = null;
      new Float32Array(input).set(data);
      const output = spareOutput;
      spareOutput = null;
      const msg = await worker.request({ type: 'run', input, ...(output ? { output } : {}) }, output ? [input, output] : [input]);
      if (msg.type !== 'result') throw new Error(`${file}: onnx worker answered ${msg.type} to run`);
      spareInput = msg.input;
      let recycled = false;
      const recycle = () => {
        if (recycled) return;
        recycled = true;
        spareOutput = msg.data;
      };
      return { data: new Float32Array(msg.data), dims: msg.dims, recycle };
    };

    const labels = resolveLabels(file, await warmUp(file, run, dims), meta);

    return {
      runtime: 'onnx',
      backend: `onnxruntime-node cpu (${threads > 0 ? `${threads} thread${threads === 1 ? '' : 's'}` : 'default threads'}, worker thread)`,
      ...geometry,
      labels,
      file,
      run,
      dispose: () => worker.close(),
    };
  } catch (err) {
    await worker.close();
    throw err;
  }
}

export const onnxRuntime: RuntimePlugin = { type: 'onnx', load };
