/**
 * Writes the test network (see spec.ts) as an ONNX model with onnx-proto, so
 * generating it costs a few milliseconds and no Python.
 */
import onnxProto from 'onnx-proto';
import { anchorCount, outputRows, type TestModelSpec } from './spec.js';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function floatTensor(name: string, dims: number[], values: ArrayLike<number>): onnxProto.onnx.ITensorProto {
  return { name, dims, dataType: FLOAT, floatData: Array.from(values) };
}

function int64Tensor(name: string, values: number[]): onnxProto.onnx.ITensorProto {
  return { name, dims: [values.length], dataType: INT64, int64Data: values };
}

function ints(name: string, values: number[]): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}

function int(name: string, value: number): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

function node(opType: string, input: string[], output: string, attribute: onnxProto.onnx.IAttributeProto[] = []): onnxProto.onnx.INodeProto {
  return { opType, input, output: [output], name: output, attribute };
}

function valueInfo(name: string, dims: number[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  };
}

export interface OnnxBuildOptions {
  /** Write Ultralytics-style metadata_props (names, imgsz, stride, task). */
  metadataProps: boolean;
}

/** Serialised ModelProto bytes for the spec's network. */
export function buildOnnxModel(spec: TestModelSpec, options: OnnxBuildOptions): Uint8Array {
  const s = spec.size;
  const rows = outputRows(spec);
  const n = anchorCount(s);
  const range = Array.from({ length: s }, (_, i) => i);
  const extraScores = rows - 5; // class 0 is the one scoring row; the rest stay 0

  const initializer: onnxProto.onnx.ITensorProto[] = [
    floatTensor('half', [], [0.5]),
    floatTensor('x_plus_1', [s], range.map((i) => i + 1)),
    floatTensor('size_minus_x', [s], range.map((i) => s - i)),
    floatTensor('size', [1], [s]),
    floatTensor('zeros_tail', [1, rows, n - 1], new Float32Array(rows * (n - 1))),
    int64Tensor('shape_col', [1, rows, 1]),
  ];
  if (extraScores > 0) initializer.push(floatTensor('zeros_scores', [extraScores], new Float32Array(extraScores)));

  const nodes: onnxProto.onnx.INodeProto[] = [
    node('ReduceMean', ['images'], 'mean', [ints('axes', [1]), int('keepdims', 0)]),
    node('Greater', ['mean', 'half'], 'is_bright'),
    node('Cast', ['is_bright'], 'mask', [int('to', FLOAT)]),
    node('ReduceMax', ['mask'], 'cols', [ints('axes', [0, 1]), int('keepdims', 0)]),
    node('ReduceMax', ['mask'], 'rows', [ints('axes', [0, 2]), int('keepdims', 0)]),
    node('ReduceMax', ['cols'], 'score', [ints('axes', [0]), int('keepdims', 1)]),
  ];
  // Edge of the bright region along one axis: max((i+1)*any) is the far edge,
  // S - max((S-i)*any) the near edge.
  for (const [axis, lo, hi] of [['cols', 'x1', 'x2'], ['rows', 'y1', 'y2']] as const) {
    nodes.push(
      node('Mul', [axis, 'x_plus_1'], `${hi}_cand`),
      node('ReduceMax', [`${hi}_cand`], hi, [ints('axes', [0]), int('keepdims', 1)]),
      node('Mul', [axis, 'size_minus_x'], `${lo}_cand`),
      node('ReduceMax', [`${lo}_cand`], `${lo}_rev`, [ints('axes', [0]), int('keepdims', 1)]),
      node('Sub', ['size', `${lo}_rev`], lo),
    );
  }
  nodes.push(
    node('Add', ['x1', 'x2'], 'x_sum'),
    node('Mul', ['x_sum', 'half'], 'cx'),
    node('Add', ['y1', 'y2'], 'y_sum'),
    node('Mul', ['y_sum', 'half'], 'cy'),
    node('Sub', ['x2', 'x1'], 'w'),
    node('Sub', ['y2', 'y1'], 'h'),
    node('Concat', ['cx', 'cy', 'w', 'h', 'score', ...(extraScores > 0 ? ['zeros_scores'] : [])], 'anchor0', [int('axis', 0)]),
    node('Reshape', ['anchor0', 'shape_col'], 'anchor0_col'),
  );
  const anchorsFirst = spec.outputLayout === 'anchors-first';
  nodes.push(node('Concat', ['anchor0_col', 'zeros_tail'], anchorsFirst ? 'channels_first' : 'output0', [int('axis', 2)]));
  if (anchorsFirst) nodes.push(node('Transpose', ['channels_first'], 'output0', [ints('perm', [0, 2, 1])]));

  const names = `{${spec.labels.map((l, i) => `${i}: '${l}'`).join(', ')}}`;
  const model: onnxProto.onnx.IModelProto = {
    irVersion: 7,
    producerName: 'lookout-test-model',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'bright_box',
      node: nodes,
      initializer,
      input: [valueInfo('images', [1, 3, s, s])],
      output: [valueInfo('output0', anchorsFirst ? [1, n, rows] : [1, rows, n])],
    },
    metadataProps: options.metadataProps
      ? [
          { key: 'names', value: names },
          { key: 'imgsz', value: `[${s}, ${s}]` },
          { key: 'stride', value: '32' },
          { key: 'task', value: 'detect' },
        ]
      : [],
  };
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(model)).finish();
}
