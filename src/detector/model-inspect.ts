/**
 * A model directory checked as far as it can be without running the model
 * (for `lookout check-config`): the files the runtime needs are present and
 * whole, the metadata parses, the input is an image the daemon can feed, and
 * the labels count matches the output shape the model declares (ONNX graph
 * output, tfjs model.json signature). Each refusal is the same EMODEL error,
 * word for word, that loading the model in `lookout run` gives; what only a
 * run can show (that the runtime accepts the graph, a dynamic output shape)
 * is left to the start.
 */
import path from 'node:path';
import { LookoutError } from '../errors.js';
import { labelsForShape, resolveInput, type InputGeometry } from './model-check.js';
import {
  mergeMetadata,
  metadataFromOnnxProps,
  modelError,
  ONNX_FILE,
  readLookoutMetadata,
  readModelFile,
  readUltralyticsYaml,
  requireModelFile,
  TFJS_FILE,
  type ModelMetadata,
} from './model-dir.js';
import { readOnnxGraphIO, readOnnxMetadata, type OnnxValueInfo } from './onnx-metadata.js';
import { readModelJson, readWeights } from './runtimes/tfjs-io.js';

export interface ModelInspection extends InputGeometry {
  runtime: 'onnx' | 'tfjs';
  /** The model file the runtime loads. */
  file: string;
  /** Labels from the metadata (or class_<i> placeholders from a static output shape); null when neither says. */
  labels: string[] | null;
  /** The declared output shape; null where the file declares none. */
  outputDims: Array<number | string | null> | null;
  /** Whether the labels count could be checked against a static output shape. */
  outputChecked: boolean;
}

export function inspectModelDir(modelDir: string, runtime: string): ModelInspection {
  if (runtime === 'onnx') return inspectOnnx(modelDir);
  if (runtime === 'tfjs') return inspectTfjs(modelDir);
  throw new LookoutError('ERUNTIME', `detector.runtime: unknown runtime '${runtime}' (expected 'onnx' or 'tfjs')`);
}

function inspectOnnx(modelDir: string): ModelInspection {
  const lookoutMeta = readLookoutMetadata(modelDir);
  const file = requireModelFile(modelDir, ONNX_FILE, 'onnx');
  const bytes = readModelFile(file);
  let props: Record<string, string>;
  let io: { inputs: OnnxValueInfo[]; outputs: OnnxValueInfo[] };
  try {
    props = readOnnxMetadata(bytes);
    io = readOnnxGraphIO(bytes);
  } catch (err) {
    throw modelError(file, `corrupt or truncated ONNX file (${(err as Error).message}); expected a complete ONNX ModelProto`, err);
  }
  const meta = mergeMetadata(lookoutMeta, metadataFromOnnxProps(props));
  if (io.inputs.length === 0 || io.outputs.length === 0) throw modelError(file, 'expected one input and at least one output');
  if (io.inputs.length !== 1) throw modelError(file, `has ${io.inputs.length} inputs; expected one image input`);
  return finish('onnx', file, io.inputs[0]!.dims ?? [], io.outputs[0]!.dims, meta, 'nchw');
}

function inspectTfjs(modelDir: string): ModelInspection {
  const lookoutMeta = readLookoutMetadata(modelDir);
  const file = requireModelFile(modelDir, TFJS_FILE, 'tfjs');
  const { json, kind } = readModelJson(file);
  const meta = mergeMetadata(lookoutMeta, readUltralyticsYaml(modelDir));
  readWeights(file, json);
  const declared = kind === 'graph' ? graphShapes(json) : layersShapes(json);
  if (declared.inputs.length !== 1) throw modelError(file, `has ${declared.inputs.length} inputs; expected one image input`);
  return finish('tfjs', file, declared.inputs[0]!, declared.outputs[0] ?? null, meta, 'nhwc');
}

function finish(
  runtime: 'onnx' | 'tfjs',
  file: string,
  input: Array<number | string | null>,
  output: Array<number | string | null> | null,
  meta: ModelMetadata,
  fallback: 'nchw' | 'nhwc',
): ModelInspection {
  const geometry = resolveInput(file, input, meta, fallback);
  const staticOutput = output !== null && output.length > 0 && output.every((d) => typeof d === 'number' && d > 0) ? (output as number[]) : null;
  const labels = staticOutput ? labelsForShape(file, staticOutput, meta) : (meta.labels ?? null);
  return { runtime, file, ...geometry, labels, outputDims: output, outputChecked: staticOutput !== null };
}

type Dims = Array<number | string | null>;

/** A tfjs tensorShape ({dim: [{size: "1"}, {size: "-1"}]}) as dims; -1 and missing sizes are unknown. */
function tensorShape(shape: unknown): Dims | null {
  const dims = (shape as { dim?: Array<{ size?: string | number }> } | undefined)?.dim;
  if (!Array.isArray(dims)) return null;
  return dims.map((d) => {
    const n = Number(d?.size);
    return Number.isInteger(n) && n > 0 ? n : null;
  });
}

/** Graph model: the signature's inputs and outputs, else the Placeholder nodes' shapes (outputs then unknown). */
function graphShapes(json: { signature?: unknown; modelTopology?: unknown }): { inputs: Dims[]; outputs: Dims[] } {
  const signature = json.signature as { inputs?: Record<string, { tensorShape?: unknown }>; outputs?: Record<string, { tensorShape?: unknown }> } | undefined;
  if (signature?.inputs) {
    return {
      inputs: Object.values(signature.inputs).map((i) => tensorShape(i.tensorShape) ?? []),
      outputs: Object.values(signature.outputs ?? {}).map((o) => tensorShape(o.tensorShape) ?? []),
    };
  }
  const nodes = (json.modelTopology as { node?: Array<{ op?: string; attr?: { shape?: { shape?: unknown } } }> } | undefined)?.node ?? [];
  return { inputs: nodes.filter((n) => n.op === 'Placeholder').map((n) => tensorShape(n.attr?.shape?.shape) ?? []), outputs: [] };
}

/** Layers model: the InputLayer's batch_input_shape; the output shape needs a run. */
function layersShapes(json: { modelTopology?: unknown }): { inputs: Dims[]; outputs: Dims[] } {
  const topology = json.modelTopology as { model_config?: { config?: { layers?: unknown[] } }; config?: { layers?: unknown[] } } | undefined;
  const layers = (topology?.model_config?.config?.layers ?? topology?.config?.layers ?? []) as Array<{ class_name?: string; config?: { batch_input_shape?: Array<number | null> } }>;
  const inputs = layers.filter((l) => l.class_name === 'InputLayer').map((l) => (l.config?.batch_input_shape ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : null)));
  return { inputs, outputs: [] };
}

/** One line for check-config: what was checked. */
export function describeInspection(dir: string, m: ModelInspection): string {
  const labels = m.labels ? `${m.labels.length} labels` : 'no labels in the metadata';
  const output = m.outputChecked
    ? `output [${m.outputDims!.join(',')}] matches the labels`
    : `output ${m.outputDims ? `[${m.outputDims.map((d) => (typeof d === 'number' ? d : '?')).join(',')}]` : 'shape not declared'}: its size is checked when the model loads`;
  return `${dir}: ok (${m.runtime}, ${path.basename(m.file)}, input ${m.inputWidth}x${m.inputHeight} ${m.layout}, ${labels}, ${output})`;
}
