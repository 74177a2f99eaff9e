/**
 * Checks a loaded network against the YOLOv8 detection contract, shared by all
 * runtimes: input rank 4 with 3 channels first or last; output [1,4+nc,N] or
 * [1,N,4+nc]. The output is checked on a real warm-up run, because exported
 * graphs often leave shapes symbolic and a static shape can lie.
 */
import type { InputLayout, ModelOutput } from './model.js';
import { modelError, type ModelMetadata } from './model-dir.js';
import { outputLayout } from './yolo-decode.js';

export interface InputGeometry {
  layout: InputLayout;
  inputWidth: number;
  inputHeight: number;
}

/** A dimension is static when it is a positive number (not -1, null or a symbol). */
const staticDim = (d: number | string | null | undefined): number | null => (typeof d === 'number' && d > 0 ? d : null);

export function resolveInput(
  file: string,
  dims: ReadonlyArray<number | string | null>,
  meta: ModelMetadata,
  fallbackLayout: InputLayout,
): InputGeometry {
  if (dims.length !== 4) {
    throw modelError(file, `input has rank ${dims.length} [${dims.join(',')}]; expected rank 4: [1,3,H,W] (nchw) or [1,H,W,3] (nhwc)`);
  }
  let layout = meta.layout;
  if (layout === undefined) {
    if (staticDim(dims[1]) === 3) layout = 'nchw';
    else if (staticDim(dims[3]) === 3) layout = 'nhwc';
    else layout = fallbackLayout;
  }
  const channels = layout === 'nchw' ? dims[1] : dims[3];
  if (staticDim(channels) !== null && channels !== 3) {
    throw modelError(file, `input [${dims.join(',')}] has ${channels} channels in ${layout} layout; expected 3 (RGB)`);
  }
  const [hDim, wDim] = layout === 'nchw' ? [dims[2], dims[3]] : [dims[1], dims[2]];
  const h = staticDim(hDim) ?? meta.imgsz?.[0] ?? null;
  const w = staticDim(wDim) ?? meta.imgsz?.[1] ?? null;
  if (h === null || w === null) {
    throw modelError(file, `input size is dynamic [${dims.join(',')}] and no imgsz is given; expected imgsz [h, w] in lookout-model.json or the model's metadata`);
  }
  return { layout, inputWidth: w, inputHeight: h };
}

/**
 * Validates the warm-up output and returns the labels to use: the metadata's
 * when they match the output, `class_<i>` placeholders when there are none.
 */
export function resolveLabels(file: string, out: ModelOutput, meta: ModelMetadata): string[] {
  const { dims } = out;
  const fail = outputFailure(file, dims, meta);
  if (dims.length !== 3 || dims[0] !== 1) throw fail('is not a batch-1 rank-3 tensor');
  if (dims[0]! * dims[1]! * dims[2]! !== out.data.length) throw fail(`does not match its data length ${out.data.length}`);
  return labelsForShape(file, dims, meta);
}

function outputFailure(file: string, dims: ReadonlyArray<number | string | null>, meta: ModelMetadata) {
  const expected = meta.labels ? `[1,${4 + meta.labels.length},N] or [1,N,${4 + meta.labels.length}] (4 box values + ${meta.labels.length} class scores)` : '[1,4+nc,N] or [1,N,4+nc]';
  return (why: string) => modelError(file, `output shape [${dims.join(',')}] ${why}; expected ${expected} as in an Ultralytics YOLOv8 detect export`);
}

/**
 * The labels for a static output shape, or EMODEL. Used on the warm-up run's
 * output, and by check-config on the shape a model file declares.
 */
export function labelsForShape(file: string, dims: readonly number[], meta: ModelMetadata): string[] {
  const fail = outputFailure(file, dims, meta);
  if (dims.length !== 3 || dims[0] !== 1) throw fail('is not a batch-1 rank-3 tensor');
  if (meta.labels) {
    if (outputLayout(dims, meta.labels.length) === null) throw fail('does not match the labels');
    return meta.labels;
  }
  // No labels: YOLO heads have far more anchors than classes, so the smaller
  // axis is 4+nc.
  const rows = Math.min(dims[1]!, dims[2]!);
  if (rows < 5) throw fail('has fewer than 5 values per anchor');
  return Array.from({ length: rows - 4 }, (_, i) => `class_${i}`);
}

/** The input tensor's dims for a geometry: [1,3,H,W] or [1,H,W,3]. */
export function inputDims(geometry: InputGeometry): number[] {
  const { inputHeight: h, inputWidth: w } = geometry;
  return geometry.layout === 'nchw' ? [1, 3, h, w] : [1, h, w, 3];
}

/**
 * One run on zeros: it proves the model runs at all and gives the output
 * shape, which resolveLabels checks. A failure is the model's fault (EMODEL).
 */
export async function warmUp(file: string, run: (input: Float32Array) => Promise<ModelOutput>, dims: readonly number[]): Promise<ModelOutput> {
  try {
    return await run(new Float32Array(dims.reduce((a, b) => a * b, 1)));
  } catch (err) {
    throw modelError(file, `warm-up run on a zero ${dims.join('x')} input failed: ${(err as Error).message}`, err);
  }
}
