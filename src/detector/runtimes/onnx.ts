/**
 * onnxruntime-node, CPU execution provider. The file is read into memory once:
 * the same bytes give the Ultralytics metadata_props (which onnxruntime does
 * not expose) and the session, and a truncated file is caught by name.
 */
import type * as Ort from 'onnxruntime-node';
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

  // Imported on first load so that importing the registry loads no native code.
  const ort = await import('onnxruntime-node');
  const threads = options.threads && options.threads > 0 ? options.threads : 0;
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      // One run at a time per instance: parallelism comes from intra-op threads.
      executionMode: 'sequential',
      interOpNumThreads: 1,
      intraOpNumThreads: threads,
    });
  } catch (err) {
    throw modelError(file, `onnxruntime cannot load it: ${(err as Error).message}`, err);
  }

  try {
    const [inputName] = session.inputNames;
    const [outputName] = session.outputNames;
    if (inputName === undefined || outputName === undefined) throw modelError(file, 'expected one input and at least one output');
    if (session.inputNames.length !== 1) throw modelError(file, `has ${session.inputNames.length} inputs; expected one image input`);
    const inMeta = session.inputMetadata[0];
    const inDims = inMeta && inMeta.isTensor ? [...inMeta.shape] : [];
    const geometry = resolveInput(file, inDims, meta, 'nchw');
    const dims = inputDims(geometry);

    const run = async (input: Float32Array): Promise<ModelOutput> => {
      const results = await session.run({ [inputName]: new ort.Tensor('float32', input, dims) }, [outputName]);
      const t = results[outputName]!;
      return { data: t.data as Float32Array, dims: t.dims.map(Number) };
    };

    const labels = resolveLabels(file, await warmUp(file, run, dims), meta);

    return {
      runtime: 'onnx',
      backend: `onnxruntime-node cpu (${threads > 0 ? `${threads} thread${threads === 1 ? '' : 's'}` : 'default threads'})`,
      ...geometry,
      labels,
      file,
      run,
      dispose: () => session.release(),
    };
  } catch (err) {
    await session.release();
    throw err;
  }
}

export const onnxRuntime: RuntimePlugin = { type: 'onnx', load };
