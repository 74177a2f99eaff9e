/**
 * A small YOLOv8-shaped convolutional network with fixed pseudo-random
 * weights, for the arm64 parity check when no ONNX model ships in models/.
 *
 * The generated test network (test/helpers/test-model) is exact by design but
 * uses only reductions and element-wise ops; what differs between x86 and ARM
 * builds of onnxruntime are the convolution and GEMM kernels (MLAS, NEON).
 * This network runs those: strided 3x3 convs, a depthwise conv, 1x1 convs and
 * three heads at strides 8/16/32 concatenated into [1, 4+nc, N], boxes as
 * sigmoid * input size, scores as sigmoids. It detects nothing meaningful, but
 * the same picture must give the same boxes on both architectures.
 */
import fs from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { anchorCount } from '../helpers/test-model/index.js';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

export const CONV_MODEL_SIZE = 320;
export const CONV_MODEL_LABELS = ['alpha', 'beta', 'gamma'];
const SCORE_SHIFT = 2.5;

type Attr = onnxProto.onnx.IAttributeProto;
const ints = (name: string, values: number[]): Attr => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
const int = (name: string, i: number): Attr => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });

/** mulberry32: a seeded PRNG, so every run builds the same weights. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function buildConvModel(seed = 20261127): Uint8Array {
  const rand = prng(seed);
  const s = CONV_MODEL_SIZE;
  const nc = CONV_MODEL_LABELS.length;
  const rows = 4 + nc;
  const initializer: onnxProto.onnx.ITensorProto[] = [];
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const floats = (name: string, dims: number[], values: number[]) => initializer.push({ name, dims, dataType: FLOAT, floatData: values });

  // conv(+relu): weights uniform in ±sqrt(6/fan_in) (He), small biases.
  const conv = (input: string, output: string, cin: number, cout: number, k: number, stride: number, opts: { group?: number; relu?: boolean; bias?: number } = {}) => {
    const group = opts.group ?? 1;
    const fanIn = (cin / group) * k * k;
    const bound = Math.sqrt(6 / fanIn);
    floats(`${output}.w`, [cout, cin / group, k, k], Array.from({ length: cout * fanIn }, () => (rand() * 2 - 1) * bound));
    floats(`${output}.b`, [cout], Array.from({ length: cout }, () => (opts.bias ?? 0) + (rand() * 2 - 1) * 0.1));
    const pad = (k - 1) >> 1;
    const convOut = opts.relu === false ? output : `${output}.pre`;
    nodes.push({
      opType: 'Conv', input: [input, `${output}.w`, `${output}.b`], output: [convOut], name: convOut,
      attribute: [ints('kernel_shape', [k, k]), ints('strides', [stride, stride]), ints('pads', [pad, pad, pad, pad]), int('group', group)],
    });
    if (opts.relu !== false) nodes.push({ opType: 'Relu', input: [convOut], output: [output], name: output });
  };

  conv('images', 'c1', 3, 16, 3, 2); // 160
  conv('c1', 'c2dw', 16, 16, 3, 2, { group: 16 }); // 80, depthwise
  conv('c2dw', 'c2', 16, 32, 1, 1); // pointwise
  conv('c2', 'p3', 32, 32, 3, 2); // 40, stride 8
  conv('p3', 'p4', 32, 48, 3, 2); // 20, stride 16
  conv('p4', 'p5', 48, 64, 3, 2); // 10, stride 32
  const heads: string[] = [];
  for (const [name, cin, stride] of [['p3', 32, 8], ['p4', 48, 16], ['p5', 64, 32]] as const) {
    conv(name, `${name}.head`, cin, rows, 1, 1, { relu: false });
    const cells = Math.ceil(s / stride) ** 2;
    initializer.push({ name: `${name}.shape`, dims: [3], dataType: INT64, int64Data: [1, rows, cells] });
    nodes.push({ opType: 'Reshape', input: [`${name}.head`, `${name}.shape`], output: [`${name}.flat`], name: `${name}.flat` });
    heads.push(`${name}.flat`);
  }
  nodes.push({ opType: 'Concat', input: heads, output: ['raw'], name: 'raw', attribute: [int('axis', 2)] });
  // Scores shifted down so that a few dozen anchors pass the default threshold, not hundreds.
  floats('shift', [1, rows, 1], [0, 0, 0, 0, ...Array<number>(nc).fill(-SCORE_SHIFT)]);
  nodes.push({ opType: 'Add', input: ['raw', 'shift'], output: ['shifted'], name: 'shifted' });
  nodes.push({ opType: 'Sigmoid', input: ['shifted'], output: ['sig'], name: 'sig' });
  // Rows 0..3 (cx, cy, w, h) scaled to pixels, w and h to at most a quarter of the input; scores as they are.
  floats('scale', [1, rows, 1], [s, s, s / 4, s / 4, ...Array<number>(nc).fill(1)]);
  nodes.push({ opType: 'Mul', input: ['sig', 'scale'], output: ['output0'], name: 'output0' });

  const n = anchorCount(s);
  const valueInfo = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  const model: onnxProto.onnx.IModelProto = {
    irVersion: 7,
    producerName: 'lookout-arm64-conv-model',
    opsetImport: [{ domain: '', version: 13 }],
    graph: { name: 'conv_yolo_shaped', node: nodes, initializer, input: [valueInfo('images', [1, 3, s, s])], output: [valueInfo('output0', [1, rows, n])] },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(model)).finish();
}

/** Writes model.onnx + lookout-model.json into `dir` and returns it. */
export function writeConvModel(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'model.onnx'), buildConvModel());
  fs.writeFileSync(
    path.join(dir, 'lookout-model.json'),
    JSON.stringify({ labels: CONV_MODEL_LABELS, imgsz: [CONV_MODEL_SIZE, CONV_MODEL_SIZE], strides: [8, 16, 32], task: 'detect', source: 'test/arm64/conv-model.ts (seeded random weights)', license: 'MIT' }, null, 2),
  );
  return dir;
}
